print("serverless-mesh-webhook")
