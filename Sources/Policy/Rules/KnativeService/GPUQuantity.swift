// A GPU count as written in a resources map or the GPU annotation, read the policy's way (doc §3.1).
import Admission

/// A GPU quantity judged by the policy: a count written as plain decimal digits, as a JSON
/// string (`"1"`, `"01"`) or a JSON integer (`1`), or anything else (`invalid`). A value; any
/// thread.
///
/// Kubernetes parses a quantity as number + suffix and only requires extended resources to be
/// integers, so it would take `"1k"`, `"1Gi"`, `"1000m"`, `"1e0"` or `"+1"` as whole counts. The
/// policy is stricter on purpose: a suffix, sign, exponent or decimal point on a device count is
/// almost always a confusion with CPU or memory units, so only plain digits are a count.
/// Leading zeros are accepted because Kubernetes reads `"01"` as the quantity 1 (and stores it
/// as `"1"`); values compare by number, so a request `"01"` equals a limit `1`. It deliberately
/// does not decide whether 0 is allowed: callers require `>= 1` where policy.md does.
enum GPUQuantity: Equatable, Sendable {
    case count(Int64)
    case invalid

    /// At most 18 digits, so every count fits in `Int64` and sums of a few do not overflow.
    static let maximumDigits = 18

    init(_ value: JSONValue?) {
        switch value {
        case .string(let text)?: self.init(text: text)
        case .number(let number)?: self.init(text: number.text)
        default: self = .invalid
        }
    }

    init(_ value: JSONView?) {
        if let text = value?.stringValue ?? value?.numberValue?.text {
            self.init(text: text)
        } else {
            self = .invalid
        }
    }

    init(text: String) {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= GPUQuantity.maximumDigits,
              utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let value = Int64(text) else {
            self = .invalid
            return
        }
        self = .count(value)
    }

    /// The count when it is a whole number of at least 1 (what policy.md accepts), else nil.
    var positiveCount: Int64? {
        if case .count(let n) = self, n >= 1 { return n }
        return nil
    }

    /// How a value is shown in a message: a string quoted, a number as written, else its type.
    static func display(_ value: JSONView) -> String {
        switch value.kind {
        case .array: return "a list"
        case .object: return "a map"
        default: return display(value.materialized())
        }
    }

    static func display(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return FindingText.quoted(text)
        case .number(let number): return number.text
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .array: return "a list"
        case .object: return "a map"
        }
    }
}
