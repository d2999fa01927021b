// SECRET-CERT-UID: the certificate UID label on TLS secrets (doc §1.6).
import Admission
import Testing
@testable import Policy

@Suite("Secret certificate UID label")
struct SecretCertificateUIDTests {
    typealias S = PolicyTestSupport

    static func secret(type: String? = "kubernetes.io/tls", namespace: String = "demo", metadata: String = "") -> String {
        let typeField = type.map { #","type":"\#($0)""# } ?? ""
        return #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"route-tls","namespace":"\#(namespace)""# + metadata
            + #"},"data":{"tls.crt":"Y2VydA==","tls.key":"a2V5"}"# + typeField + "}"
    }

    @Test func aNewSecretGetsTheRequestUIDCreatingTheLabelsMap() throws {
        let request = try S.request(S.secret, object: Self.secret(), uid: "d1f6c0e2-2b6f-4c61-9d0c-6c2b8f3a7e10")
        let (first, second, _) = try S.mutateTwice(S.policy(), request)
        #expect(first.response.patch?.jsonValue == (try S.json("""
        [{"op":"add","path":"/metadata/labels","value":{}},
         {"op":"add","path":"/metadata/labels/networking.internal.knative.dev~1certificate-uid","value":"d1f6c0e2-2b6f-4c61-9d0c-6c2b8f3a7e10"}]
        """)))
        #expect(first.findings == [Finding(ruleID: "SECRET-CERT-UID", effect: .patch,
            message: #"set metadata.labels["networking.internal.knative.dev/certificate-uid"] = "d1f6c0e2-2b6f-4c61-9d0c-6c2b8f3a7e10""#)])
        #expect(second.response.patch == nil)
    }

    @Test func theKnativeCertificateOwnerWinsOverTheSecretsOwnUID() throws {
        let metadata = #","uid":"11111111-aaaa-4bbb-8ccc-000000000001","labels":{"app":"x"},"ownerReferences":[{"apiVersion":"cert-manager.io/v1","kind":"Certificate","name":"c","uid":"22222222-aaaa-4bbb-8ccc-000000000002"},{"apiVersion":"networking.internal.knative.dev/v1alpha1","kind":"Certificate","name":"route-abc","uid":"33333333-aaaa-4bbb-8ccc-000000000003","controller":true}]"#
        let decision = S.policy().mutate(try S.request(S.secret, object: Self.secret(metadata: metadata), operation: .update, oldObject: Self.secret()))
        #expect(decision.response.patch?.jsonValue == (try S.json("""
        [{"op":"add","path":"/metadata/labels/networking.internal.knative.dev~1certificate-uid","value":"33333333-aaaa-4bbb-8ccc-000000000003"}]
        """)))
    }

    @Test func withoutAKnativeCertificateTheSecretsUIDIsUsed() throws {
        let metadata = #","uid":"11111111-aaaa-4bbb-8ccc-000000000001","ownerReferences":[{"apiVersion":"cert-manager.io/v1","kind":"Certificate","name":"c","uid":"22222222-aaaa-4bbb-8ccc-000000000002"},{"apiVersion":"networking.internal.knative.dev/v1alpha1","kind":"Certificate","name":"bad","uid":"-not a label-"}]"#
        let decision = S.policy().mutate(try S.request(S.secret, object: Self.secret(metadata: metadata)))
        #expect(decision.response.patch?.operations.last == .add(
            path: JSONPointer(tokens: ["metadata", "labels", "networking.internal.knative.dev/certificate-uid"]),
            value: "11111111-aaaa-4bbb-8ccc-000000000001"))
    }

    @Test(arguments: [#""abc""#, #""""#])
    func anExistingValueIsNeverChanged(value: String) throws {
        let metadata = #","labels":{"networking.internal.knative.dev/certificate-uid":\#(value)}"#
        let decision = S.policy().mutate(try S.request(S.secret, object: Self.secret(metadata: metadata)))
        #expect(decision.response.patch == nil)
        #expect(decision.findings.isEmpty)
    }

    @Test func onlyConfiguredTypesAreLabelled() throws {
        for type in ["Opaque", nil] as [String?] {
            let request = try S.request(S.secret, object: Self.secret(type: type))
            #expect(S.policy().mutate(request).response.patch == nil)
            #expect(S.policy { $0.secrets.types = ["kubernetes.io/tls", "Opaque"] }.mutate(request).response.patch != nil)
        }
    }

    @Test func onlyConfiguredNamespacesAreLabelled() throws {
        let policy = S.policy { $0.secrets.namespaces = ["knative-serving-ingress", "istio-system"] }
        #expect(policy.mutate(try S.request(S.secret, object: Self.secret(namespace: "demo"))).response.patch == nil)
        #expect(policy.mutate(try S.request(S.secret, object: Self.secret(namespace: "istio-system"))).response.patch != nil)
    }

    @Test func aConfiguredLabelKeyWithTildeIsEscaped() throws {
        let decision = S.policy { $0.secrets.certificateUIDLabel = "example.com/uid~v1" }
            .mutate(try S.request(S.secret, object: Self.secret(metadata: #","labels":{}"#), uid: "abc"))
        #expect(decision.response.patch?.jsonValue == (try S.json(#"[{"op":"add","path":"/metadata/labels/example.com~1uid~0v1","value":"abc"}]"#)))
    }

    @Test func noUsableUIDWarnsAndPatchesNothing() throws {
        let decision = S.policy().mutate(try S.request(S.secret, object: Self.secret(), uid: "not a label value"))
        #expect(decision.response.allowed)
        #expect(decision.response.patch == nil)
        #expect(decision.response.warnings.count == 1)
        for warning in decision.response.warnings { expectValidWarning(warning) }
    }

    @Test func labelValuesFollowKubernetesSyntax() {
        #expect(SecretCertificateUIDMutation.isLabelValue("705ab4f5-6393-11e8-b7cc-42010a800002"))
        #expect(SecretCertificateUIDMutation.isLabelValue("a.b_c"))
        #expect(!SecretCertificateUIDMutation.isLabelValue(""))
        #expect(!SecretCertificateUIDMutation.isLabelValue("-a"))
        #expect(!SecretCertificateUIDMutation.isLabelValue("a b"))
        #expect(!SecretCertificateUIDMutation.isLabelValue(String(repeating: "a", count: 64)))
    }

    @Test func malformedOwnerReferencesWarnOnMutate() throws {
        let decision = S.policy().mutate(try S.request(S.secret, object: Self.secret(metadata: #","ownerReferences":["x"]"#)))
        #expect(decision.response.allowed)
        #expect(decision.response.patch == nil)
        #expect(decision.response.warnings.first?.hasPrefix("[SECRET-CERT-UID] metadata.ownerReferences[0] must be an object") == true)
    }

    @Test func deleteAndValidationLeaveSecretsAlone() throws {
        let request = try S.request(S.secret, object: Self.secret(), operation: .delete)
        #expect(S.policy().mutate(request).response.patch == nil)
        let create = try S.request(S.secret, object: Self.secret())
        #expect(S.policy().validate(create).response == AdmissionResponse(uid: create.uid, allowed: true))
    }
}
