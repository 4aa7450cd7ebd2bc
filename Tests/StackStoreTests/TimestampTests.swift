import StackStore
import Testing

@Suite struct TimestampTests {
    @Test func parsesFractionsOfAnyLength_truncatingToMilliseconds() {
        #expect(Timestamp(rfc3339: "2026-11-22T10:00:00Z")?.milliseconds == 1_795_341_600_000)
        #expect(Timestamp(rfc3339: "2026-11-22T10:00:00.1Z")?.milliseconds == 1_795_341_600_100)
        #expect(Timestamp(rfc3339: "2026-11-22T10:00:00.123Z")?.milliseconds == 1_795_341_600_123)
        // More than three digits used to trap (an empty-range construction) instead of truncating.
        #expect(Timestamp(rfc3339: "2026-11-22T10:00:00.123456789Z")?.milliseconds == 1_795_341_600_123)
    }

    @Test func formatsUTCWithMilliseconds_andRoundTrips() {
        for value: Int64 in [0, -1, 1_795_341_600_123, 4_102_444_800_000] {
            let text = Timestamp(milliseconds: value).rfc3339
            #expect(Timestamp(rfc3339: text)?.milliseconds == value, "\(text)")
        }
        #expect(Timestamp(milliseconds: 1_795_341_600_123).rfc3339 == "2026-11-22T10:00:00.123Z")
    }

    @Test func rejectsMalformedOrImpossibleDates() {
        for text in ["", "2026-11-22", "2026-02-30T00:00:00Z", "2026-11-22T10:00:00.Z", "2026-11-22T10:00:00+0100"] {
            #expect(Timestamp(rfc3339: text) == nil, "accepted \(text)")
        }
    }
}
