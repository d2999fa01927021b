// Which group/version/kind the mesh rules treat as which object: the table of policy.md, exactly.
import Testing
import Admission
@testable import Policy

/// `MeshObjectKind(_:)` over every combination of the groups, kinds and versions that occur in
/// its table (and neighbours of them): exactly the listed triples are recognised.
struct MeshObjectKindTests {
    static let table: [String: MeshObjectKind] = [
        "maistra.io/v1/ServiceMeshMemberRoll": .memberRoll,
        "maistra.io/v2/ServiceMeshControlPlane": .controlPlane,
        "networking.istio.io/v1alpha3/Gateway": .gateway,
        "networking.istio.io/v1beta1/Gateway": .gateway,
        "networking.istio.io/v1/Gateway": .gateway,
        "/v1/Service": .service,
        "operator.knative.dev/v1beta1/KnativeServing": .knativeServing,
        "operator.knative.dev/v1alpha1/KnativeServing": .knativeServing,
        "networking.k8s.io/v1/NetworkPolicy": .networkPolicy,
    ]

    @Test func recognisesExactlyTheTable() {
        let groups = ["", "maistra.io", "networking.istio.io", "operator.knative.dev", "networking.k8s.io",
                      "serving.knative.dev", "apps", "maistra.io.example"]
        let versions = ["v1", "v2", "v1alpha1", "v1alpha3", "v1beta1", "v2beta1", "V1", ""]
        let kinds = ["ServiceMeshMemberRoll", "ServiceMeshControlPlane", "Gateway", "Service", "KnativeServing",
                     "NetworkPolicy", "service", "Services", "Secret", "Namespace", "", "ServiceMeshMemberRollX"]
        var recognised = 0
        for group in groups {
            for version in versions {
                for kind in kinds {
                    let expected = Self.table["\(group)/\(version)/\(kind)"]
                    let gvk = GroupVersionKind(group: group, version: version, kind: kind)
                    let actual = MeshObjectKind(gvk)
                    #expect(actual == expected, "\(group)/\(version) \(kind)")
                    // The request path reads the request's kind in place: the same answers.
                    let request = PolicyTestSupport.request(gvk, object: .object(JSONObject()))
                    #expect(MeshObjectKind(request) == expected, "request \(group)/\(version) \(kind)")
                    // Found once per review on /validate, looked up per rule on /mutate: the same.
                    for finding in [false, true] {
                        let context = RuleContext(request: request, object: JSONView(.object(JSONObject())),
                                                  shared: SharedConfiguration(PolicyConfiguration()), findingMeshKind: finding)
                        #expect(context.meshKind == expected, "context \(group)/\(version) \(kind)")
                    }
                    if actual != nil { recognised += 1 }
                }
            }
        }
        #expect(recognised == Self.table.count)
    }
}
