// What a NetworkPolicy admits: whether it governs ingress, and the namespace selectors of its ingress peers.
import Admission

/// A NetworkPolicy reduced to what NP-MONITORING and NP-SERVING-SYSTEM read. A value read per
/// review; any thread. An absent `policyTypes` counts as `[Ingress]`, as the API server
/// defaults it. Peers are read with their `namespaceSelector` only: a `podSelector` narrowing
/// the peer, `ports` and `ipBlock` peers are deliberately not judged.
struct NetworkPolicyIngress: Sendable {
    /// `spec.policyTypes` includes Ingress (or is absent).
    let coversIngress: Bool
    /// The namespaceSelector of every peer of every `spec.ingress[].from`.
    let namespaceSelectors: [NamespaceSelector]

    init(_ object: JSONView) throws(MalformedObject) {
        let types = try object.stringList(at: ["spec", "policyTypes"])
        coversIngress = types.map { $0.contains("Ingress") } ?? true
        var selectors: [NamespaceSelector] = []
        for (ruleIndex, rule) in (try object.objectList(at: ["spec", "ingress"]) ?? []).enumerated() {
            let rulePath = "spec.ingress[\(ruleIndex)]"
            let peers = try reading(rulePath) { () throws(MalformedObject) -> [JSONView] in try rule.objectList(at: ["from"]) ?? [] }
            for (peerIndex, peer) in peers.enumerated() {
                let peerPath = "\(rulePath).from[\(peerIndex)]"
                guard let selector = try reading(peerPath, { () throws(MalformedObject) -> JSONView? in
                    try peer.object(at: ["namespaceSelector"])
                }) else { continue }
                selectors.append(try reading("\(peerPath).namespaceSelector") { () throws(MalformedObject) -> NamespaceSelector in
                    try NamespaceSelector(selector)
                })
            }
        }
        namespaceSelectors = selectors
    }

    /// True when some ingress peer's namespaceSelector pins `key` to `value`.
    func admits(namespaceLabel key: String, _ value: String) -> Bool {
        namespaceSelectors.contains { $0.pins(key, to: value) }
    }
}
