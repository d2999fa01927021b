// What a revision template says about the Istio sidecar, read once for the KSVC-* rules (doc §1.3).
import Admission

/// The `sidecar.istio.io/inject` settings on `spec.template.metadata` of a Knative Service and
/// whether they ask for the sidecar under the configured `sidecarInjection` mode. A value built
/// per evaluation; any thread. It deliberately does not patch anything.
///
/// The sidecar counts as requested when the annotation or the label holds `"true"` and neither
/// place holds anything else: Istio honours both and reads the label first, so a `"false"` in
/// the other place still opts out. The configured mode only decides which place a missing
/// setting is reported (and patched) at.
struct KnativeServiceSidecarInjection: Sendable {
    /// Why the sidecar is not requested: the field to fix and what it holds (nil: absent).
    struct Problem: Sendable, Equatable {
        var field: String
        var value: String?
        var isLabel: Bool
    }

    let mode: PolicyConfiguration.SidecarInjection
    let annotation: String?
    let label: String?

    init(_ context: borrowing RuleContext, mode: PolicyConfiguration.SidecarInjection) throws(MalformedObject) {
        try self.init(context, templateAnnotations: context.templateAnnotations(), mode: mode)
    }

    /// The same, with the template's annotations already found (`templateAnnotations()`) by a
    /// rule that reads more of them.
    init(_ context: borrowing RuleContext, templateAnnotations: JSONView?, mode: PolicyConfiguration.SidecarInjection) throws(MalformedObject) {
        self.mode = mode
        annotation = try JSONView.string(forKey: KnativeServiceFields.injectKey, in: templateAnnotations, at: KnativeServiceFields.templateAnnotations)
        label = try JSONView.string(forKey: KnativeServiceFields.injectKey, in: context.templateLabels(), at: KnativeServiceFields.templateLabels)
    }

    var isRequested: Bool { problem == nil }

    var problem: Problem? {
        // The configured place is looked at first.
        let labelFirst = mode == .label
        for isLabel in [labelFirst, !labelFirst] {
            if let value = isLabel ? label : annotation, value != "true" {
                return Problem(field: isLabel ? Self.labelField : Self.annotationField, value: value, isLabel: isLabel)
            }
        }
        // Istio injects when either place says "true" (and neither says otherwise), whatever
        // place this webhook writes to; only when neither is set is the configured place named.
        guard annotation == nil && label == nil else { return nil }
        return Problem(field: labelFirst ? Self.labelField : Self.annotationField, value: nil, isLabel: labelFirst)
    }

    /// The two places as messages name them, built once (this is read for every Knative
    /// Service on /validate; building both names cost ~6,000 instructions per review).
    private static let annotationField = FindingText.field(KnativeServiceFields.templateAnnotations, key: KnativeServiceFields.injectKey)
    private static let labelField = FindingText.field(KnativeServiceFields.templateLabels, key: KnativeServiceFields.injectKey)
}
