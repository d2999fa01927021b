// Kubernetes name grammars the configuration checks: DNS-1123 labels and qualified names.

/// Syntax checks for names the configuration holds, as Kubernetes' apimachinery validation
/// defines them (k8s.io/apimachinery/pkg/util/validation). Each returns nil when the text is
/// valid, else the problem as a message fragment.
///
/// Stateless; any thread; used by `PolicyConfiguration.load(yaml:)`. It deliberately checks
/// syntax only, not whether a namespace or label exists.
enum KubernetesNameSyntax {
    /// RFC 1123 label: at most 63 characters, lower-case alphanumerics and '-', starting and
    /// ending with an alphanumeric (namespace names).
    static func dns1123LabelProblem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        let valid = !bytes.isEmpty && bytes.count <= 63 && isLowerAlnum(bytes[0]) && isLowerAlnum(bytes[bytes.count - 1])
            && bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
        return valid ? nil : "must be a DNS-1123 label (at most 63 of a-z, 0-9 and '-', starting and ending alphanumeric), got \(quote(text))"
    }

    /// A label or annotation key: an optional DNS-1123 subdomain prefix and '/', then a name of
    /// at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric.
    static func qualifiedNameProblem(_ text: String) -> String? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let name: Substring
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            let prefix = Array(parts[0].utf8)
            let prefixValid = !prefix.isEmpty && prefix.count <= 253
                && parts[0].split(separator: ".", omittingEmptySubsequences: false).allSatisfy { dns1123LabelProblem(String($0)) == nil }
            guard prefixValid else { return qualifiedNameMessage(text) }
            name = parts[1]
        default:
            return qualifiedNameMessage(text)
        }
        let bytes = Array(name.utf8)
        let valid = !bytes.isEmpty && bytes.count <= 63 && isAlnum(bytes[0]) && isAlnum(bytes[bytes.count - 1])
            && bytes.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
        return valid ? nil : qualifiedNameMessage(text)
    }

    /// A Service Mesh version as the control plane writes it: `v<major>.<minor>` (`v2.0`).
    static func meshVersionProblem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "v") else { return meshVersionMessage(text) }
        let parts = bytes.dropFirst().split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        let valid = parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(isDigit) }
        return valid ? nil : meshVersionMessage(text)
    }

    private static func qualifiedNameMessage(_ text: String) -> String {
        "must be a qualified name ([prefix/]name, e.g. example.com/my-key), got \(quote(text))"
    }

    private static func meshVersionMessage(_ text: String) -> String {
        "must be a version like v2.0 (v<major>.<minor>), got \(quote(text))"
    }

    private static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars.prefix(64) {
            if scalar.value < 0x20 || scalar == "\"" || scalar == "\\" { out += "?" } else { out.unicodeScalars.append(scalar) }
        }
        return out + (text.unicodeScalars.count > 64 ? "…\"" : "\"")
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    private static func isLowerAlnum(_ b: UInt8) -> Bool { isDigit(b) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) }
    private static func isAlnum(_ b: UInt8) -> Bool { isLowerAlnum(b) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) }
}
