// `serverless-mesh-webhook check`: what the webhook would patch, warn and deny for plain manifests.
import Admission
import ArgumentParser
import Policy

/// Treats every object of the given manifests as a CREATE, runs /mutate, applies the patch,
/// runs /validate on the result, and prints per object what would be patched, warned and
/// denied, with rule IDs. Exit 1 if anything is denied, 0 otherwise, 2 on unreadable input —
/// for CI pipelines, as `kyverno apply` and `gator test` are for theirs.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check YAML or JSON manifests against the policy (exit 1 if anything is denied)."
    )

    @Option(help: "Policy configuration (YAML). Default: the documented defaults.")
    var config: String?
    @Option(help: "Namespace for namespaced objects that name none.")
    var namespace: String = "default"
    @Argument(help: "Manifest files (YAML or JSON, multi-document, List kinds); - for standard input.")
    var files: [String]

    /// Kinds that live outside namespaces (those this policy can meet).
    static let clusterScoped: Set<String> = [
        "Namespace", "Node", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
        "PersistentVolume", "StorageClass", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    ]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one manifest file") }
    }

    func run() throws {
        let configuration = try config.map { path throws(StartupError) in try ConfigurationFile(path: path).current() } ?? PolicyConfiguration()
        let pipeline = AdmissionPipeline(policy: Policy(configuration: configuration))
        var checked = 0, denied = 0, warned = 0, patched = 0
        for file in files {
            guard let bytes = file == "-" ? FileSystem.read("/dev/stdin") : FileSystem.read(file) else {
                throw StartupError("cannot read \(file): \(FileSystem.lastError())")
            }
            let objects: [JSONValue]
            do {
                objects = try ManifestReader.objects(in: String(decoding: bytes, as: UTF8.self))
            } catch {
                throw StartupError("\(file): \(error.description)")
            }
            for (index, object) in objects.enumerated() {
                let request = try makeRequest(object, number: checked + 1, file: file, index: index)
                checked += 1
                let report = Self.check(request, pipeline: pipeline)
                if report.denied { denied += 1 }
                if report.warned { warned += 1 }
                if report.patched { patched += 1 }
                print("\(file): \(request.kind.description) \([request.namespace, request.name].compactMap { $0 }.joined(separator: "/"))")
                for line in report.lines { print("  " + line) }
            }
        }
        print("\(checked) objects: \(denied) denied, \(warned) with warnings, \(patched) patched")
        if denied > 0 { throw ExitCode(1) }
    }

    private func makeRequest(_ object: JSONValue, number: Int, file: String, index: Int) throws(StartupError) -> AdmissionRequest {
        guard let apiVersion = object["apiVersion"]?.stringValue, let kind = object["kind"]?.stringValue else {
            throw StartupError("\(file): document \(index + 1) has no apiVersion and kind")
        }
        let parts = apiVersion.split(separator: "/", maxSplits: 1)
        let group = parts.count == 2 ? String(parts[0]) : ""
        let version = String(parts.last ?? "")
        let gvk = GroupVersionKind(group: group, version: version, kind: kind)
        let plural = kind.lowercased().hasSuffix("s") ? kind.lowercased() + "es" : kind.lowercased() + (kind.lowercased().hasSuffix("y") ? "" : "s")
        let resource = GroupVersionResource(group: group, version: version, resource: kind.lowercased().hasSuffix("y") ? String(kind.lowercased().dropLast()) + "ies" : plural)
        let name = object["metadata", "name"]?.stringValue ?? object["metadata", "generateName"]?.stringValue
        let namespace = Self.clusterScoped.contains(kind) ? nil : (object["metadata", "namespace"]?.stringValue ?? self.namespace)
        var withNamespace = object
        if let namespace, object["metadata", "namespace"] == nil, case .object(var root) = object {
            var metadata = root["metadata"]?.objectValue ?? JSONObject()
            metadata.set("namespace", to: .string(namespace))
            root.set("metadata", to: .object(metadata))
            withNamespace = .object(root)
        }
        return AdmissionRequest(
            uid: "check-\(number)", kind: gvk, resource: resource, requestKind: gvk, requestResource: resource,
            name: name, namespace: namespace, operation: .create,
            userInfo: ["username": "serverless-mesh-webhook-check"], object: withNamespace, dryRun: true
        )
    }

    struct Report {
        var lines: [String] = []
        var denied = false
        var warned = false
        var patched = false
    }

    /// Mutates, applies the patch, validates the patched object.
    static func check(_ request: AdmissionRequest, pipeline: AdmissionPipeline) -> Report {
        var report = Report()
        let review = AdmissionReview(apiVersion: "admission.k8s.io/v1", request: request)
        let mutation = pipeline.handle(review, path: .mutate)
        var validated = review
        for finding in mutation.decision.findings where finding.effect == .patch {
            report.lines.append("patch: \(finding.text)")
        }
        if let patch = mutation.decision.response.patch, let object = request.object {
            report.patched = true
            for operation in patch.operations {
                let value = operation.jsonValue["value"].map { " " + String(decoding: $0.serialized(), as: UTF8.self) } ?? ""
                report.lines.append("  \(operation.op) \(operation.path)\(value)")
            }
            if let patchedObject = try? patch.apply(to: object.materialized()) { validated.request.object = JSONView(patchedObject) }
        }
        for warning in mutation.decision.response.warnings { report.lines.append("warning: \(warning)"); report.warned = true }
        let validation = pipeline.handle(validated, path: .validate)
        for warning in validation.decision.response.warnings { report.lines.append("warning: \(warning)"); report.warned = true }
        if let status = validation.decision.response.status, !validation.decision.response.allowed {
            report.denied = true
            for line in status.message.split(separator: "\n") { report.lines.append("denied: \(line)") }
        }
        if report.lines.isEmpty { report.lines.append("ok") }
        return report
    }
}
