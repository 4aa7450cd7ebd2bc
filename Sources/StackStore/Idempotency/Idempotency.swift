import StackJSON

/// A stored HTTP answer to replay for a repeated `Idempotency-Key` (SPEC §2).
public struct StoredResponse: Sendable, Hashable {
    public var status: Int
    /// Header fields in order, as (name, value) pairs.
    public var headers: [StoredHeader]
    public var body: [UInt8]

    public init(status: Int, headers: [StoredHeader], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// One header field of a ``StoredResponse``.
public struct StoredHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Asks a creating operation to store its response under an idempotency key, in the same
/// transaction as the write (SPEC §2: a retry after a crash never creates a second record).
public struct IdempotencyStamp<Result>: Sendable {
    public var entityId: String
    public var key: String
    /// A digest of the request (method, path, body) that the API layer computes.
    public var requestHash: String
    /// Renders the response to store from the operation's result.
    public var render: @Sendable (Result) -> StoredResponse
    /// For a request whose body is known only once the operation has read it (a streamed upload):
    /// the digest of the request from the result, stored instead of ``requestHash``.
    public var requestHashOfResult: (@Sendable (Result) -> String)?

    public init(entityId: String, key: String, requestHash: String, render: @escaping @Sendable (Result) -> StoredResponse) {
        self.entityId = entityId
        self.key = key
        self.requestHash = requestHash
        self.render = render
    }
}

/// A stored response found for an idempotency key.
public struct IdempotentReplay: Sendable, Hashable {
    public var requestHash: String
    public var response: StoredResponse
    public var createdAt: Timestamp
}

enum IdempotencyRows {
    /// Deletes the stored responses older than `lifetime` milliseconds (at open, and in the
    /// writer's upkeep every minute).
    static func expire(olderThan lifetime: Int64, db: Database) throws {
        try db.execute("DELETE FROM idempotency WHERE created_at < ?", [Timestamp.now().milliseconds - lifetime])
    }

    /// Inserts the stamp's response for `result`; a live row for the same key is a conflict.
    static func insert<R>(_ stamp: IdempotencyStamp<R>, result: R, now: Timestamp, lifetime: Int64, db: Database) throws {
        try db.execute(
            "DELETE FROM idempotency WHERE entity_id = ? AND key = ? AND created_at < ?",
            [stamp.entityId, stamp.key, now.milliseconds - lifetime])
        if try db.exists("SELECT 1 FROM idempotency WHERE entity_id = ? AND key = ?", [stamp.entityId, stamp.key]) {
            throw StoreError.conflict("the idempotency key was already used")
        }
        let response = stamp.render(result)
        let headers = JSON.array(response.headers.map { .array([.string($0.name), .string($0.value)]) })
        try db.execute(
            "INSERT INTO idempotency (entity_id, key, request_hash, status, headers, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                stamp.entityId, stamp.key, stamp.requestHashOfResult?(result) ?? stamp.requestHash, response.status,
                headers.serializedString(), response.body, now.milliseconds,
            ])
    }
}

extension Store {
    /// The stored response for (`entityId`, `key`) if one exists and is younger than 24 hours.
    public func idempotentReplay(entityId: String, key: String) async throws -> IdempotentReplay? {
        let cutoff = Timestamp.now().milliseconds - configuration.idempotencyLifetimeMilliseconds
        return try await read { db in
            try db.fetchOne(
                "SELECT request_hash, status, headers, body, created_at FROM idempotency WHERE entity_id = ? AND key = ? AND created_at >= ?",
                [entityId, key, cutoff]
            ) { row in
                let headers = (try JSON(parsing: row.bytes(2))).arrayValue ?? []
                return IdempotentReplay(
                    requestHash: row.text(0),
                    response: StoredResponse(
                        status: row.int(1),
                        headers: headers.compactMap { pair in
                            guard let name = pair[0]?.stringValue, let value = pair[1]?.stringValue else { return nil }
                            return StoredHeader(name: name, value: value)
                        }, body: row.blob(3)),
                    createdAt: Timestamp(milliseconds: row.int64(4)))
            }
        }
    }
}
