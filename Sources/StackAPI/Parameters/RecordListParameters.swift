import StackJSON

/// The parameters of `GET /records` (SPEC §5), validated.
public struct RecordListParameters: Sendable, Equatable {
    /// Which way associations are followed.
    public enum Direction: String, Sendable, Equatable {
        case outgoing = "out"
        case incoming = "in"
        case both
    }

    /// The list order (SPEC §5: default newest first).
    public enum Sort: String, Sendable, Equatable, CaseIterable {
        case createdAtAscending = "createdAt"
        case createdAtDescending = "-createdAt"
        case updatedAtAscending = "updatedAt"
        case updatedAtDescending = "-updatedAt"
    }

    /// One `content.<path>=<value>` filter.
    public struct ContentFilter: Sendable, Equatable {
        /// The dot-separated path split into its parts (`due.date` → `["due", "date"]`).
        public var path: [String]
        public var value: JSON
    }

    public var type: String?
    public var createdBy: String?
    /// Milliseconds since the epoch.
    public var updatedAfter: Int64?
    public var associatedWith: String?
    public var relation: String?
    public var direction: Direction = .both
    public var q: String?
    public var sort: Sort = .createdAtDescending
    public var limit: Int = ParameterValidation.defaultLimit
    public var cursor: String?
    public var includeDeleted = false
    public var contentFilters: [ContentFilter] = []

    public init() {}

    /// The parameters `GET /records` knows besides `content.*`.
    public static let names: Set<String> = [
        "type", "createdBy", "updatedAfter", "associatedWith", "relation", "direction", "q", "sort", "limit", "cursor",
        "includeDeleted",
    ]

    /// Validates a query string.
    ///
    /// - Parameters:
    ///   - supportsQuery: whether full-text `q` and `content.*` filters are live (the `query`
    ///     capability); when not, they are refused with 400 rather than silently ignored.
    /// - Throws: `Problem` 400 naming the parameter: unknown or repeated names, a bad `limit`,
    ///   `sort`, `direction`, boolean or timestamp, `relation`/`direction` without `associatedWith`.
    public init(_ query: QueryString, supportsQuery: Bool) throws(Problem) {
        try ParameterValidation.rejectUnknown(query, known: Self.names, allowPrefix: "content.")
        type = try ParameterValidation.nonEmpty("type", query.value("type"))
        createdBy = try ParameterValidation.nonEmpty("createdBy", query.value("createdBy"))
        updatedAfter = try ParameterValidation.timestamp("updatedAfter", query.value("updatedAfter"))
        associatedWith = try ParameterValidation.nonEmpty("associatedWith", query.value("associatedWith"))
        relation = try ParameterValidation.nonEmpty("relation", query.value("relation"))
        direction = try ParameterValidation.oneOf(
            "direction", query.value("direction"), [("out", .outgoing), ("in", .incoming), ("both", .both)],
            default: .both)
        if associatedWith == nil, relation != nil || query.value("direction") != nil {
            throw Problem.badRequest("relation and direction apply only together with associatedWith.")
        }
        sort = try ParameterValidation.oneOf(
            "sort", query.value("sort"), Sort.allCases.map { ($0.rawValue, $0) }, default: .createdAtDescending)
        limit = try ParameterValidation.limit(query.value("limit"))
        cursor = try ParameterValidation.nonEmpty("cursor", query.value("cursor"))
        includeDeleted = try ParameterValidation.boolean("includeDeleted", query.value("includeDeleted"))
        q = query.value("q")
        for item in query.items where item.name.hasPrefix("content.") {
            let path = item.name.dropFirst("content.".count).split(separator: ".", omittingEmptySubsequences: false)
            guard !path.isEmpty, !path.contains(where: \.isEmpty) else {
                throw Problem.badRequest("'\(item.name)' is not a content filter: use content.<path> with a dot-separated path.")
            }
            contentFilters.append(ContentFilter(path: path.map(String.init), value: Self.literal(item.value)))
        }
        if !supportsQuery, q != nil || !contentFilters.isEmpty {
            throw Problem.badRequest("Full-text search (q) and content filters are not supported by this server yet.")
        }
    }

    /// A filter value: a JSON literal when it is one (`5`, `true`, `null`, `"quoted"`), else the
    /// plain string (SPEC §5).
    static func literal(_ text: String) -> JSON {
        if let value = try? JSONParser.parse(text) {
            switch value {
            case .object, .array: return .string(text)
            default: return value
            }
        }
        return .string(text)
    }
}
