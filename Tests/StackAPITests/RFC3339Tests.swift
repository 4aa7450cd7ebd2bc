import Testing

@testable import StackAPI

@Suite struct RFC3339Tests {
    @Test func parsesUTCWithMilliseconds() {
        #expect(RFC3339.parse("1970-01-01T00:00:00.000Z") == 0)
        #expect(RFC3339.parse("2026-11-22T10:00:00.123Z") == 1_795_341_600_123)
    }

    @Test func parsesOffsetsFractionsAndLowercase() {
        #expect(RFC3339.parse("2026-11-22T11:00:00+01:00") == RFC3339.parse("2026-11-22T10:00:00Z"))
        #expect(RFC3339.parse("2026-11-22t10:00:00.1z") == 1_795_341_600_100)
        #expect(RFC3339.parse("2026-11-22T10:00:00.123456789Z") == 1_795_341_600_123)
        #expect(RFC3339.parse("1969-12-31T23:59:59.999Z") == -1)
    }

    @Test func rejectsWhatIsNotADateTime() {
        for text in [
            "", "2026-11-22", "2026-11-22T10:00:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
            "2026-11-22T24:00:00Z", "2026-11-22T10:00:00.Z", "2026-11-22T10:00:00Zjunk", "yesterday",
            "2026-11-22T10:00:00+0100",
        ] {
            #expect(RFC3339.parse(text) == nil, "accepted \(text)")
        }
        #expect(RFC3339.parse("2024-02-29T00:00:00Z") != nil)
    }

    @Test func formatsUTCWithExactlyThreeFractionDigits_andRoundTrips() {
        #expect(RFC3339.format(milliseconds: 1_795_341_600_123) == "2026-11-22T10:00:00.123Z")
        #expect(RFC3339.format(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.format(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        for value: Int64 in [951_782_400_000, 4_102_444_800_000, 1_709_164_800_005] {
            #expect(RFC3339.parse(RFC3339.format(milliseconds: value)) == value)
        }
    }
}
