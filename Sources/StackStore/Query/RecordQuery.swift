import StackJSON

/// One sort key of a query (SPEC §5 `sort: [{"field", "order"}]`).
public struct QuerySortKey: Sendable, Hashable, CustomStringConvertible {
    public var field: FilterField
    public var descending: Bool

    public init(_ field: FilterField, descending: Bool = false) {
        self.field = field
        self.descending = descending
    }

    public var description: String { (descending ? "-" : "") + field.description }
}

/// A record query (SPEC §5): the body of `POST /records/query`, and `GET /records` when it
/// carries `q` or content filters. Results are the records the caller may read, filtered and
/// paged in SQL.
public struct RecordQuery: Sendable, Hashable {
    /// Only these types (any when `nil`).
    public var types: [String]?
    public var filter: RecordFilter?
    /// Full-text search over the content's string values (``FullTextQuery``).
    public var text: String?
    /// Sort keys, most significant first; ties are broken by creation order. Default `-createdAt`.
    public var sort: [QuerySortKey]
    /// 1…1000 (default 50).
    public var limit: Int
    public var cursor: String?
    /// Honoured for the owner only.
    public var includeDeleted: Bool
    /// `GET /records?associatedWith=` (with `relation` and `direction`).
    public var associatedWith: String?
    public var relation: String?
    public var direction: AssociationDirection

    public init(
        types: [String]? = nil, filter: RecordFilter? = nil, text: String? = nil,
        sort: [QuerySortKey] = [QuerySortKey(.createdAt, descending: true)], limit: Int = 50, cursor: String? = nil,
        includeDeleted: Bool = false, associatedWith: String? = nil, relation: String? = nil, direction: AssociationDirection = .both
    ) {
        self.types = types
        self.filter = filter
        self.text = text
        self.sort = sort
        self.limit = limit
        self.cursor = cursor
        self.includeDeleted = includeDeleted
        self.associatedWith = associatedWith
        self.relation = relation
        self.direction = direction
    }

    /// The query a `GET /records` list stands for, plus its `q` and `content.<path>=<value>`
    /// parameters (each an equality, SPEC §5).
    public init(list: RecordListQuery, text: String? = nil, contentEquals: [(path: String, value: JSON)] = []) throws(StoreError) {
        var conditions: [RecordFilter] = []
        if let createdBy = list.createdBy { conditions.append(.condition(.createdBy, .eq, .string(createdBy))) }
        if let after = list.updatedAfter { conditions.append(.condition(.updatedAt, .gt, .string(after.rfc3339))) }
        for (path, value) in contentEquals {
            guard let field = FilterField("content." + path), field.isContent else {
                throw StoreError.invalidRequest("content.\(path): invalid content path")
            }
            conditions.append(.condition(field, .eq, value))
        }
        let field: FilterField = list.sort.column == "created_at" ? .createdAt : .updatedAt
        self.init(
            types: list.type.map { [$0] }, filter: conditions.isEmpty ? nil : .and(conditions), text: text,
            sort: [QuerySortKey(field, descending: list.sort.isDescending)], limit: list.limit, cursor: list.cursor,
            includeDeleted: list.includeDeleted, associatedWith: list.associatedWith, relation: list.relation,
            direction: list.direction)
    }

    /// Reads a `POST /records/query` body: `{"type", "where", "q", "sort", "limit", "cursor",
    /// "includeDeleted"}`. Errors are `invalidRequest` naming the JSON Pointer of the fault.
    public init(body: JSON) throws(StoreError) {
        guard case .object(let object) = body else { throw FilterParser.failure(.root, "the query must be a JSON object") }
        self.init()
        for (key, value) in object.members {
            let here = JSONPointer.root.appending(key)
            switch key {
            case "type":
                switch value {
                case .string(let type): types = [type]
                case .array(let elements):
                    var list: [String] = []
                    for (index, element) in elements.enumerated() {
                        guard let type = element.stringValue else { throw FilterParser.failure(here.appending(index), "a type id must be a string") }
                        list.append(type)
                    }
                    types = list
                case .null: types = nil
                default: throw FilterParser.failure(here, "\"type\" takes a type id or an array of them")
                }
            case "where":
                if !value.isNull {
                    let parsed = try FilterParser.parse(value, at: here)
                    guard parsed.weight <= RecordFilter.maxWeight else {
                        throw FilterParser.failure(here, "the filter is too large (at most \(RecordFilter.maxWeight) conditions and list elements)")
                    }
                    filter = parsed
                }
            case "q":
                guard value.isNull || value.stringValue != nil else { throw FilterParser.failure(here, "\"q\" takes a string") }
                text = value.stringValue
            case "sort":
                sort = try RecordQuery.parseSort(value, at: here)
            case "limit":
                guard let number = value.int64Value, (1...1000).contains(number) else {
                    throw FilterParser.failure(here, "\"limit\" must be an integer between 1 and 1000")
                }
                limit = Int(number)
            case "cursor":
                guard value.isNull || value.stringValue != nil else { throw FilterParser.failure(here, "\"cursor\" takes a string") }
                cursor = value.stringValue
            case "includeDeleted":
                guard let flag = value.boolValue else { throw FilterParser.failure(here, "\"includeDeleted\" takes true or false") }
                includeDeleted = flag
            default:
                throw FilterParser.failure(here, "unknown member \"\(key)\" (expected type, where, q, sort, limit, cursor)")
            }
        }
    }

    /// `[{"field": "content.priority", "order": "desc"}, …]`; a plain string `"field"` or
    /// `"-field"` is accepted as an element too. At most 8 keys.
    static func parseSort(_ json: JSON, at pointer: JSONPointer) throws(StoreError) -> [QuerySortKey] {
        guard case .array(let elements) = json, !elements.isEmpty, elements.count <= 8 else {
            throw FilterParser.failure(pointer, "\"sort\" takes an array of 1 to 8 sort keys")
        }
        var keys: [QuerySortKey] = []
        for (index, element) in elements.enumerated() {
            let here = pointer.appending(index)
            switch element {
            case .string(let text):
                let descending = text.hasPrefix("-")
                guard let field = FilterField(descending ? String(text.dropFirst()) : text) else {
                    throw FilterParser.failure(here, "unknown field \"\(text)\"")
                }
                keys.append(QuerySortKey(field, descending: descending))
            case .object(let object):
                guard let name = object["field"]?.stringValue else {
                    throw FilterParser.failure(here, "a sort key needs \"field\"")
                }
                guard let field = FilterField(name) else { throw FilterParser.failure(here.appending("field"), "unknown field \"\(name)\"") }
                var descending = false
                for (key, value) in object.members where key != "field" {
                    guard key == "order" else { throw FilterParser.failure(here.appending(key), "unknown member \"\(key)\"") }
                    switch value.stringValue {
                    case "asc": descending = false
                    case "desc": descending = true
                    default: throw FilterParser.failure(here.appending("order"), "\"order\" is \"asc\" or \"desc\"")
                    }
                }
                keys.append(QuerySortKey(field, descending: descending))
            default:
                throw FilterParser.failure(here, "a sort key is {\"field\", \"order\"}")
            }
        }
        return keys
    }
}
