// The tape's up-front room: inputs that fill it most, on both sides of the bounded-input limit.
import Testing
@testable import Admission

/// `JSONParser.parseTape` makes no room check per value for inputs that `usesBoundedTape`:
/// it relies on `boundedTapeCapacity`. These inputs put the most
/// entries per byte on the tape (containers opened to the depth limit, then one-digit
/// elements), complete, cut off and overflowing the depth limit, and are held to the reference
/// parser (in debug builds `appendReserved` also asserts every append has room). Owned by the
/// test suite; any Swift Testing thread.
struct JSONTapeCapacityTests {
    /// `depth` arrays opened, `elements` ones, then `closed` of the arrays closed again.
    static func densest(depth: Int, elements: Int, closed: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: UInt8(ascii: "["), count: depth)
        for k in 0..<elements {
            if k > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "1"))
        }
        bytes += [UInt8](repeating: UInt8(ascii: "]"), count: closed)
        return bytes
    }

    @Test(arguments: [0, 1, 2, 7, 64, 512, 1024])
    func densestInputsFitTheBoundedTape(maxDepth: Int) {
        for depth in Set([0, 1, 2, maxDepth - 1, maxDepth, maxDepth + 1]) where depth >= 0 {
            for elements in [0, 1, 2, 3, 100] {
                for closed in Set([0, depth / 2, depth]) {
                    let bytes = Self.densest(depth: depth, elements: elements, closed: closed)
                    guard !bytes.isEmpty else { continue }
                    ReferenceTapeParserTests.expectAgreement(bytes, maxDepth: maxDepth)
                    let result = bytes.withUnsafeBufferPointer { JSONParser.tapeResult($0, maxDepth: maxDepth) }
                    if case .success(let tape) = result {
                        #expect(tape.count <= JSONParser.boundedTapeCapacity(bytes.count, maxDepth: maxDepth))
                    }
                }
            }
        }
    }

    /// Objects: a key and a value per member (the two appends of one loop iteration).
    @Test func densestObjectsFitTheBoundedTape() {
        for depth in [1, 2, 511, 512] {
            var bytes: [UInt8] = []
            for _ in 0..<depth { bytes += Array(#"{"":"#.utf8) }
            bytes += Array("1".utf8)
            for cut in [bytes.count, bytes.count - 1, bytes.count - 3] {
                ReferenceTapeParserTests.expectAgreement(Array(bytes.prefix(cut)))
            }
            bytes += [UInt8](repeating: UInt8(ascii: "}"), count: depth)
            ReferenceTapeParserTests.expectAgreement(bytes)
        }
    }

    /// Inputs just above the limit take the growing tape (checked per value), just below it
    /// the bounded one; both agree with the reference. The limit is where the reservation
    /// stops fitting `boundedTapeEntryLimit` at the default depth.
    @Test func bothSidesOfTheBoundedInputLimit() {
        let limit = JSONParser.boundedTapeInputLimit, depth = JSONParser.defaultMaxDepth
        #expect(JSONParser.usesBoundedTape(limit, maxDepth: depth))
        #expect(!JSONParser.usesBoundedTape(limit + 1, maxDepth: depth))
        #expect(JSONParser.usesBoundedTape(3_646, maxDepth: depth))
        #expect(!JSONParser.usesBoundedTape(1_013_046, maxDepth: depth))
        #expect(!JSONParser.usesBoundedTape(limit, maxDepth: depth + 2))
        for size in [JSONParser.boundedTapeInputLimit - 1, JSONParser.boundedTapeInputLimit, JSONParser.boundedTapeInputLimit + 1] {
            // "[1,1,...,1]" padded with spaces before the closer to exactly `size` bytes.
            let elements = (size - 2 + 1) / 2 - 1
            var bytes = Self.densest(depth: 1, elements: elements, closed: 0)
            bytes += [UInt8](repeating: UInt8(ascii: " "), count: size - 1 - bytes.count)
            bytes.append(UInt8(ascii: "]"))
            #expect(bytes.count == size)
            ReferenceTapeParserTests.expectAgreement(bytes)
            ReferenceTapeParserTests.expectAgreement(Array(bytes.dropLast()))
        }
    }
}
