import Foundation
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

    /// The byte writer agrees with Foundation's Gregorian calendar (UTC) from 1583 (before it,
    /// Foundation switches to the Julian calendar, RFC 3339 does not) to 9999; years past 9999
    /// keep all their digits.
    @Test func formatsLikeFoundationsCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var generator = SystemRandomNumberGenerator()
        let first1583: Int64 = -12_212_553_600_000
        let edges: [Int64] = [0, -1, 999, first1583, 253_402_300_799_999, 951_782_400_000, 4_107_542_400_000]
        for value in edges + (0..<500).map({ _ in Int64.random(in: first1583...253_402_300_799_999, using: &generator) }) {
            let date = Date(timeIntervalSince1970: Double(value) / 1000)
            let c = calendar.dateComponents([.era, .year, .month, .day, .hour, .minute, .second], from: date)
            let millis = Int((value % 1000 + 1000) % 1000)
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, millis)
            #expect(Timestamp(milliseconds: value).rfc3339 == expected, "\(value)")
        }
        #expect(Timestamp(milliseconds: 253_402_300_800_000).rfc3339 == "10000-01-01T00:00:00.000Z")
        #expect(Timestamp(milliseconds: -62_135_596_800_000).rfc3339 == "0001-01-01T00:00:00.000Z")  // proleptic
    }

    @Test func rejectsMalformedOrImpossibleDates() {
        for text in ["", "2026-11-22", "2026-02-30T00:00:00Z", "2026-11-22T10:00:00.Z", "2026-11-22T10:00:00+0100"] {
            #expect(Timestamp(rfc3339: text) == nil, "accepted \(text)")
        }
    }
}
