extension Store {
    /// ``listRecords(_:as:)`` with every record's content and permissions as stored JSON text
    /// (``StoredRecord``): the same pages, cursors, checks and errors (the same SQL), without
    /// parsing content. `StackAPITests.StoredListTests` checks that both answer alike.
    /// - Throws: `invalidRequest` (limit, cursor, relation).
    public func listStoredRecords(_ query: RecordListQuery, as principal: Principal?) async throws -> Page<StoredRecord> {
        try await listRows(query, as: principal) { row in StoredRecord.decode(row, for: principal) }
    }
}
