// The policy configuration file of policy.md: every key, its type and its documented default.

/// The whole configuration. Every key is optional in the file; a missing one takes the default
/// below (policy.md). Immutable once loaded and shared by every thread; a reload builds a new
/// value. Loading and validation live in `PolicyConfiguration+Loading.swift`.
public struct PolicyConfiguration: Sendable, Equatable {
    /// mesh-ingress: Service Mesh is the only ingress, Kourier disabled (doc §1.3);
    /// kourier: Service Mesh used while Kourier stays the ingress (doc §1.5).
    public enum Integration: String, Sendable, Equatable, CaseIterable {
        case meshIngress = "mesh-ingress"
        case kourier
    }

    /// deny: denials are denials; warn: every denial becomes a warning (safe roll-out).
    public enum Enforcement: String, Sendable, Equatable, CaseIterable {
        case deny
        case warn
    }

    public struct MemberRoll: Sendable, Equatable {
        public var requiredMembers: [String] = ["knative-serving"]
        public init() {}
    }

    public struct ControlPlane: Sendable, Equatable {
        /// doc §1.3: spec.security.dataPlane.mtls must be true.
        public var requireMTLS = true
        /// doc §1.3: Service Mesh 2.0.5 or later (1.31+: v2.2).
        public var minVersion = "v2.0"
        /// doc §1.4 (1.31+: [8444, 8022]).
        public var metricsExcludedPorts: [Int] = [8444]
        public init() {}
    }

    public struct Gateways: Sendable, Equatable {
        /// 1.31+: {knative: ingressgateway}.
        public var selector: [String: String] = ["istio": "ingressgateway"]
        /// doc §1.2 secret name; another name is a warning only.
        public var credentialName = "wildcard-certs"
        public init() {}
    }

    public enum SidecarInjection: String, Sendable, Equatable, CaseIterable {
        case annotation
        case label
        case off
    }

    public struct GPU: Sendable, Equatable {
        public var resource = "nvidia.com/gpu"
        /// Opt-in GPU count on spec.template.metadata.annotations.
        public var annotation = "serverless-mesh-webhook.io/gpu"
        /// 0 = no limit.
        public var maxPerService = 0
        /// doc §3.1: not supported on IBM zSystems / IBM Power.
        public var unsupportedArchitectures: [String] = ["s390x", "ppc64le"]
        public init() {}
    }

    public struct KnativeService: Sendable, Equatable {
        public var sidecarInjection: SidecarInjection = .annotation
        public var rewriteAppHTTPProbers = true
        /// Default true, false when `integration` is kourier (unless set explicitly).
        public var passthrough = true
        public var gpu = GPU()
        public init() {}
    }

    public struct Secrets: Sendable, Equatable {
        public var certificateUIDLabel = "networking.internal.knative.dev/certificate-uid"
        /// Empty: every namespace the webhook is called for.
        public var namespaces: [String] = []
        public var types: [String] = ["kubernetes.io/tls"]
        public init() {}
    }

    public struct Namespaces: Sendable, Equatable {
        /// doc §1.5, Serverless <= 1.21.1 only.
        public var labelServingSystem = false
        /// doc §2.2.
        public var warnCostAppLabel = true
        public init() {}
    }

    public struct Rules: Sendable, Equatable {
        /// Rule IDs that never fire.
        public var disabled: [String] = []
        /// Rule IDs downgraded from deny to warning.
        public var warnOnly: [String] = []
        public init() {}
    }

    public var integration: Integration = .meshIngress
    public var enforcement: Enforcement = .deny
    public var meshNamespace = "istio-system"
    public var servingNamespace = "knative-serving"
    public var servingIngressNamespace = "knative-serving-ingress"
    public var memberRoll = MemberRoll()
    public var controlPlane = ControlPlane()
    public var gateways = Gateways()
    public var knativeService = KnativeService()
    public var secrets = Secrets()
    public var namespaces = Namespaces()
    public var rules = Rules()

    /// The documented defaults (policy.md).
    public init() {}
}
