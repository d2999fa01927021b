// The single-buffer encoder side against the previous implementation: patch text and answers.
import Testing
@testable import Admission

/// Differential tests of `JSONPatch.encoded()`, `JSONWriter` and
/// `AdmissionReviewEncoder.encode` against the implementations they replaced
/// (`ReferenceEncoders.swift`), over generated inputs that reach every path: short
/// and long strings, every escape, non-ASCII, empty pointer tokens, and texts above and below
/// the 1 KiB stack attempt. Owned by the test suite; any Swift Testing thread; no I/O.
@Suite("Encoder differential")
struct EncoderDifferentialTests {
    // MARK: - Generated patches and answers

    /// Pieces of strings and tokens: every RFC 6901 and RFC 8259 escape, both next to each
    /// other, non-ASCII of every UTF-8 length, DEL (not escaped), and runs longer than the
    /// eight-byte scan.
    static let pieces: [String] = [
        "", "a", "metadata", "annotations", "~", "/", "~0", "~1", "\"", "\\", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}",
        "\n", "\t", "\r", "\u{8}", "\u{C}", "é", "日本", "😀", " ", "sidecar.istio.io/inject", "0", "-",
        "abcdefghijklmnopqrstuvwxyz0123456789", "x/y~z\"w\\v",
    ]

    static func randomString(_ generator: inout SeededGenerator, maxPieces: Int = 6) -> String {
        (0..<Int.random(in: 0...maxPieces, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
    }

    /// Sometimes a string long enough on its own to take a text past the 1 KiB stack attempt.
    static func randomLongString(_ generator: inout SeededGenerator) -> String {
        String(repeating: randomString(&generator, maxPieces: 3) + "long-", count: Int.random(in: 50...400, using: &generator))
    }

    static func randomPointer(_ generator: inout SeededGenerator) -> JSONPointer {
        JSONPointer(tokens: (0..<Int.random(in: 0...6, using: &generator)).map { _ in
            Int.random(in: 0..<40, using: &generator) == 0 ? randomLongString(&generator) : randomString(&generator, maxPieces: 3)
        })
    }

    static func randomValue(_ generator: inout SeededGenerator, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<(depth < 4 ? 9 : 6), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .number(JSONNumber(unchecked: ["0", "-1", "3.25", "1e-05", "123456789012345678901234567890"].randomElement(using: &generator) ?? "0"))
        case 3: return .string(randomString(&generator))
        case 4: return .string(Int.random(in: 0..<8, using: &generator) == 0 ? randomLongString(&generator) : "true")
        case 5: return .string("")
        case 6, 7:
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0...5, using: &generator) {
                object.set(randomString(&generator, maxPieces: 3), to: randomValue(&generator, depth: depth + 1))
            }
            return .object(object)
        default:
            return .array((0..<Int.random(in: 0...5, using: &generator)).map { _ in randomValue(&generator, depth: depth + 1) })
        }
    }

    static func randomPatch(_ generator: inout SeededGenerator) -> JSONPatch {
        JSONPatch((0..<Int.random(in: 0...8, using: &generator)).map { _ in
            let value = randomValue(&generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: return .add(path: randomPointer(&generator), value: value)
            case 1: return .remove(path: randomPointer(&generator))
            case 2: return .replace(path: randomPointer(&generator), value: value)
            case 3: return .move(from: randomPointer(&generator), path: randomPointer(&generator))
            case 4: return .copy(from: randomPointer(&generator), path: randomPointer(&generator))
            default: return .test(path: randomPointer(&generator), value: value)
            }
        })
    }

    @Test func patchTextAgreesWithThePreviousWriter() throws {
        var generator = SeededGenerator(seed: 6902_2)
        var sizes = (small: 0, large: 0)
        for _ in 0..<1500 {
            let patch = Self.randomPatch(&generator)
            let expected = patch.referenceEncoded()
            let encoded = patch.encoded()
            #expect(encoded == expected, "\(patch.operations)")
            #expect(patch.withEncoded { Array($0) } == expected)
            #expect(patch.encodedCount == expected.count)
            var writer = JSONWriter()
            var reference = ReferenceJSONWriter()
            for operation in patch.operations {
                writer.append(operation)
                reference.append(operation)
            }
            #expect(writer.bytes == reference.bytes)
            if expected.count > [UInt8].stackWriteLimit { sizes.large += 1 } else { sizes.small += 1 }
        }
        // Both the stack attempt and the counted path were exercised.
        #expect(sizes.small > 100 && sizes.large > 100, "\(sizes)")
    }

    @Test func valuesAndPointersAgreeWithThePreviousWriter() {
        var generator = SeededGenerator(seed: 8259)
        for _ in 0..<2000 {
            let value = Self.randomValue(&generator)
            #expect(value.serialized() == ReferenceJSONWriter.write(value))
            let pointer = Self.randomPointer(&generator)
            var writer = JSONWriter()
            writer.append(pointer: pointer)
            var reference = ReferenceJSONWriter()
            reference.append(pointer: pointer)
            #expect(writer.bytes == reference.bytes, "\(pointer.tokens)")
            let string = Self.randomString(&generator, maxPieces: 12)
            var quoted: [UInt8] = []
            JSONWriter.appendQuoted(string, to: &quoted)
            var referenceQuoted: [UInt8] = []
            ReferenceJSONWriter.appendQuoted(string, to: &referenceQuoted)
            #expect(quoted == referenceQuoted, "\(Array(string.utf8))")
        }
    }

    /// The scan takes whole words, then the last one to seven bytes as one word of two
    /// overlapping loads, and the index of an escape from the word's lowest flagged byte: so
    /// every length up to three words, with each byte to escape at every position (alone, and
    /// followed by a second one), in strings and pointer tokens, on the stack (small Strings)
    /// and in heap storage.
    @Test func escapesAtEveryPositionOfEveryShortLengthAgree() {
        let specials: [UInt8] = [0x00, 0x01, 0x1F, UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "~"), UInt8(ascii: "/"), 0x08, 0x0A]
        // Bytes just beside the escaped ranges, which must stay as they are.
        let plain: [UInt8] = [UInt8(ascii: " "), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "."), UInt8(ascii: "0"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "}"), 0x7F]
        for length in 0...25 {
            for position in 0..<max(length, 1) {
                for special in specials {
                    var bytes = (0..<length).map { plain[$0 % plain.count] }
                    if length > 0 {
                        bytes[position] = special
                        if position + 3 < length { bytes[position + 3] = UInt8(ascii: "/") }
                    }
                    let string = String(decoding: bytes, as: UTF8.self)
                    expectWritersAgree(on: string, pointer: JSONPointer(tokens: [string, "x", string]), bytes)
                }
            }
        }
    }

    /// `string` quoted and `pointer` written by our writer and by the reference one, byte for
    /// byte (`bytes` names the case in a failure).
    private func expectWritersAgree(on string: String, pointer: JSONPointer, _ bytes: [UInt8]) {
        var quoted: [UInt8] = []
        JSONWriter.appendQuoted(string, to: &quoted)
        var referenceQuoted: [UInt8] = []
        ReferenceJSONWriter.appendQuoted(string, to: &referenceQuoted)
        #expect(quoted == referenceQuoted, "\(bytes)")
        var writer = JSONWriter()
        writer.append(pointer: pointer)
        var reference = ReferenceJSONWriter()
        reference.append(pointer: pointer)
        #expect(writer.bytes == reference.bytes, "\(bytes)")
    }

    /// The word test folds `"` into the control-byte test (bit 1 flipped, then "below 0x21"):
    /// every ASCII byte, alone in an otherwise plain word, at every position of the word and
    /// of the byte-by-byte tail, must be escaped exactly when the reference escapes it.
    @Test func everyASCIIByteAtEveryWordPositionAgrees() {
        for byte in UInt8(0)...0x7F {
            for length in [8, 9, 15, 16, 17] {
                for position in 0..<length {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[position] = byte
                    let string = String(decoding: bytes, as: UTF8.self)
                    expectWritersAgree(on: string, pointer: JSONPointer(tokens: [string]), bytes)
                }
            }
        }
    }

    @Test func answersAgreeWithThePreviousEncoder() {
        var generator = SeededGenerator(seed: 1_1_9)
        var sizes = (small: 0, large: 0)
        for n in 0..<1500 {
            let allowed = Bool.random(using: &generator)
            var response = AdmissionResponse(uid: Self.randomString(&generator), allowed: allowed)
            if Int.random(in: 0..<3, using: &generator) == 0 {
                response.status = AdmissionResponse.Status(
                    code: [0, 200, 403, -1, Int.max, Int.min].randomElement(using: &generator) ?? 0,
                    reason: Self.randomString(&generator), message: n % 7 == 0 ? Self.randomLongString(&generator) : Self.randomString(&generator))
            }
            if Bool.random(using: &generator) { response.patch = Self.randomPatch(&generator) }
            response.warnings = (0..<Int.random(in: 0...3, using: &generator)).map { _ in Self.randomString(&generator) }
            for apiVersion in ["admission.k8s.io/v1", "admission.k8s.io/v1beta1", Self.randomString(&generator)] {
                let expected = ReferenceAdmissionReviewEncoder.encode(response, apiVersion: apiVersion)
                #expect(AdmissionReviewEncoder.encode(response, apiVersion: apiVersion) == expected, "\(response)")
                if expected.count > [UInt8].stackWriteLimit { sizes.large += 1 } else { sizes.small += 1 }
            }
        }
        #expect(sizes.small > 100 && sizes.large > 100, "\(sizes)")
    }

    // MARK: - The fixed-size output

    /// A write that does not fit is dropped whole and flagged; nothing lands past the end.
    @Test func unsafeByteOutputNeverWritesPastItsEnd() {
        var memory = [UInt8](repeating: 0xAA, count: 16)
        let (count, overflowed) = memory.withUnsafeMutableBufferPointer { all in
            var output = UnsafeByteOutput(UnsafeMutableBufferPointer(rebasing: all[..<8]))
            output.write(literal: "abcde")
            output.write(literal: "fghi")  // does not fit: dropped
            output.write(UInt8(ascii: "f"))
            output.write(count: 3) { $0.update(repeating: UInt8(ascii: "z")) }  // does not fit
            output.write(count: 2) { $0.update(repeating: UInt8(ascii: "y")) }
            output.write(UInt8(ascii: "!"))  // does not fit
            return (output.count, output.overflowed)
        }
        #expect(count == 8 && overflowed)
        #expect(Array(memory[..<8]) == Array("abcdefyy".utf8))
        #expect(memory[8...].allSatisfy { $0 == 0xAA })

        var empty = UnsafeByteOutput(UnsafeMutableBufferPointer(start: nil, count: 0))
        empty.write(literal: "")
        empty.write(count: 0) { _ in }
        #expect(empty.isExactlyFull)
        empty.write(UInt8(ascii: "x"))
        #expect(empty.overflowed && empty.count == 0)
    }

    /// `UnsafeByteOutput` copies runs of up to 16 bytes as two overlapping fixed-size copies
    /// and longer ones whole: every length, at every offset, lands exactly where it should,
    /// and nothing past the end is touched.
    @Test func unsafeByteOutputCopiesEveryLengthExactly() {
        let source = (0..<48).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for length in 0...40 {
            for offset in 0..<3 {
                var memory = [UInt8](repeating: 0xAA, count: 48 + 8)
                let written = memory.withUnsafeMutableBufferPointer { all in
                    var output = UnsafeByteOutput(UnsafeMutableBufferPointer(rebasing: all[..<(offset + length)]))
                    for _ in 0..<offset { output.write(UInt8(ascii: "-")) }
                    source.withUnsafeBufferPointer { output.write(UnsafeBufferPointer(rebasing: $0[..<length])) }
                    return output.isExactlyFull
                }
                #expect(written, "length \(length), offset \(offset)")
                #expect(Array(memory[offset..<(offset + length)]) == Array(source[..<length]), "length \(length), offset \(offset)")
                #expect(memory[(offset + length)...].allSatisfy { $0 == 0xAA }, "length \(length), offset \(offset)")
            }
        }
    }

    /// Writes one more byte on every call: the stack attempt, the counted array and the exact
    /// write all disagree, and `[UInt8](writing:)` must still return everything the last
    /// (growing) write produced, never a short or partly uninitialised array.
    final class Drifting: JSONByteWritable {
        var calls = 0
        let base: Int
        init(base: Int) { self.base = base }
        func write<Sink: JSONByteSink>(to sink: inout Sink, context: UInt8) {
            calls += 1
            for _ in 0..<(base + calls) { sink.write(context) }
        }
    }

    @Test func writingFallsBackWhenTheWritesDisagree() {
        let large = Drifting(base: 2000)
        let bytes = [UInt8](writing: large, context: UInt8(ascii: "q"))
        #expect(large.calls == 4)  // stack attempt (overflows), count, exact (overflows), growing
        #expect(bytes == [UInt8](repeating: UInt8(ascii: "q"), count: 2004))

        let small = Drifting(base: 10)
        #expect([UInt8](writing: small, context: 1) == [UInt8](repeating: 1, count: 11))
        #expect(small.calls == 1)

        let edge = Drifting(base: [UInt8].stackWriteLimit)  // 1025 on the first call: just too long
        #expect([UInt8](writing: edge, context: 2).count == [UInt8].stackWriteLimit + 4)
    }
}
