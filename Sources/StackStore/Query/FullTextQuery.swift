/// The `q` parameter as an FTS5 MATCH expression (SPEC §5 full-text search).
///
/// The user's text is never passed through as FTS5 syntax: it is split on white space and each
/// word becomes a quoted FTS5 string (`"word"`, inner `"` doubled), so operators such as `NEAR(`,
/// `AND`, `*`, `^` or column filters are plain words. Words are ANDed: a record matches when its
/// content's string values hold every word (case-insensitive, diacritics folded, by the
/// `unicode61` tokenizer). Words without a letter or digit carry no token and are dropped.
enum FullTextQuery {
    /// Below this many matching records, a search reads them through the index first and sorts
    /// them; at or above it, it walks the sort order and keeps the rows that match
    /// (``Store/walkDenseMatches``).
    static let fewMatchesLimit = 2000

    /// The MATCH argument, or `nil` when the text holds no searchable word (nothing matches then).
    static func matchExpression(_ text: String) -> String? {
        let words = text.split(whereSeparator: { $0.isWhitespace }).filter { word in
            word.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
        }
        guard !words.isEmpty else { return nil }
        return words.map { "\"" + $0.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\"" }.joined(separator: " ")
    }

    /// Whether `text` asks for a search at all (blank `q` is ignored).
    static func isBlank(_ text: String?) -> Bool {
        text?.allSatisfy(\.isWhitespace) ?? true
    }
}
