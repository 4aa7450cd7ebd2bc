import StackJSON

/// A record filter of `POST /records/query` (SPEC §5): `and`, `or`, `not`, or a field condition.
///
/// Semantics (documented choices where SPEC §5 is silent):
/// - Comparisons never match across JSON types: the number 5 is not the string "5"; integers and
///   decimals are both numbers (5 equals 5.0). Strings compare by Unicode code point.
/// - A missing field matches no `eq`, `gt`…, `in`, `contains` or `prefix`; `ne` and `nin` are the
///   negations of `eq` and `in`, so they match records where the field is missing or of another
///   type. `exists: true` matches a present field, including one holding `null`.
/// - `eq` with an array or object compares the minified JSON text, so member order matters.
public indirect enum RecordFilter: Sendable, Hashable {
    case and([RecordFilter])
    case or([RecordFilter])
    case not(RecordFilter)
    case condition(FilterField, FilterOperator, JSON)
}

extension RecordFilter {
    /// The number of comparisons the filter compiles to (an `in`/`nin` list counts each element).
    public var weight: Int {
        switch self {
        case .and(let children), .or(let children): return children.reduce(1) { $0 + $1.weight }
        case .not(let child): return 1 + child.weight
        case .condition(_, _, let operand): return max(1, operand.arrayValue?.count ?? 1)
        }
    }

    /// The largest ``weight`` a query may have (SQLite binds at most 32,766 parameters per statement).
    public static let maxWeight = 1000
}

/// A field a filter or a sort may name (SPEC §5).
public enum FilterField: Sendable, Hashable, CustomStringConvertible {
    case id, type, createdBy, createdAt, updatedAt, version
    /// `content.<dot.path>`: the object members along the path.
    case content([String])

    /// Parses `id`, `type`, `createdBy`, `createdAt`, `updatedAt`, `version` or `content.<path>`;
    /// `nil` for anything else. Path segments are non-empty and hold no `"` or control character.
    public init?(_ name: String) {
        switch name {
        case "id": self = .id
        case "type": self = .type
        case "createdBy": self = .createdBy
        case "createdAt": self = .createdAt
        case "updatedAt": self = .updatedAt
        case "version": self = .version
        default:
            guard name.hasPrefix("content.") else { return nil }
            let segments = name.dropFirst("content.".count).split(separator: ".", omittingEmptySubsequences: false)
            guard
                segments.allSatisfy({ segment in
                    !segment.isEmpty && !segment.unicodeScalars.contains { $0 == "\"" || $0.value < 0x20 || $0.value == 0x7F }
                })
            else { return nil }
            self = .content(segments.map(String.init))
        }
    }

    public var description: String {
        switch self {
        case .id: return "id"
        case .type: return "type"
        case .createdBy: return "createdBy"
        case .createdAt: return "createdAt"
        case .updatedAt: return "updatedAt"
        case .version: return "version"
        case .content(let path): return "content." + path.joined(separator: ".")
        }
    }

    /// The SQLite JSON path of a content field (`$."a"."b"`), bound as a parameter, never spliced.
    var jsonPath: String? {
        guard case .content(let path) = self else { return nil }
        return "$" + path.map { ".\"\($0)\"" }.joined()
    }
}

/// A filter operator (SPEC §5).
public enum FilterOperator: String, Sendable, Hashable, CaseIterable {
    case eq, ne, gt, gte, lt, lte, `in`, nin, exists, contains, prefix
}
