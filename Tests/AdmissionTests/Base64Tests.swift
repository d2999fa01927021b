// Base64: RFC 4648 §10 test vectors, strict rejection of bad input, random round trips.
import Foundation
import Testing
@testable import Admission

/// Base64 tests. Owned by the test suite; any Swift Testing thread.
@Suite("Base64")
struct Base64Tests {
    /// RFC 4648 §10.
    static let vectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    @Test func encodesTheRFC4648Vectors() {
        for (plain, encoded) in Self.vectors {
            #expect(Base64.encodeToString(Array(plain.utf8)) == encoded)
            #expect(Base64.encodedCount(plain.utf8.count) == encoded.utf8.count)
        }
    }

    @Test func decodesTheRFC4648Vectors() {
        for (plain, encoded) in Self.vectors {
            #expect(Base64.decode(encoded) == Array(plain.utf8))
            #expect(Base64.decode(Array(encoded.utf8)) == Array(plain.utf8))
        }
    }

    @Test func usesTheStandardAlphabetWithPlusAndSlash() {
        #expect(Base64.encodeToString([0xFB, 0xFF, 0xBF]) == "+/+/")
        #expect(Base64.decode("+/+/") == [0xFB, 0xFF, 0xBF])
        #expect(Base64.decode("-_-_") == nil)  // URL-safe alphabet is not accepted
    }

    @Test(arguments: ["Zg", "Zg=", "Zm9", "Z===", "====", "Zg==Zg==", "Zm9v\n", " Zm9v", "Zm9v YmFy", "Zm=v", "Zh==", "Zm9=", "Zg=a", "\u{e9}AAA"])
    func rejectsMalformedInput(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test func roundTripsRandomBytesOfEveryLengthRemainder() {
        var generator = SeededGenerator(seed: 4648)
        for length in Array(0..<64) + [255, 256, 257, 4096, 65_537] {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let encoded = Base64.encode(bytes)
            #expect(encoded.count == Base64.encodedCount(length))
            #expect(Base64.decode(encoded) == bytes)
        }
    }

    @Test func agreesWithFoundation() {
        var generator = SeededGenerator(seed: 7)
        for length in 0..<300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let ours = Base64.encodeToString(bytes)
            #expect(ours == Data(bytes).base64EncodedString())
            #expect(Data(base64Encoded: ours).map { [UInt8]($0) } == bytes)
        }
    }

    @Test func appendsToAnExistingBuffer() {
        var output = Array("x:".utf8)
        Array("foo".utf8).withUnsafeBytes { Base64.encode($0, appendingTo: &output) }
        #expect(String(decoding: output, as: UTF8.self) == "x:Zm9v")
    }

    /// The encoder appends the patch's base64 into the answer it is building; that must be
    /// exactly the prefix followed by what `encode(_:)` returns, for every length remainder
    /// and whether or not the buffer has spare capacity.
    @Test func appendingIntoANonEmptyBufferEqualsEncode() {
        var generator = SeededGenerator(seed: 1951)
        for length in Array(0..<40) + [255, 256, 257, 4097] {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            for prefix in [[], Array(#"{"patch":""#.utf8), [UInt8](repeating: 0xFF, count: 1000)] as [[UInt8]] {
                for reserve in [false, true] {
                    var output = prefix
                    if reserve { output.reserveCapacity(prefix.count + Base64.encodedCount(length)) }
                    Base64.encode(bytes, appendingTo: &output)
                    #expect(output == prefix + Base64.encode(bytes), "length \(length), prefix \(prefix.count)")
                }
            }
        }
    }
}

/// The encoder against a bit-by-bit one and the encoder it replaced (`ReferenceBase64`), at
/// every length up to 300 and a few large ones.
extension Base64Tests {
    /// RFC 4648 §4 one bit group at a time, as plainly as it can be written.
    static func plainBase64(_ bytes: [UInt8]) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var bits: [UInt8] = []
        for byte in bytes {
            for shift in stride(from: 7, through: 0, by: -1) { bits.append(byte >> UInt8(shift) & 1) }
        }
        var out: [UInt8] = []
        var i = 0
        while i < bits.count {
            var value = 0
            for k in 0..<6 { value = value << 1 | Int(i + k < bits.count ? bits[i + k] : 0) }
            out.append(alphabet[value])
            i += 6
        }
        while out.count % 4 != 0 { out.append(UInt8(ascii: "=")) }
        return out
    }

    static func randomBytes(_ count: Int, _ generator: inout SeededGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    @Test func base64AgreesWithAPlainEncoderAtEveryLength() {
        var generator = SeededGenerator(seed: 4648_2)
        for length in Array(0...300) + [1023, 1024, 1025, 4096, 65_537, 1_000_003] {
            let bytes = Self.randomBytes(length, &generator)
            var expected: [UInt8] = []
            if length <= 4096 { expected = Self.plainBase64(bytes) } else { ReferenceBase64.encode(bytes, appendingTo: &expected) }
            #expect(Base64.encode(bytes) == expected, "length \(length)")
            var appended = Array("prefix".utf8)
            Base64.encode(bytes, appendingTo: &appended)
            #expect(appended == Array("prefix".utf8) + expected, "length \(length)")
            var reference: [UInt8] = []
            ReferenceBase64.encode(bytes, appendingTo: &reference)
            #expect(reference == expected, "length \(length)")
        }
    }

    /// All-zero, all-one and every byte value: each character of the alphabet and each pair
    /// of the two-character table is reached.
    @Test func base64AgreesOnEveryBytePattern() {
        let patterns: [[UInt8]] = [
            [UInt8](repeating: 0, count: 300), [UInt8](repeating: 0xFF, count: 300),
            (0..<768).map { UInt8(truncatingIfNeeded: $0) }, (0..<768).map { UInt8(truncatingIfNeeded: 255 - $0 % 256) },
            (0..<4096 * 3).map { UInt8(truncatingIfNeeded: $0 * 7 / 3) },
        ]
        for bytes in patterns {
            #expect(Base64.encode(bytes) == Self.plainBase64(bytes))
        }
    }

    /// `encode(_:into:)` writes exactly `encodedCount` bytes, refuses a short buffer without
    /// writing, and leaves the rest of a longer one alone.
    @Test func base64IntoABufferStaysInItsBounds() {
        var generator = SeededGenerator(seed: 17)
        for length in 0...40 {
            let bytes = Self.randomBytes(length, &generator)
            let needed = Base64.encodedCount(length)
            var buffer = [UInt8](repeating: 0xAA, count: needed + 8)
            let written = buffer.withUnsafeMutableBufferPointer { out in
                bytes.withUnsafeBytes { Base64.encode($0, into: UnsafeMutableBufferPointer(rebasing: out[..<needed])) }
            }
            #expect(written)
            #expect(Array(buffer[..<needed]) == Self.plainBase64(bytes))
            #expect(buffer[needed...].allSatisfy { $0 == 0xAA })
            if needed > 0 {
                var short = [UInt8](repeating: 0xAA, count: needed + 8)
                let refused = short.withUnsafeMutableBufferPointer { out in
                    bytes.withUnsafeBytes { Base64.encode($0, into: UnsafeMutableBufferPointer(rebasing: out[..<(needed - 1)])) }
                }
                #expect(!refused)
                #expect(short.allSatisfy { $0 == 0xAA })
            }
        }
    }

}
