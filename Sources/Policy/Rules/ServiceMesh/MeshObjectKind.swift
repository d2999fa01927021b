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
        switch (kind.group, kind.kind, kind.version) {
        case ("maistra.io", "ServiceMeshMemberRoll", "v1"): self = .memberRoll
        case ("maistra.io", "ServiceMeshControlPlane", "v2"): self = .controlPlane
        case ("networking.istio.io", "Gateway", "v1alpha3"), ("networking.istio.io", "Gateway", "v1beta1"),
             ("networking.istio.io", "Gateway", "v1"): self = .gateway
        case ("", "Service", "v1"): self = .service
        case ("operator.knative.dev", "KnativeServing", "v1beta1"), ("operator.knative.dev", "KnativeServing", "v1alpha1"):
            self = .knativeServing
        case ("networking.k8s.io", "NetworkPolicy", "v1"): self = .networkPolicy
        default: return nil
        }
    }
}

extension RuleContext {
    /// The mesh kind of the request, nil for every other kind.
    var meshKind: MeshObjectKind? { MeshObjectKind(kind) }

    /// True when the object is `kind`, named `name` (any name when nil), in `namespace` (any
    /// namespace when nil).
    func isMeshObject(_ kind: MeshObjectKind, named name: String? = nil, in namespace: String? = nil) -> Bool {
        guard meshKind == kind else { return false }
        if let name, self.name != name { return false }
        if let namespace, self.namespace != namespace { return false }
        return true
    }
}
