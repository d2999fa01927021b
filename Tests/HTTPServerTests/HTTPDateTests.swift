// Tests of the IMF-fixdate formatter used for the `date` response field.
import Testing
@testable import HTTPServer

@Suite("HTTPDate")
struct HTTPDateTests {
    @Test("formats known instants as IMF-fixdate", arguments: [
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),  // RFC 9110 §5.6.7's example
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
        (1_700_000_000, "Tue, 14 Nov 2023 22:13:20 GMT"),
        (2_147_483_647, "Tue, 19 Jan 2038 03:14:07 GMT"),
        (4_102_444_800, "Fri, 01 Jan 2100 00:00:00 GMT"),
        (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
    ])
    func formatsKnownInstants(_ epoch: Int, _ expected: String) {
        #expect(HTTPDate.format(epochSeconds: epoch) == expected)
    }

    @Test func unrepresentableInstantDoesNotTrap() {
        #expect(HTTPDate.format(epochSeconds: Int.max).hasSuffix(" GMT"))
        #expect(HTTPDate.format(epochSeconds: Int.min).hasSuffix(" GMT"))
    }
}
