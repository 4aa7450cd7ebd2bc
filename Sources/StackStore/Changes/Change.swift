import StackJSON

/// What a change event records (SPEC §3 Changes).
public enum ChangeOperation: String, Sendable, Hashable {
    case create, update, delete, restore, permissions, erase
}

/// One event of the change log: `{seq, recordId, type, version, operation, at}`.
public struct Change: Sendable, Hashable {
    public var seq: Int64
    public var recordId: String
    public var type: String
    public var version: Int
    public var operation: ChangeOperation
    public var at: Timestamp

    public var json: JSON {
        [
            "seq": .int(seq), "recordId": .string(recordId), "type": .string(type), "version": .int(version),
            "operation": .string(operation.rawValue), "at": .string(at.rfc3339),
        ]
    }
}

/// A page of changes: the events and the `since` to ask for next.
public struct ChangePage: Sendable, Hashable {
    public var results: [Change]
    /// The `seq` to pass as `since` for the next page (the last event's, or the given `since`).
    public var nextSince: Int64
}
