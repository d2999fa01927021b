#!/usr/bin/env bash
# Sets up this machine, makes a development certificate for localhost, builds and runs the
# webhook on https://localhost:8443 (metrics on http://localhost:9090). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export PATH=/opt/swift/usr/bin:$PATH
if [ ! -e dev-certs/tls.key ]; then
  certs/generate.sh --out dev-certs --extra-san DNS:localhost --extra-san IP:127.0.0.1 --extra-san IP:::1
fi
swift build -c release --product serverless-mesh-webhook
exec .build/release/serverless-mesh-webhook serve \
  --listen 127.0.0.1:8443 --metrics-listen 127.0.0.1:9090 \
  --tls-cert dev-certs/tls.crt --tls-key dev-certs/tls.key "$@"
