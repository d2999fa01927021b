// Which Service Mesh or Serving configuration object a request is about, from its group, version and kind.
import Admission

/// The kinds the mesh rules judge (policy.md, Validations): matched on group and kind, and on
/// the version where the table names versions. A value; any thread. It deliberately does not
/// look at `resource` or `requestKind`: the API server sends the object in the version the
/// webhook registered for, and that is what the rules read.
enum MeshObjectKind: Sendable, Equatable {
    /// maistra.io/v1 ServiceMeshMemberRoll.
    case memberRoll
    /// maistra.io/v2 ServiceMeshControlPlane.
    case controlPlane
    /// networking.istio.io Gateway, v1alpha3, v1beta1 or v1.
    case gateway
    /// Core v1 Service.
    case service
    /// operator.knative.dev KnativeServing, v1beta1 or v1alpha1.
    case knativeServing
    /// networking.k8s.io/v1 NetworkPolicy.
    case networkPolicy

    init?(_ kind: GroupVersionKind) {
        self.init(kind: kind.kind, group: { kind.group }, version: { kind.version })
    }

    /// The mesh kind of `request.kind`, its fields read in place as they are needed: taking
    /// `request.kind` whole copied the three strings (retained, then released) for each of
    /// the ~16 mesh rules that ask on every review (/validate ~1,700 instructions per review).
    init?(_ request: AdmissionRequest) {
        self.init(kind: request.kind.kind, group: { request.kind.group }, version: { request.kind.version })
    }

    @inline(__always)
    private init?(kind: String, group: () -> String, version: () -> String) {
        // The kind first, then its group and version: every mesh rule asks this for every
        // review, and most reviews are of none of these kinds. (Callgrind: a switch over
        // (group, kind, version) tuples cost ~1,400 instructions per call, ~22,000 per Knative
        // Service review on /validate; the short kind names compare in a word or two.)
        switch kind {
        case "Service":
            guard group().isEmpty, version() == "v1" else { return nil }
            self = .service
        case "Gateway":
            guard group() == "networking.istio.io" else { return nil }
            let version = version()
            guard version == "v1" || version == "v1beta1" || version == "v1alpha3" else { return nil }
            self = .gateway
        case "NetworkPolicy":
            guard group() == "networking.k8s.io", version() == "v1" else { return nil }
            self = .networkPolicy
        case "KnativeServing":
            guard group() == "operator.knative.dev" else { return nil }
            let version = version()
            guard version == "v1beta1" || version == "v1alpha1" else { return nil }
            self = .knativeServing
        case "ServiceMeshMemberRoll":
            guard group() == "maistra.io", version() == "v1" else { return nil }
            self = .memberRoll
        case "ServiceMeshControlPlane":
            guard group() == "maistra.io", version() == "v2" else { return nil }
            self = .controlPlane
        default:
            return nil
        }
    }
}

extension RuleContext {
    /// The mesh kind of the request, nil for every other kind.
    var meshKind: MeshObjectKind? {
        if case .found(let kind) = knownMeshKind { return kind }
        return MeshObjectKind(request)
    }

    /// True when the object is `kind`, named `name` (any name when nil), in `namespace` (any
    /// namespace when nil).
    func isMeshObject(_ kind: MeshObjectKind, named name: String? = nil, in namespace: String? = nil) -> Bool {
        guard meshKind == kind else { return false }
        if let name, self.name != name { return false }
        if let namespace, self.namespace != namespace { return false }
        return true
    }
}
