import StackJSON
import StackTesting
import Testing

/// Mutated and truncated inputs never crash the parser: each either parses to a value that
/// round-trips, or is rejected with an offset inside the input.
@Suite struct ParserMutationTests {
    static let seeds: [String] = [
        #"{"id":1,"title":"Buy milk \"now\"","tags":["a","é","😀"],"n":-1.5e-3,"ok":true,"x":null}"#,
        #"[0,-0,1e308,5e-324,9223372036854775807,-9223372036854775808,"\u00e9\ud83d\ude00\n"]"#,
        #"{"a":{"b":{"c":[[],{},[{"d":"e"}]]}},"long key with spaces":"0123456789abcdefghij"}"#,
        // Past 4 KiB, so the parser's key cache is in play.
        "[" + Array(repeating: #"{"id":7,"name":"x","email":"a@b.c","priority":2,"location":{"lat":1.5}}"#, count: 60)
            .joined(separator: ",") + "]",
    ]

    static func check(_ bytes: [UInt8]) throws {
        do {
            let value = try JSONParser.parse(bytes)
            #expect(try JSONParser.parse(value.serialized()) == value)
        } catch {
            #expect(error.offset >= 0 && error.offset <= bytes.count, "\(error) for \(bytes)")
            #expect(!error.message.isEmpty)
        }
    }

    @Test func truncations() throws {
        for seed in Self.seeds {
            let bytes = Array(seed.utf8)
            for n in stride(from: 0, through: bytes.count, by: bytes.count > 4096 ? 7 : 1) {
                try Self.check(Array(bytes[..<n]))
            }
        }
    }

    @Test func randomByteMutations() throws {
        var random = SplitMix64(seed: 0xF022)
        let interesting: [UInt8] = Array(#"{}[],:"\/-+.eE0123456789tfnu"#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xED, 0xF4, 0xFF]
        for seed in Self.seeds {
            let original = Array(seed.utf8)
            for _ in 0..<(original.count > 4096 ? 300 : 3_000) {
                var bytes = original
                for _ in 0..<(1 + Int(random.next() % 3)) {
                    let at = Int(random.next() % UInt64(bytes.count))
                    switch random.next() % 3 {
                    case 0: bytes[at] = interesting[Int(random.next() % UInt64(interesting.count))]
                    case 1: bytes.remove(at: at)
                    default: bytes.insert(interesting[Int(random.next() % UInt64(interesting.count))], at: at)
                    }
                    if bytes.isEmpty { bytes = [0x20] }
                }
                try Self.check(bytes)
            }
        }
    }
}
