extension Store {
    /// Change events after `since`, in `seq` order, that `principal` may see (SPEC §3 Changes):
    /// events of records the caller can read now (a soft-deleted record counts as readable by
    /// whoever could read it), and `erase` events for the owner only.
    public func changes(since: Int64 = 0, limit: Int = 50, as principal: Principal?) async throws -> ChangePage {
        let limit = try Store.checkLimit(limit)
        let sql: String
        var arguments: [DatabaseValue] = [.integer(since)]
        if principal?.isOwner == true {
            sql = "SELECT c.seq, c.record_id, c.type, c.version, c.operation, c.at FROM changes c WHERE c.seq > ? ORDER BY c.seq LIMIT ?"
        } else {
            let readable = AccessRules.readable("r", by: principal)
            sql = """
                SELECT c.seq, c.record_id, c.type, c.version, c.operation, c.at FROM changes c JOIN records r ON r.rid = c.rid
                WHERE c.seq > ? AND c.operation <> 'erase' AND \(readable.sql) ORDER BY c.seq LIMIT ?
                """
            arguments += readable.arguments
        }
        arguments.append(.integer(Int64(limit)))
        let finalArguments = arguments
        let results = try await read { db in
            try db.fetchAll(sql, finalArguments) { row in
                Change(
                    seq: row.int64(0), recordId: row.text(1), type: row.text(2), version: row.int(3),
                    operation: ChangeOperation(rawValue: row.text(4)) ?? .update, at: Timestamp(milliseconds: row.int64(5)))
            }
        }
        return ChangePage(results: results, nextSince: results.last?.seq ?? since)
    }

    /// The `seq` of the newest committed change event.
    public var latestChangeSeq: Int64 { notifier.latest }

    /// Waits until an event after `seq` is committed (`true`), or until `timeout` passes, the task
    /// is cancelled or the store closes (`false`). Events may still be unreadable to the caller:
    /// list them with ``changes(since:limit:as:)``.
    public func waitForChanges(after seq: Int64, timeout: Duration) async -> Bool {
        await notifier.wait(after: seq, timeout: timeout)
    }
}
