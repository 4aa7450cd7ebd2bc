/// Reading and checking individual query parameters, with 400 answers that name the parameter.
public enum ParameterValidation {
    /// The largest page size (SPEC §2).
    public static let maxLimit = 1000
    /// The page size when `limit` is absent (SPEC §2).
    public static let defaultLimit = 50

    /// `limit`: 1…1000, default 50; anything else → 400.
    public static func limit(_ text: String?) throws(Problem) -> Int {
        guard let text else { return defaultLimit }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(text),
            (1...maxLimit).contains(value)
        else {
            throw Problem.badRequest("limit must be an integer from 1 to \(maxLimit), not '\(text)'.")
        }
        return value
    }

    /// A boolean parameter: `true` or `false` (absent → `defaultValue`); anything else → 400.
    public static func boolean(_ name: String, _ text: String?, default defaultValue: Bool = false) throws(Problem)
        -> Bool
    {
        switch text {
        case nil: return defaultValue
        case "true": return true
        case "false": return false
        case let other?: throw Problem.badRequest("\(name) must be true or false, not '\(other)'.")
        }
    }

    /// An RFC 3339 timestamp parameter → milliseconds since the epoch.
    public static func timestamp(_ name: String, _ text: String?) throws(Problem) -> Int64? {
        guard let text else { return nil }
        guard let value = RFC3339.parse(text) else {
            throw Problem.badRequest("\(name) must be an RFC 3339 date-time such as 2026-11-22T10:00:00.000Z, not '\(text)'.")
        }
        return value
    }

    /// A parameter restricted to a set of values.
    public static func oneOf<T>(_ name: String, _ text: String?, _ choices: [(String, T)], default defaultValue: T)
        throws(Problem) -> T
    {
        guard let text else { return defaultValue }
        guard let match = choices.first(where: { $0.0 == text }) else {
            throw Problem.badRequest("\(name) must be one of \(choices.map(\.0).joined(separator: ", ")), not '\(text)'.")
        }
        return match.1
    }

    /// A non-empty string parameter.
    public static func nonEmpty(_ name: String, _ text: String?) throws(Problem) -> String? {
        guard let text else { return nil }
        guard !text.isEmpty else { throw Problem.badRequest("\(name) must not be empty.") }
        return text
    }

    /// Rejects any parameter not in `known` (SPEC §5: unknown parameters → 400), and repeated ones.
    public static func rejectUnknown(_ query: QueryString, known: Set<String>, allowPrefix: String? = nil) throws(Problem) {
        var seen = Set<String>()
        for item in query.items {
            let isKnown = known.contains(item.name) || (allowPrefix.map { item.name.hasPrefix($0) } ?? false)
            guard isKnown else {
                throw Problem.badRequest("Unknown query parameter '\(item.name)'.")
            }
            guard seen.insert(item.name).inserted else {
                throw Problem.badRequest("The query parameter '\(item.name)' is given more than once.")
            }
        }
    }
}
