import StackStore
import Testing

@testable import StackAPI

@Suite struct AccessLogTests {
    /// The line as it was first written (string interpolation), kept as the reference for the
    /// byte-level formatter.
    private func reference(_ time: Int64, _ method: String, _ target: String, _ status: Int, _ duration: Double, _ bytes: Int, _ entity: String?)
        -> String
    {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let milliseconds = (duration * 10_000).rounded() / 10
        let safePath = String(path.unicodeScalars.map { $0.value < 0x21 || $0.value == 0x7F ? "?" : Character($0) })
        return "\(Timestamp(milliseconds: time).rfc3339) \(method) \(safePath) \(status) \(milliseconds)ms \(bytes)B entity=\(entity ?? "-")"
    }

    @Test func lines_matchTheReferenceFormat() {
        let targets = ["/records/r05000", "/records?limit=50", "/", "", "?q", "/a b\tc\u{7F}d", "/é/東京?x", "/a\u{85}b\nc"]
        let durations = [0, 0.000_04, 0.000_05, 0.0012, 0.012_34, 1.5, 12.0, 3_600.25]
        for (index, target) in targets.enumerated() {
            for duration in durations {
                let time: Int64 = 1_763_805_600_123 + Int64(index)
                let line = AccessLog.line(
                    timeMilliseconds: time, method: "PATCH", target: target, status: 200 + index, durationSeconds: duration,
                    bytes: index * 1000, entityId: index.isMultiple(of: 2) ? nil : "01JDENTITY")
                #expect(line == reference(time, "PATCH", target, 200 + index, duration, index * 1000, index.isMultiple(of: 2) ? nil : "01JDENTITY"))
            }
        }
    }

    /// SPEC §6: never a token, even one a client put in the path.
    @Test func aTokenInThePathIsRedacted() {
        let secret = "stk_Z6_6DbkbQ0aF3xYv9LmN2pR7tW1sK4uE8iO5cH0gJ"
        let cases = [
            ("/records/\(secret)", "/records/[redacted]"),
            ("/records/\(secret)/versions?x=1", "/records/[redacted]/versions"),
            ("/tokens/STK%5fabc", "/tokens/[redacted]"),
            ("/records/%73tk_abc", "/records/[redacted]"),
            ("/records/a%20b", "/records/a%20b"),
            ("/records/mystkx", "/records/mystkx"),
            ("/records/sstk_", "/records/[redacted]"),
        ]
        for (target, path) in cases {
            let line = AccessLog.line(
                timeMilliseconds: 0, method: "GET", target: target, status: 404, durationSeconds: 0, bytes: 0, entityId: nil)
            #expect(line.split(separator: " ")[2] == Substring(path), "\(target)")
            #expect(!line.contains(secret))
        }
    }
}
