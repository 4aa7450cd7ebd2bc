import StackJSON
import StackTesting
import Testing

/// Serialized output re-parses to an equal value (issue 3, item 3), on generated values.
@Suite struct RoundTripTests {
    /// Generates JSON values from a seed, favouring the edge cases the issue names.
    struct ValueGenerator {
        var random: SplitMix64

        static let specialNumbers: [JSONNumber] = [
            .double(-0.0), .double(1e308), .double(.leastNonzeroMagnitude), .int(.min), .int(.max), .int(0),
            .double(1.0), .double(.greatestFiniteMagnitude), .double(-.leastNormalMagnitude), .double(0.1),
            .double(9_007_199_254_740_992), .int(9_007_199_254_740_993), .double(1e21), .double(1e-7), .double(123_456.789),
        ]

        mutating func int(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }

        mutating func scalar() -> Unicode.Scalar {
            switch int(8) {
            case 0: return Unicode.Scalar(UInt8(int(0x20)))  // control characters
            case 1: return ["\"", "\\", "/", "\u{7F}", "\u{2028}", "\u{FFFF}", "\u{FEFF}"][int(7)]
            case 2: return Unicode.Scalar(UInt32(0x80 + int(0x780)))!  // two-byte UTF-8
            case 3:  // three-byte UTF-8, skipping the surrogate range
                let v = UInt32(0x800 + int(0xF800 - 0x800))
                return Unicode.Scalar(v >= 0xD800 && v < 0xE000 ? v + 0x800 : v)!
            case 4: return Unicode.Scalar(UInt32(0x10000 + int(0x100000)))!  // outside the BMP
            default: return Unicode.Scalar(UInt8(0x20 + int(0x5F)))  // printable ASCII
            }
        }

        mutating func string() -> String {
            var s = ""
            for _ in 0..<int(int(4) == 0 ? 40 : 8) { s.unicodeScalars.append(scalar()) }
            return s
        }

        mutating func number() -> JSONNumber {
            switch int(4) {
            case 0: return Self.specialNumbers[int(Self.specialNumbers.count)]
            case 1: return .int(Int64(bitPattern: random.next()) >> int(64))
            case 2:
                var d: Double
                repeat { d = Double(bitPattern: random.next()) } while !d.isFinite
                return .double(d)
            default: return .double(Double(int(2_000_001)) / 1000 - 1000)
            }
        }

        mutating func value(depth: Int) -> JSON {
            switch int(depth > 0 ? 8 : 5) {
            case 0: return .null
            case 1: return .bool(int(2) == 0)
            case 2: return .number(number())
            case 3, 4: return .string(string())
            case 5, 6:
                return .array((0..<int(6)).map { _ in value(depth: depth - 1) })
            default:
                var object = JSONObject()
                for _ in 0..<int(6) { object[string()] = value(depth: depth - 1) }
                return .object(object)
            }
        }

        /// `value` wrapped in `levels` alternating arrays and objects.
        mutating func nested(_ value: JSON, levels: Int) -> JSON {
            var result = value
            for level in 0..<levels { result = level % 2 == 0 ? [result, .int(level)] : [string(): result] }
            return result
        }
    }

    static func checkRoundTrip(_ value: JSON) throws {
        let compact = value.serialized()
        let reparsed = try JSONParser.parse(compact)
        #expect(reparsed == value)
        // Same text again: number kinds (integer or double, the sign of -0.0) and key order survive.
        #expect(reparsed.serialized() == compact)
        for options: JSONSerializationOptions in [.pretty, .sortedKeys, [.pretty, .sortedKeys]] {
            #expect(try JSONParser.parse(value.serialized(options: options)) == value)
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64]) func generatedValues(seed: UInt64) throws {
        var generator = ValueGenerator(random: SplitMix64(seed: seed))
        for _ in 0..<200 {
            try Self.checkRoundTrip(generator.value(depth: 5))
        }
    }

    @Test func deepNesting() throws {
        var generator = ValueGenerator(random: SplitMix64(seed: 99))
        let leaf = generator.value(depth: 2)
        let deep = generator.nested(leaf, levels: 255)  // within the default depth limit of 256
        try Self.checkRoundTrip(deep)
        let tooDeep = generator.nested(leaf, levels: 300)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(tooDeep.serialized()) }
        #expect(try JSONParser.parse(tooDeep.serialized(), options: JSONParserOptions(maxDepth: 400)) == tooDeep)
    }

    @Test func namedEdgeCases() throws {
        let edges: JSON = [
            "negativeZero": .double(-0.0), "max": .double(1e308), "tiny": .double(.leastNonzeroMagnitude),
            "int64Min": .int(Int64.min), "int64Max": .int(Int64.max), "astral": "𝄞 😀 \u{10FFFF}",
            "controls": "\u{0}\u{1F}", "empty": ["": [[], [:]]],
        ]
        try Self.checkRoundTrip(edges)
        let reparsed = try JSON(parsing: edges.serialized())
        #expect(reparsed["negativeZero"]?.doubleValue?.sign == .minus)
        #expect(reparsed["tiny"]?.doubleValue == .leastNonzeroMagnitude)
        #expect(reparsed["int64Min"]?.numberValue == .int(.min))
        #expect(reparsed["int64Max"]?.numberValue == .int(.max))
    }
}
