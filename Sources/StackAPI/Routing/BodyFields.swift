import StackJSON
import StackStore

/// Typed access to the members of a JSON object body, with 400 answers whose `errors` point at the
/// offending member (SPEC §2: `path` is a JSON Pointer into the request body).
public struct BodyFields: Sendable {
    public let object: JSONObject

    /// - Throws: 400 when the body has members outside `allowed`.
    public init(_ object: JSONObject, allowed: Set<String>) throws(Problem) {
        let unknown = object.keys.filter { !allowed.contains($0) }
        if !unknown.isEmpty {
            throw Problem.badRequest(
                "Unknown member\(unknown.count == 1 ? "" : "s") in the request body: \(unknown.joined(separator: ", ")).",
                errors: unknown.map { .init(path: "/" + JSONPointer.escape($0), message: "unknown member") })
        }
        self.object = object
    }

    private func wrongType(_ name: String, _ expected: String, _ got: JSON) -> Problem {
        Problem.badRequest(
            "\"\(name)\" must be \(expected).",
            errors: [.init(path: "/" + JSONPointer.escape(name), message: "expected \(expected), got \(got.typeName)")])
    }

    private func missing(_ name: String) -> Problem {
        Problem.badRequest(
            "The request body needs \"\(name)\".",
            errors: [.init(path: "/" + JSONPointer.escape(name), message: "required")])
    }

    /// A string member; `nil` when absent (or `null` if `nullable`).
    public func string(_ name: String, required: Bool = false) throws(Problem) -> String? {
        guard let value = object[name] else {
            if required { throw missing(name) }
            return nil
        }
        guard case .string(let text) = value else { throw wrongType(name, "a string", value) }
        return text
    }

    /// An object member.
    public func objectMember(_ name: String, required: Bool = false) throws(Problem) -> JSONObject? {
        guard let value = object[name] else {
            if required { throw missing(name) }
            return nil
        }
        guard case .object(let member) = value else { throw wrongType(name, "an object", value) }
        return member
    }

    /// A JSON Schema member: an object or a boolean (JSON Schema 2020-12 §4.3).
    public func schemaMember(_ name: String, required: Bool = false) throws(Problem) -> JSON? {
        guard let value = object[name] else {
            if required { throw missing(name) }
            return nil
        }
        switch value {
        case .object, .bool: return value
        default: throw wrongType(name, "a JSON Schema (an object or a boolean)", value)
        }
    }

    /// An array of strings.
    public func strings(_ name: String) throws(Problem) -> [String]? {
        guard let value = object[name] else { return nil }
        guard case .array(let items) = value else { throw wrongType(name, "an array of strings", value) }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item else {
                throw Problem.badRequest(
                    "\"\(name)\" must be an array of strings.",
                    errors: [.init(path: "/\(JSONPointer.escape(name))/\(index)", message: "expected a string, got \(item.typeName)")])
            }
            result.append(text)
        }
        return result
    }

    /// Any member as given.
    public func value(_ name: String) -> JSON? { object[name] }
}

/// List envelopes (SPEC §2).
enum ListBody {
    /// `{"results": [...], "count": N, "nextCursor": "..." | null}`.
    static func json(_ results: [JSON], nextCursor: String?) -> JSON {
        ["results": .array(results), "count": .int(results.count), "nextCursor": nextCursor.map(JSON.string) ?? .null]
    }

    /// Pages an in-memory list keyed by a unique, sorted id: the cursor is the last id returned,
    /// made opaque (`Base64URL` of `id:` and the id) so that a cursor this list did not give is
    /// refused (`400`, as on every list) rather than read as a position.
    static func page<T>(_ items: [T], id: (T) -> String, limit: Int, cursor: String?) throws(Problem) -> (items: [T], nextCursor: String?) {
        var start = 0
        if let cursor {
            guard let bytes = Base64URL.decode(cursor), let text = String(validating: bytes, as: UTF8.self),
                text.hasPrefix(cursorTag)
            else { throw Problem.badRequest("Invalid cursor.") }
            let after = String(text.dropFirst(cursorTag.count))
            start = items.firstIndex { id($0) > after } ?? items.count
        }
        let slice = Array(items[start..<min(items.count, start + limit)])
        let next = start + limit < items.count ? slice.last.map { Base64URL.encode(Array((cursorTag + id($0)).utf8)) } : nil
        return (slice, next)
    }

    private static let cursorTag = "id:"
}
