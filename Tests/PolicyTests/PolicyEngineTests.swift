import Testing
@testable import Policy
import Admission

@Suite("Policy engine")
struct PolicyEngineTests {
    @Test func deleteIsAllowedWithoutRules() {
        let request = AdmissionRequest(uid: "u", kind: GroupVersionKind(group: "", version: "v1", kind: "Secret"), resource: GroupVersionResource(group: "", version: "v1", resource: "secrets"), operation: .delete)
        let decision = Policy().validate(request)
        #expect(decision.response.allowed)
        #expect(decision.response.uid == "u")
    }
}
