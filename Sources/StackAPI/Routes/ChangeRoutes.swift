import StackJSON
import StackStore

/// `GET /changes` and `GET /changes/stream` (SPEC §3 Changes).
enum ChangeRoutes {
    static var routes: [Route] {
        [
            Route("GET", "/changes", access: .optional, query: ["since", "limit"], handler: list),
            Route("GET", "/changes/stream", access: .optional, query: ["since"], handler: stream),
        ]
    }

    /// How often the stream sends a comment line when nothing happens (SPEC §3: at least every 15 s).
    static let keepAliveInterval: Duration = .seconds(10)
    /// Events read per store call while streaming.
    static let batchSize = 200

    /// `?since=<seq>&limit=` → `{"results": [...], "count", "nextSince"}`, in `seq` order, only
    /// events of records the caller can read now (the store applies SPEC §3's rule).
    @Sendable static func list(_ context: RequestContext) async throws -> APIResponse {
        let since = try sequence("since", context.query.value("since")) ?? 0
        let limit = try ParameterValidation.limit(context.query.value("limit"))
        let page = try await context.store.changes(since: since, limit: limit, as: context.principal)
        return APIResponse(
            json: ["results": .array(page.results.map(\.json)), "count": .int(page.results.count), "nextSince": .int(page.nextSince)])
    }

    /// Server-Sent Events (`id: <seq>`, `event: change`, `data: <json>`), resuming after
    /// `Last-Event-ID` (which wins, as a reconnecting EventSource sends it) or `?since=`; from the
    /// start of the log when neither is given, like `GET /changes`. Readability is checked again
    /// for every batch, so a record that stops being readable stops appearing.
    @Sendable static func stream(_ context: RequestContext) async throws -> APIResponse {
        let since =
            try sequence("Last-Event-ID", context.request.header("Last-Event-ID"))
            ?? sequence("since", context.query.value("since")) ?? 0
        // The first read happens now, so a closed store or a bad principal is an ordinary error answer.
        let store = context.store
        let principal = context.principal
        _ = try await store.changes(since: since, limit: 1, as: principal)
        var response = APIResponse(status: 200, headers: [
            ("Content-Type", MediaTypes.eventStream), ("Cache-Control", "no-store"), ("X-Accel-Buffering", "no"),
        ])
        let app = context.app
        response.stream = { write in
            try await streamEvents(store: store, principal: principal, after: since, stopping: { app.isShuttingDown }, write: write)
        }
        return response
    }

    /// Writes events after `since` until the peer goes (a write throws, or the task is cancelled)
    /// or the store closes (its next read throws), or ends the stream when `stopping` says the
    /// server is shutting down (within `stopCheck`): an open stream would otherwise hold the
    /// shutdown for its whole grace period, then be cut.
    static func streamEvents(
        store: Store, principal: Principal?, after since: Int64, keepAlive: Duration = keepAliveInterval,
        stopCheck: Duration = .seconds(1), stopping: @Sendable () -> Bool = { false }, write: ResponseStreamWrite
    ) async throws {
        var cursor = since
        try await write(Array(": changes after \(since)\n\n".utf8))
        let clock = ContinuousClock()
        var lastWrite = clock.now
        while true {
            try Task.checkCancellation()
            if stopping() { return }
            // Every event up to `latest` is committed before `latest` is published, so once a short
            // page has been read, the events up to `latest` it did not return are not the caller's
            // to see: skipping past them keeps the wait below from waking at once, again and again.
            let latest = store.latestChangeSeq
            let page = try await store.changes(since: cursor, limit: batchSize, as: principal)
            var chunk: [UInt8] = []
            for change in page.results {
                chunk += Array("id: \(change.seq)\nevent: change\ndata: ".utf8) + change.json.serialized() + [10, 10]
            }
            if !chunk.isEmpty {
                try await write(chunk)
                lastWrite = clock.now
            }
            if page.results.count == batchSize {
                cursor = page.nextSince
                continue
            }
            cursor = max(page.nextSince, latest)
            // Wait for an event past the cursor; a wake-up without one (the stop check) reads
            // nothing and waits again. One that comes back early (the store closed) reads, which
            // then throws.
            let wait = min(keepAlive, stopCheck)
            while true {
                let waited = clock.now
                if await store.waitForChanges(after: cursor, timeout: wait) { break }
                try Task.checkCancellation()
                if stopping() { return }
                if clock.now - lastWrite >= keepAlive {
                    try await write(Array(": keep-alive\n\n".utf8))
                    lastWrite = clock.now
                }
                if clock.now - waited < wait / 2 { break }
            }
        }
    }

    /// A change sequence number: a non-negative integer, else 400 naming the parameter.
    static func sequence(_ name: String, _ text: String?) throws(Problem) -> Int64? {
        guard let text else { return nil }
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int64(text) else {
            throw Problem.badRequest("\(name) must be a change sequence number (a non-negative integer).")
        }
        return value
    }
}
