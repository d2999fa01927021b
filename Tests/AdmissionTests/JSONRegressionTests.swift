// Replays the kept fuzz and edge-case inputs: accept-* must parse and round-trip, reject-* must fail cleanly.
import Foundation
import Testing
@testable import Admission

/// Runs every file in Fixtures/json/regressions/. Owned by the test suite; any Swift Testing
/// thread; reads fixture files. New fuzz crashers go there named accept-… or reject-….
struct JSONRegressionTests {
    static let directory = Fixtures.json + "/regressions"

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test func everyRegressionInputIsNamedForItsOutcome() {
        #expect(!Self.files.isEmpty)
        for file in Self.files {
            #expect(file.hasPrefix("accept-") || file.hasPrefix("reject-"), "\(file)")
        }
    }

    @Test(arguments: files)
    func regressionInputBehaves(_ file: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/" + file)))
        let result = Result { () throws(JSONParseError) in try JSONParser.parse(bytes) }
        if file.hasPrefix("accept-") {
            let value = try result.get()
            #expect(try JSONParser.parse(value.serialized()) == value)
            #expect(value.serialized() == (try JSONParser.parse(value.serialized())).serialized())
        } else {
            #expect(throws: JSONParseError.self) { try result.get() }
            if case .failure(let error) = result { #expect(error.offset >= 0 && error.offset <= bytes.count) }
        }
    }
}
