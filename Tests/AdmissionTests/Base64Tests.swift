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
