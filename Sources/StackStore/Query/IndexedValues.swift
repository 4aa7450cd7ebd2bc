import StackJSON

/// The `records.indexed` column: a record's content cut down to the paths its type indexes
/// (SPEC §3 Types `indexes`), as JSON text. The types' indexes (``TypeIndexes``) are built over
/// this column rather than over `content`, and so are a one-type query's conditions and sorts on
/// those paths (``QueryCompiler``).
///
/// Why a column of its own: SQLite rewrites every index over a column an `UPDATE` sets. Over
/// `content`, each patch deleted and re-inserted the record's entry in each of its type's
/// indexes, one more random page written per patch, even when no indexed value changed. A patch
/// now sets `indexed` only when the cut-down text changes.
///
/// The text is exact for SQLite's JSON functions: for every path of the type,
/// `json_type(indexed, p)` and `json_extract(indexed, p)` equal the same over `content`. Values
/// are copied whole, with the keys as they are in the content. Paths whose labels hold a `\` are
/// left out (``segments(_:)``): SQLite versions disagree on what they match.
///
/// `NULL` for records of a type that indexes nothing.
struct IndexedValues: Sendable, Equatable {
    /// The valid paths (those a filter can name, ``FilterField``), shortest first: a path's
    /// prefix is copied whole before the path itself is looked at.
    let paths: [[String]]

    init(_ indexes: [String]) {
        var seen: Set<[String]> = []
        paths = indexes.compactMap { path -> [String]? in
            guard let segments = Self.segments(path), seen.insert(segments).inserted else { return nil }
            return segments
        }.sorted { $0.count < $1.count }
    }

    /// The segments of an index path the types' indexes can cover: a valid filter path
    /// (``FilterField``) with no `\` in it. SQLite before 3.45 matches a path's label against a
    /// key as written in the JSON text and later versions decode escapes first, so a label with
    /// a `\` would find different keys on different builds; such a path is read from `content`
    /// (unindexed) instead.
    static func segments(_ path: String) -> [String]? {
        guard case .content(let segments)? = FilterField("content." + path), !path.contains("\\") else { return nil }
        return segments
    }

    var isEmpty: Bool { paths.isEmpty }

    /// The text to store in `records.indexed` for `content`; `nil` when the type indexes nothing.
    func text(of content: JSON) -> String? {
        projection(of: content)?.serializedString()
    }

    /// The cut-down content; `nil` when the type indexes nothing.
    func projection(of content: JSON) -> JSON? {
        guard !paths.isEmpty else { return nil }
        var result = JSONObject()
        for path in paths {
            var keys: [String] = []
            var value = content
            var found = true
            for label in path {
                guard case .object(let object) = value, let (key, member) = Self.member(object, label) else {
                    found = false
                    break
                }
                keys.append(key)
                value = member
            }
            if found { Self.set(&result, keys[...], value) }
        }
        return .object(result)
    }

    /// The member of `object` that SQLite's path label `label` selects: a label holds no `"`,
    /// control character (``FilterField``) or `\` (``segments(_:)``), so it matches the one key
    /// written exactly as it reads.
    private static func member(_ object: JSONObject, _ label: String) -> (String, JSON)? {
        guard let value = object[label] else { return nil }
        return (label, value)
    }

    /// Sets `value` at `keys` in `object`, making the objects along the way. A value already
    /// copied whole for a shorter path holds this one already.
    private static func set(_ object: inout JSONObject, _ keys: ArraySlice<String>, _ value: JSON) {
        guard let key = keys.first else { return }
        if keys.count == 1 {
            object[key] = value
            return
        }
        var inner: JSONObject
        switch object[key] {
        case .object(let existing)?: inner = existing
        case nil: inner = JSONObject()
        default: return
        }
        set(&inner, keys.dropFirst(), value)
        object[key] = .object(inner)
    }
}
