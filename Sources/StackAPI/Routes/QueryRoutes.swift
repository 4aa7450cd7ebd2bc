import StackJSON
import StackStore

/// `POST /records/query` and the `q` / `content.*` side of `GET /records` (SPEC §5).
enum QueryRoutes {
    static var routes: [Route] {
        [Route("POST", "/records/query", access: .optional, handler: query)]
    }

    /// SPEC §5: `{"type", "where", "q", "sort", "limit", "cursor"}` → a list (SPEC §2) of the
    /// readable records that match. A malformed body is 400 with `errors[].path` pointing at the fault.
    @Sendable static func query(_ context: RequestContext) async throws -> APIResponse {
        let body = try await context.jsonBody()
        let query: RecordQuery
        do {
            query = try RecordQuery(body: body)
        } catch {
            throw problem(error)
        }
        let page = try await run(query, context: context)
        return RecordResponses.page(page)
    }

    /// `GET /records` with `q` or `content.<path>=<value>`: the list's parameters as a query.
    static func list(_ parameters: RecordListParameters, base: RecordListQuery, context: RequestContext) async throws -> APIResponse {
        let query = try RecordQuery(
            list: base, text: parameters.q,
            contentEquals: parameters.contentFilters.map { (path: $0.path.joined(separator: "."), value: $0.value) })
        let page = try await run(query, context: context)
        return RecordResponses.page(page)
    }

    private static func run(_ query: RecordQuery, context: RequestContext) async throws -> Page<Record> {
        do {
            return try await context.store.queryRecords(query, as: context.principal)
        } catch let error as StoreError {
            throw problem(error)
        }
    }

    /// A store `invalidRequest` whose message starts with a JSON Pointer (`/where/and/1/…: why`)
    /// becomes 400 with that pointer in `errors` (SPEC §2, §5 "naming the offending part").
    static func problem(_ error: StoreError) -> any Error {
        guard case .invalidRequest(let message) = error else { return error }
        guard message.hasPrefix("/") || message.hasPrefix(": "), let colon = message.range(of: ": ") else {
            return Problem.badRequest(message.hasSuffix(".") ? message : message + ".")
        }
        let path = String(message[..<colon.lowerBound])
        let why = String(message[colon.upperBound...])
        return Problem.badRequest("The query is malformed at \(path.isEmpty ? "the root" : path): \(why).", errors: [.init(path: path, message: why)])
    }
}
