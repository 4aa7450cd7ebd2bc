import Foundation

/// Whole-stack operations for the command line (SPEC §7 `backup`, `export`, `import`, `check`).
///
/// They work on a data directory, not on an open ``Store``: opening a store sweeps unreferenced
/// blobs, which must not happen behind a server that is running on the same directory (an upload
/// between its blob's rename and its row's commit would lose its bytes). `backup`, `export` and
/// `check` only read, so they are safe while `stack serve` runs; `import` writes and wants the
/// server stopped. Every blocking call runs off Swift's cooperative pool.
///
/// ```swift
/// let report = try await Maintenance.check(dataDirectory: "/srv/stack")
/// if !report.faults.isEmpty { … }
/// ```
public enum Maintenance {
    static let databaseFileName = Store.databaseFileName

    static func databasePath(_ directory: String) -> String {
        (directory as NSString).appendingPathComponent(databaseFileName)
    }

    /// Opens the database of an existing stack for reading. The connection is read-write so that
    /// it can join a WAL database whose `-shm` file is missing; callers only read through it.
    static func openExisting(_ directory: String) throws -> Database {
        let path = databasePath(directory)
        guard FileManager.default.fileExists(atPath: path) else { throw MaintenanceError.noStack(directory) }
        let db = try Database(path: path, mode: .readWrite, busyTimeoutMilliseconds: 10_000)
        try db.executeScript("PRAGMA foreign_keys = ON")
        return db
    }

    /// The owner entity id, or `nil` when the database has none (no stack, or an interrupted init).
    static func ownerEntityId(_ db: Database) throws -> String? {
        guard try db.exists("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'") else { return nil }
        return try db.fetchOne("SELECT value FROM meta WHERE key = 'owner_entity_id'") { $0.text(0) }
    }
}

/// Why a maintenance command failed.
public enum MaintenanceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// There is no stack in the directory.
    case noStack(String)
    /// `backup`'s destination exists and is not an empty directory.
    case destinationNotEmpty(String)
    /// `import`'s target already holds data.
    case stackNotEmpty(String)
    /// The export file is not one `stack export` wrote, or is damaged; `line` is 1-based.
    case invalidExport(line: Int, String)
    /// A blob the database refers to is not on disk.
    case missingBlob(String)
    /// A file could not be read or written.
    case io(String)

    public var description: String {
        switch self {
        case .noStack(let directory): "there is no stack in \(directory)"
        case .destinationNotEmpty(let path): "\(path) exists and is not an empty directory"
        case .stackNotEmpty(let directory): "the stack in \(directory) is not empty; import needs a new or just-initialised stack"
        case .invalidExport(let line, let message): "not a valid export (line \(line)): \(message)"
        case .missingBlob(let sha): "blob \(sha) is missing"
        case .io(let message): message
        }
    }
}
