// Helpers shared by the Admission tests: fixture paths and a seeded random generator.

/// Where the test fixtures live, found from this source file's path (no bundle resources).
/// A value namespace; any thread; it does not read files itself.
enum Fixtures {
    static let directory: String = {
        let file = "\(#filePath)"
        guard let slash = file.lastIndex(of: "/") else { return "Fixtures" }
        return String(file[..<slash]) + "/Fixtures"
    }()
    static var json: String { directory + "/json" }
}

/// SplitMix64: a tiny deterministic generator so generated corpora are the same on every run.
/// Owned by one test; not shared across threads.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
