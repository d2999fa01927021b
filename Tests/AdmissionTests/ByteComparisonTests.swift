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
}
