/// Route patterns: `/records/:id` → segments.
enum RoutePattern {
    enum Segment: Hashable {
        case literal(String)
        case parameter(String)
    }

    static func segments(of pattern: String) -> [Segment] {
        precondition(pattern.hasPrefix("/"), "route pattern must start with /: \(pattern)")
        if pattern == "/" { return [] }
        return pattern.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { part in
            if part.hasPrefix(":") {
                precondition(part.count > 1, "empty parameter name in \(pattern)")
                return .parameter(String(part.dropFirst()))
            }
            return .literal(String(part))
        }
    }

    /// Splits a raw path on `/` and percent-decodes each segment (so `%2F` stays inside a segment).
    /// Nil when the path does not start with `/` or an escape is invalid.
    static func decodedSegments(ofPath path: Substring) -> [String]? {
        guard path.hasPrefix("/") else { return nil }
        if path == "/" { return [] }
        var result: [String] = []
        for raw in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard let decoded = PercentDecoding.decode(raw) else { return nil }
            result.append(decoded)
        }
        return result
    }
}

/// A node of the routing trie. A value type, so a router copied into a server cannot be changed
/// under it.
struct RouteNode<Context: RequestContext>: Sendable {
    var literals: [String: RouteNode] = [:]
    var parameterName: String? = nil
    var parameterChild: [RouteNode] = []  // zero or one element (indirection for the recursive type)
    var handlers: [HTTPMethod: Responder<Context>] = [:]

    mutating func insert(
        _ segments: ArraySlice<RoutePattern.Segment>,
        method: HTTPMethod,
        handler: @escaping Responder<Context>,
        pattern: String
    ) {
        guard let first = segments.first else {
            handlers[method] = handler
            return
        }
        switch first {
        case .literal(let text):
            literals[text, default: RouteNode()].insert(segments.dropFirst(), method: method, handler: handler, pattern: pattern)
        case .parameter(let name):
            if let existing = parameterName {
                precondition(existing == name, "route \(pattern): parameter :\(name) conflicts with :\(existing)")
            } else {
                parameterName = name
                parameterChild = [RouteNode()]
            }
            parameterChild[0].insert(segments.dropFirst(), method: method, handler: handler, pattern: pattern)
        }
    }

    /// The handler for `method` at the path, literal segments first, backtracking to parameters.
    func find(_ segments: ArraySlice<String>, method: HTTPMethod, parameters: inout Parameters) -> Responder<Context>? {
        guard let first = segments.first else { return handlers[method] }
        if let child = literals[first], let found = child.find(segments.dropFirst(), method: method, parameters: &parameters) {
            return found
        }
        if let name = parameterName, !first.isEmpty {
            parameters.append(name, first)
            if let found = parameterChild[0].find(segments.dropFirst(), method: method, parameters: &parameters) {
                return found
            }
            parameters.storage.removeLast()
        }
        return nil
    }

    /// Every method served at the path by any matching route (for 405 `Allow`).
    func allowedMethods(_ segments: ArraySlice<String>) -> Set<HTTPMethod> {
        guard let first = segments.first else { return Set(handlers.keys) }
        var result = Set<HTTPMethod>()
        if let child = literals[first] { result.formUnion(child.allowedMethods(segments.dropFirst())) }
        if parameterName != nil, !first.isEmpty { result.formUnion(parameterChild[0].allowedMethods(segments.dropFirst())) }
        return result
    }
}
