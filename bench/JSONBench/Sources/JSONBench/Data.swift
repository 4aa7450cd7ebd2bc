/// Deterministic inputs: a ~300-byte record and a ~1 MiB document of varied records.
enum BenchData {
    /// A small seeded generator (SplitMix64), so every run measures the same bytes.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(next() % UInt64(range.count))
        }
        mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }
    }

    static let words = [
        "milk", "eggs", "bread", "call", "mom", "fix", "bike", "report", "draft", "review", "garden", "tickets",
        "Zürich", "café", "naïve", "日本語", "emoji 🎉", "tab\tsep", "quote \"x\"", "path/to/file", "résumé",
    ]

    /// One record as JSON text; `seed` varies the content.
    static func record(_ g: inout Generator, id: Int) -> String {
        let title = (0..<g.int(2...5)).map { _ in g.pick(words) }.joined(separator: " ")
        let tags = (0..<g.int(1...3)).map { _ in "\"\(g.pick(words).replacingOccurrences(of: "\"", with: "\\\""))\"" }
        let escapedTitle = title.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\t", with: "\\t")
        let score = Double(g.int(0...1_000_000)) / 1000.0
        let tagList = tags.map { $0.replacingOccurrences(of: "\t", with: "\\t") }.joined(separator: ",")
        return """
            {"id":\(id),"title":"\(escapedTitle)","done":\(g.int(0...1) == 1),"priority":\(g.int(1...5)),\
            "score":\(score),"tags":[\(tagList)],"created":"2026-11-\(10 + g.int(0...19))T\(10 + g.int(0...13)):\
            \(10 + g.int(0...49)):00Z","owner":{"name":"Ada Lovelace","email":"ada@example.com","id":\(g.int(1...999_999))},\
            "location":{"lat":\(Double(g.int(-90_000...90_000)) / 1000.0),"lon":\(Double(g.int(-180_000...180_000)) / 1000.0)},\
            "notes":null,"parent":\(g.int(0...1) == 1 ? String(g.int(1...100_000)) : "null")}
            """
    }

    /// The ~300-byte record used for the small-document figures and for validation.
    static let smallRecord: [UInt8] = {
        var g = Generator(state: 42)
        var text = record(&g, id: 1234)
        while text.utf8.count < 290 { text = record(&g, id: 1234) }
        return Array(text.utf8)
    }()

    /// An array of records, pretty-printed in places, about 1 MiB.
    static let largeDocument: [UInt8] = {
        var g = Generator(state: 7)
        var out = "{\"version\":3,\"generated\":\"2026-11-22\",\"items\":[\n"
        var id = 0
        while out.utf8.count < 1_048_576 - 400 {
            if id > 0 { out += ",\n" }
            out += record(&g, id: id)
            id += 1
        }
        out += "\n]}"
        return Array(out.utf8)
    }()
}
