// bytesEqual, the word-at-a-time comparison of object keys and field names.
import Testing
@testable import Admission

/// `bytesEqual` for every length up to 40, equal and with a difference at every position (its
/// word loads overlap at the end, so each position is reached differently).
struct ByteComparisonTests {
    @Test func agreesWithElementwiseEqualityAtEveryLengthAndPosition() {
        for count in 0...40 {
            // One spare byte each, so even an empty run has an address.
            let a = (0...count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }
            for position in -1..<count {
                var b = a
                if position >= 0 { b[position] ^= 0x20 }
                let equal = a.withUnsafeBufferPointer { x in
                    b.withUnsafeBufferPointer { y in bytesEqual(x.baseAddress!, y.baseAddress!, count: count) }
                }
                #expect(equal == (position < 0), "length \(count), difference at \(position)")
            }
        }
    }

    /// `sameBytes` against literals of every length it takes (1 to 24): the same text matches,
    /// a change at any position, a byte more or a byte less does not.
    @Test func sameBytesMatchesOnlyItsLiteral() {
        let literals: [StaticString] = [
            "a", "ab", "uid", "kind", "dryRun", "options", "resource", "operation", "namespace",
            "subResource", "requestKind", "networking.k8s", "requestResource", "serving.knative.d",
            "admission.k8s.io/v1", "authentication.k8s.io/v", "serving.knative.dev/v1ab",
        ]
        for literal in literals {
            let text = Array(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
            #expect((1...24).contains(text.count))
            text.withUnsafeBufferPointer { #expect($0.sameBytes(literal), "\(literal)") }
            for position in text.indices {
                var changed = text
                changed[position] ^= 0x20
                changed.withUnsafeBufferPointer { #expect(!$0.sameBytes(literal), "\(literal), change at \(position)") }
            }
            (text + [0x61]).withUnsafeBufferPointer { #expect(!$0.sameBytes(literal), "\(literal) and a byte more") }
            text.dropLast().withUnsafeBufferPointer { #expect(!$0.sameBytes(literal), "\(literal) less its last byte") }
        }
    }
}
