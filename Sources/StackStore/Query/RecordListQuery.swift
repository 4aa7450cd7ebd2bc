/// How to sort a record list (SPEC §5).
public enum RecordSort: String, Sendable, Hashable, CaseIterable {
    case createdAt = "createdAt"
    case createdAtDescending = "-createdAt"
    case updatedAt = "updatedAt"
    case updatedAtDescending = "-updatedAt"

    var column: String { self == .createdAt || self == .createdAtDescending ? "created_at" : "updated_at" }
    var isDescending: Bool { self == .createdAtDescending || self == .updatedAtDescending }
}

/// The parameters of `GET /records` the engine answers (SPEC §5); content filters and `q` belong
/// to the query layer.
public struct RecordListQuery: Sendable, Hashable {
    public var type: String?
    public var createdBy: String?
    /// Records updated strictly after this time.
    public var updatedAfter: Timestamp?
    /// Only records associated with this record id…
    public var associatedWith: String?
    /// …under this relation (any when `nil`)…
    public var relation: String?
    /// …`out`: records `associatedWith` links to; `in`: records that link to it; `both` (default).
    public var direction: AssociationDirection
    public var sort: RecordSort
    /// 1…1000 (default 50).
    public var limit: Int
    public var cursor: String?
    /// Honoured for the owner only.
    public var includeDeleted: Bool

    public init(
        type: String? = nil, createdBy: String? = nil, updatedAfter: Timestamp? = nil, associatedWith: String? = nil,
        relation: String? = nil, direction: AssociationDirection = .both, sort: RecordSort = .createdAtDescending,
        limit: Int = 50, cursor: String? = nil, includeDeleted: Bool = false
    ) {
        self.type = type
        self.createdBy = createdBy
        self.updatedAfter = updatedAfter
        self.associatedWith = associatedWith
        self.relation = relation
        self.direction = direction
        self.sort = sort
        self.limit = limit
        self.cursor = cursor
        self.includeDeleted = includeDeleted
    }
}
