/// Opaque keyset cursors (SPEC §2 Lists). A cursor names the last item of a page by its sort key;
/// its text is URL-safe and means nothing to clients.
enum Cursor {
    /// Encodes integer parts with a tag: `<tag>.<base36>.<base36>…`.
    static func encode(tag: String, _ parts: [Int64]) -> String {
        ([tag] + parts.map { String($0, radix: 36) }).joined(separator: ".")
    }

    static func decode(_ text: String, tag: String, count: Int) -> [Int64]? {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count == count + 1, pieces[0] == tag else { return nil }
        var parts: [Int64] = []
        for piece in pieces.dropFirst() {
            guard let value = Int64(piece, radix: 36) else { return nil }
            parts.append(value)
        }
        return parts
    }

    static func encodeVersion(_ version: Int) -> String { encode(tag: "v", [Int64(version)]) }

    static func decodeVersion(_ text: String) -> Int? { decode(text, tag: "v", count: 1).map { Int($0[0]) } }
}
