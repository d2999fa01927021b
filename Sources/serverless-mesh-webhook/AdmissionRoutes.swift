// The webhook routes /mutate and /validate (POST, application/json).
import HTTPServer

/// Builds the webhook's routing table. Until the admission policy lands (issue 3) both paths
/// answer 501 with a JSON error — never a made-up AdmissionReview.
enum AdmissionRoutes {
    static func make() -> Router {
        var router = Router()
        for path in ["/mutate", "/validate"] {
            router.add(method: "POST", path: path, requiresJSON: true) { _, _ in
                .error(501, "the admission policy is not available in this build")
            }
        }
        return router
    }
}
