// KSVC-GPU (mutation), KSVC-GPU-QUANTITY and KSVC-GPU-ARCH (validation).
import Admission
import Testing
@testable import Policy

@Suite("KnativeService GPU rules")
struct KnativeServiceGPUTests {
    typealias S = PolicyTestSupport
    static let injected = #""sidecar.istio.io/inject":"true","sidecar.istio.io/rewriteAppHTTPProbers":"true""#

    /// A mesh-ready Service (nothing for the sidecar rules to do) with these template parts.
    static func service(gpuAnnotation: String? = nil, containers: String, initContainers: String? = nil, nodeSelector: String? = nil) -> String {
        var annotations = "{" + injected
        if let gpuAnnotation { annotations += #","serverless-mesh-webhook.io/gpu":"\#(gpuAnnotation)""# }
        annotations += "}"
        var spec = #"{"containers":"# + containers
        if let initContainers { spec += #","initContainers":"# + initContainers }
        if let nodeSelector { spec += #","nodeSelector":"# + nodeSelector }
        spec += "}"
        return knativeService(annotations: #"{"serving.knative.openshift.io/enablePassthrough":"true"}"#, templateAnnotations: annotations, spec: spec)
    }

    static let twoContainers = #"[{"name":"app","image":"a"},{"name":"sidecar","image":"b","resources":{"limits":{"cpu":"1"}}}]"#

    // MARK: KSVC-GPU

    @Test func annotationSetsTheFirstContainersLimitCreatingMaps() throws {
        let request = try S.request(S.knativeService, object: Self.service(gpuAnnotation: "2", containers: Self.twoContainers))
        let (first, second, patched) = try S.mutateTwice(S.policy(), request)
        #expect(first.response.patch?.jsonValue == (try S.json("""
        [{"op":"add","path":"/spec/template/spec/containers/0/resources","value":{}},
         {"op":"add","path":"/spec/template/spec/containers/0/resources/limits","value":{}},
         {"op":"add","path":"/spec/template/spec/containers/0/resources/limits/nvidia.com~1gpu","value":"2"}]
        """)))
        #expect(second.response.patch == nil)
        #expect(patched?["spec", "template", "spec", "containers", "1", "resources"] == (try S.json(#"{"limits":{"cpu":"1"}}"#)))
        #expect(S.policy().validate(try S.applyingPatch(of: first, to: request)).response.allowed)
    }

    @Test func annotationMakesAnExistingRequestEqual() throws {
        let containers = #"[{"image":"a","resources":{"requests":{"nvidia.com/gpu":"1"},"limits":{"nvidia.com/gpu":"1"}}}]"#
        let decision = S.policy().mutate(try S.request(S.knativeService, object: Self.service(gpuAnnotation: "3", containers: containers)))
        #expect(decision.response.patch?.jsonValue == (try S.json("""
        [{"op":"replace","path":"/spec/template/spec/containers/0/resources/limits/nvidia.com~1gpu","value":"3"},
         {"op":"replace","path":"/spec/template/spec/containers/0/resources/requests/nvidia.com~1gpu","value":"3"}]
        """)))
    }

    @Test func anEqualNumericLimitIsNotRewritten() throws {
        let containers = #"[{"image":"a","resources":{"limits":{"nvidia.com/gpu":1}}}]"#
        let decision = S.policy().mutate(try S.request(S.knativeService, object: Self.service(gpuAnnotation: "1", containers: containers)))
        #expect(decision.response.patch == nil)
    }

    @Test(arguments: ["0", "-1", "0.5", "500m", "1Gi", "", "two"])
    func anInvalidAnnotationIsLeftForTheValidator(value: String) throws {
        let request = try S.request(S.knativeService, object: Self.service(gpuAnnotation: value, containers: Self.twoContainers))
        #expect(S.policy().mutate(request).response.patch == nil)
        let decision = S.policy().validate(request)
        #expect(!decision.response.allowed)
        #expect(decision.response.status?.code == 422)
        #expect(decision.response.status?.message.hasPrefix(#"[KSVC-GPU-QUANTITY] spec.template.metadata.annotations["serverless-mesh-webhook.io/gpu"] is "#) == true)
    }

    @Test func requestsAreCopiedIntoLimitsOfEveryContainerAndInitContainer() throws {
        let containers = #"[{"image":"a","resources":{"requests":{"nvidia.com/gpu":"1","cpu":"1"}}},{"image":"b","resources":{"requests":{"nvidia.com/gpu":2},"limits":{"memory":"1Gi"}}},{"image":"c"}]"#
        let initContainers = #"[{"image":"i","resources":{"requests":{"nvidia.com/gpu":"1"}}}]"#
        let request = try S.request(S.knativeService, object: Self.service(containers: containers, initContainers: initContainers))
        let (first, second, _) = try S.mutateTwice(S.policy(), request)
        #expect(first.response.patch?.jsonValue == (try S.json("""
        [{"op":"add","path":"/spec/template/spec/containers/0/resources/limits","value":{}},
         {"op":"add","path":"/spec/template/spec/containers/0/resources/limits/nvidia.com~1gpu","value":"1"},
         {"op":"add","path":"/spec/template/spec/containers/1/resources/limits/nvidia.com~1gpu","value":2},
         {"op":"add","path":"/spec/template/spec/initContainers/0/resources/limits","value":{}},
         {"op":"add","path":"/spec/template/spec/initContainers/0/resources/limits/nvidia.com~1gpu","value":"1"}]
        """)))
        #expect(second.response.patch == nil)
        #expect(first.findings.filter { $0.effect == .patch }.map(\.message).contains(#"set spec.template.spec.containers[1].resources.limits["nvidia.com/gpu"] = 2"#))
    }

    @Test(arguments: [#""500m""#, #""0.5""#, #""1Gi""#, "0", #""0""#])
    func invalidRequestsAreNotCopied(quantity: String) throws {
        let containers = #"[{"image":"a","resources":{"requests":{"nvidia.com/gpu":\#(quantity)}}}]"#
        let decision = S.policy().mutate(try S.request(S.knativeService, object: Self.service(containers: containers)))
        #expect(decision.response.patch == nil)
    }

    @Test func resourceNamesWithTildeAreEscaped() throws {
        let containers = #"[{"image":"a","resources":{"requests":{"example.com/gpu~v2":"1"}}}]"#
        let decision = S.policy { $0.knativeService.gpu.resource = "example.com/gpu~v2" }
            .mutate(try S.request(S.knativeService, object: Self.service(containers: containers)))
        #expect(decision.response.patch?.operations.map(\.path.description) == [
            "/spec/template/spec/containers/0/resources/limits",
            "/spec/template/spec/containers/0/resources/limits/example.com~1gpu~0v2",
        ])
    }

    @Test func annotationWithoutContainersWarns() throws {
        let decision = S.policy().mutate(try S.request(S.knativeService, object: Self.service(gpuAnnotation: "1", containers: "[]")))
        #expect(decision.response.allowed)
        #expect(decision.response.patch == nil)
        #expect(decision.response.warnings.count == 1)
        for warning in decision.response.warnings { expectValidWarning(warning) }
    }

    // MARK: KSVC-GPU-QUANTITY

    @Test(arguments: [
        (#""1""#, nil), (#""01""#, nil), ("1", nil), ("4", nil),
        (#""0""#, 422), ("0", 422), (#""-1""#, 422), ("-1", 422), (#""0.5""#, 422), ("0.5", 422),
        (#""500m""#, 422), (#""1Gi""#, 422), (#""1k""#, 422), (#""1e0""#, 422), ("1.0", 422), (#""+1""#, 422),
        (#"" 1""#, 422), ("true", 422), ("null", nil),
    ] as [(String, Int?)])
    func quantitiesMustBeWholeNumbersOfAtLeastOne(quantity: String, code: Int?) throws {
        let containers = #"[{"image":"a","resources":{"requests":{"nvidia.com/gpu":\#(quantity)},"limits":{"nvidia.com/gpu":\#(quantity)}}}]"#
        let decision = S.policy().validate(try S.request(S.knativeService, object: Self.service(containers: containers)))
        #expect(decision.response.status?.code == code, "\(quantity)")
        #expect(decision.response.allowed == (code == nil))
    }

    @Test func aBadQuantityNamesTheFieldAndCountsTheOthers() throws {
        let containers = #"[{"image":"a","resources":{"limits":{"nvidia.com/gpu":"500m"}}},{"image":"b","resources":{"requests":{"nvidia.com/gpu":"1Gi"}}}]"#
        let decision = S.policy().validate(try S.request(S.knativeService, object: Self.service(containers: containers)))
        #expect(decision.response.status?.message == #"[KSVC-GPU-QUANTITY] spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"] is "500m"; a GPU count must be a whole number of at least 1 (doc §3.1). Fix: write a count such as "1". (1 more GPU problem in this Service.)"#)
    }

    @Test func aRequestNeedsAnEqualLimit() throws {
        let withoutLimit = #"[{"image":"a","resources":{"requests":{"nvidia.com/gpu":"1"}}}]"#
        let different = #"[{"image":"a","resources":{"requests":{"nvidia.com/gpu":"2"},"limits":{"nvidia.com/gpu":1}}}]"#
        let equalByValue = #"[{"image":"a","resources":{"requests":{"nvidia.com/gpu":"01"},"limits":{"nvidia.com/gpu":1}}}]"#
        let policy = S.policy()
        let missing = policy.validate(try S.request(S.knativeService, object: Self.service(containers: withoutLimit)))
        #expect(missing.response.status?.code == 403)
        #expect(missing.response.status?.message == #"[KSVC-GPU-QUANTITY] spec.template.spec.containers[0].resources.requests["nvidia.com/gpu"] is "1" but limits has no nvidia.com/gpu; Kubernetes needs a GPU limit equal to the request (doc §3.1). Fix: set limits["nvidia.com/gpu"] to 1."#)
        let unequal = policy.validate(try S.request(S.knativeService, object: Self.service(containers: different)))
        #expect(unequal.response.status?.code == 403)
        #expect(unequal.response.status?.message.contains("is 2 but the limit is 1") == true)
        #expect(policy.validate(try S.request(S.knativeService, object: Self.service(containers: equalByValue))).response.allowed)
    }

    @Test func theTotalIsCappedByMaxPerService() throws {
        let containers = #"[{"image":"a","resources":{"limits":{"nvidia.com/gpu":"1"}}},{"image":"b","resources":{"limits":{"nvidia.com/gpu":"2"}}}]"#
        let object = Self.service(containers: containers)
        #expect(S.policy().validate(try S.request(S.knativeService, object: object)).response.allowed)
        #expect(S.policy { $0.knativeService.gpu.maxPerService = 3 }.validate(try S.request(S.knativeService, object: object)).response.allowed)
        let denied = S.policy { $0.knativeService.gpu.maxPerService = 2 }.validate(try S.request(S.knativeService, object: object))
        #expect(denied.response.status?.code == 403)
        #expect(denied.response.status?.message == "[KSVC-GPU-QUANTITY] the Service asks for 3 nvidia.com/gpu, more than gpu.maxPerService (2) allows (doc §3.1). Fix: request at most 2.")
    }

    @Test func theTotalCountsTheLargestInitContainerAndTheAnnotation() throws {
        let initContainers = #"[{"image":"i","resources":{"limits":{"nvidia.com/gpu":"4"}}}]"#
        let capped = S.policy { $0.knativeService.gpu.maxPerService = 3 }
        let withInit = Self.service(containers: #"[{"image":"a","resources":{"limits":{"nvidia.com/gpu":"1"}}}]"#, initContainers: initContainers)
        #expect(!capped.validate(try S.request(S.knativeService, object: withInit)).response.allowed)
        let annotated = Self.service(gpuAnnotation: "5", containers: #"[{"image":"a"}]"#)
        #expect(capped.validate(try S.request(S.knativeService, object: annotated)).response.status?.message.contains("asks for 5 nvidia.com/gpu") == true)
    }

    // MARK: KSVC-GPU-ARCH

    @Test(arguments: ["s390x", "ppc64le"])
    func gpusOnUnsupportedArchitecturesAreDenied(architecture: String) throws {
        let containers = #"[{"image":"a","resources":{"limits":{"nvidia.com/gpu":"1"}}}]"#
        let object = Self.service(containers: containers, nodeSelector: #"{"kubernetes.io/arch":"\#(architecture)"}"#)
        let decision = S.policy { $0.integration = .kourier }.validate(try S.request(S.knativeService, object: object))
        #expect(decision.response.status?.code == 403)
        #expect(decision.response.status?.message == #"[KSVC-GPU-ARCH] spec.template.spec.nodeSelector["kubernetes.io/arch"] is "\#(architecture)" but the Service asks for nvidia.com/gpu; GPUs are not supported on \#(architecture) nodes (doc §3.1). Fix: drop the GPUs or schedule on another architecture."#)
    }

    @Test func theArchitectureRuleIgnoresServicesWithoutGPUsAndSupportedArchitectures() throws {
        let policy = S.policy()
        let noGPU = Self.service(containers: #"[{"image":"a"}]"#, nodeSelector: #"{"kubernetes.io/arch":"s390x"}"#)
        let amd64 = Self.service(gpuAnnotation: "1", containers: #"[{"image":"a","resources":{"limits":{"nvidia.com/gpu":"1"}}}]"#,
                                 nodeSelector: #"{"kubernetes.io/arch":"amd64"}"#)
        for object in [noGPU, amd64] {
            #expect(policy.validate(try S.request(S.knativeService, object: object)).response.allowed)
        }
        let annotationOnly = Self.service(gpuAnnotation: "1", containers: #"[{"image":"a"}]"#, nodeSelector: #"{"kubernetes.io/arch":"ppc64le"}"#)
        #expect(!policy.validate(try S.request(S.knativeService, object: annotationOnly)).response.allowed)
    }

    // MARK: Malformed shapes on the way to the GPU values

    /// Each wrong type on the way to `resources.*[gpu]` is named by its path: /validate
    /// denies with 400, /mutate leaves the object unchanged with a warning.
    @Test(arguments: [
        (#""x""#, "spec.template.spec must be an object"),
        (#"{"containers":"x"}"#, "spec.template.spec.containers must be a list"),
        (#"{"containers":["x"]}"#, "spec.template.spec.containers[0] must be an object"),
        (#"{"containers":[{"image":"a"},{"resources":"x"}]}"#, "spec.template.spec.containers[1].resources must be an object"),
        (#"{"containers":[{"resources":{"requests":[]}}]}"#, "spec.template.spec.containers[0].resources.requests must be an object"),
        (#"{"containers":[{"resources":{"requests":{},"limits":1}}]}"#, "spec.template.spec.containers[0].resources.limits must be an object"),
        // Both maps wrong, limits first in the text: requests is still the one named.
        (#"{"containers":[{"resources":{"limits":1,"requests":[]}}]}"#, "spec.template.spec.containers[0].resources.requests must be an object"),
        // A repeated key: the last value is read, as everywhere.
        (#"{"containers":[{"resources":{"limits":{},"limits":"x"}}]}"#, "spec.template.spec.containers[0].resources.limits must be an object"),
        (#"{"initContainers":{},"containers":[{"image":"a"}]}"#, "spec.template.spec.initContainers must be a list"),
        (#"{"containers":[{"image":"a"}],"initContainers":{}}"#, "spec.template.spec.initContainers must be a list"),
        (#"{"containers":[{"image":"a"}],"initContainers":[{"resources":{"limits":"x"}}]}"#, "spec.template.spec.initContainers[0].resources.limits must be an object"),
    ])
    func wrongTypesOnTheWayToGPUValuesAreNamed(spec: String, message: String) throws {
        let object = knativeService(annotations: #"{"serving.knative.openshift.io/enablePassthrough":"true"}"#,
                                    templateAnnotations: "{" + Self.injected + "}", spec: spec)
        let request = try S.request(S.knativeService, object: object)
        let denied = S.policy().validate(request).response
        #expect(!denied.allowed)
        #expect(denied.status?.code == 400)
        #expect(denied.status?.message.contains(message) == true, "\(denied.status?.message ?? "")")
        let mutated = S.policy().mutate(request).response
        #expect(mutated.allowed && mutated.patch == nil)
        #expect(mutated.warnings.contains { $0.contains(message) }, "\(mutated.warnings)")
    }

    @Test func nullListsAndMapsOnTheWayAreAbsent() throws {
        for spec in [#"{"containers":[{"image":"a","resources":null}],"initContainers":null}"#,
                     #"{"containers":[{"image":"a","resources":{"requests":null,"limits":{"nvidia.com/gpu":null}}}]}"#] {
            let object = knativeService(annotations: #"{"serving.knative.openshift.io/enablePassthrough":"true"}"#,
                                        templateAnnotations: "{" + Self.injected + "}", spec: spec)
            let request = try S.request(S.knativeService, object: object)
            #expect(S.policy().validate(request).response.allowed)
            #expect(S.policy().mutate(request).response.patch == nil)
        }
    }

    // MARK: GPUQuantity

    @Test func gpuQuantityReadsPlainDigitsOnly() {
        #expect(GPUQuantity(text: "01") == .count(1))
        #expect(GPUQuantity(.number(JSONNumber(7))) == .count(7))
        #expect(GPUQuantity(text: "0").positiveCount == nil)
        #expect(GPUQuantity(text: "1234567890123456789") == .invalid)
        #expect(GPUQuantity(JSONView?.none) == .invalid)
        #expect(GPUQuantity(JSONView(.number(JSONNumber(3)))) == .count(3))
        #expect(GPUQuantity(JSONView(["a"])) == .invalid)
    }
}
