// Release-mode benchmark of the Admission JSON parser and writer beside Foundation's JSONSerialization.
// Built and run by scripts/json-bench.sh (not part of the test suite).
import Foundation

@main
struct JSONBench {
    static func measure(_ label: String, iterations: Int, _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<max(1, iterations / 10) { try body() }  // warm up
        var best = Double.infinity
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<iterations { try body() }
            let ns = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations)
            best = min(best, ns)
        }
        let text = best >= 1_000_000 ? "\(round(best / 10_000) / 100) ms" : "\(round(best / 10) / 100) µs"
        print("  \(label.padding(toLength: 34, withPad: " ", startingAt: 0)) \(text)  (best of 5 × \(iterations))")
        return best
    }

    static func main() throws {
        let paths = CommandLine.arguments.dropFirst()
        for path in paths {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let bytes = [UInt8](data)
            let iterations = bytes.count > 100_000 ? 50 : 20_000
            print("\(path) (\(bytes.count) bytes)")
            let value = try JSONParser.parse(bytes)
            _ = try measure("Admission JSONParser.parse", iterations: iterations) { _ = try JSONParser.parse(bytes) }
            _ = try measure("Admission JSONDocument (tape only)", iterations: iterations) { _ = try JSONDocument(parsing: bytes) }
            _ = try measure("Foundation JSONSerialization parse", iterations: iterations) {
                _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            }
            _ = measure("Admission JSONWriter.write", iterations: iterations) { _ = value.serialized() }
            let object = try JSONSerialization.jsonObject(with: data)
            _ = try measure("Foundation JSONSerialization write", iterations: max(5, iterations / 20)) {
                _ = try JSONSerialization.data(withJSONObject: object)
            }
            let reparsed = try JSONParser.parse(value.serialized())
            precondition(reparsed == value, "round trip")
        }
    }
}
