// Rules for the Service Mesh and Serving configuration objects.

extension Policy {
    /// SMMR-*, SMCP-*, GW-*, SVC-LOCAL-GATEWAY, KS-*, NP-*.
    static let meshValidations: [any ValidationRule] = []
}
