/// Numbered schema migrations, run at open inside one transaction each; `PRAGMA user_version`
/// records the last one applied.
package struct Migrations: Sendable {
    package struct Migration: Sendable {
        package var version: Int
        package var sql: String
        /// Work SQL alone cannot express, run after `sql` in the same transaction.
        package var code: (@Sendable (Database) throws -> Void)?

        package init(version: Int, sql: String, code: (@Sendable (Database) throws -> Void)? = nil) {
            self.version = version
            self.sql = sql
            self.code = code
        }
    }

    package var migrations: [Migration]

    package init(_ migrations: [Migration]) {
        precondition(migrations.enumerated().allSatisfy { $0.offset + 1 == $0.element.version }, "migrations are numbered 1, 2, 3…")
        self.migrations = migrations
    }

    /// The version a fully migrated database has.
    package var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies every migration newer than the database's `user_version`.
    /// - Throws: ``MigrationError/databaseIsNewer`` when the file was written by a newer program.
    package func migrate(_ db: Database) throws {
        let current = Int(try db.pragmaInt("user_version"))
        if current > latestVersion {
            throw MigrationError.databaseIsNewer(found: current, supported: latestVersion)
        }
        for migration in migrations where migration.version > current {
            try db.inTransaction(.immediate) { db in
                try db.executeScript(migration.sql)
                try migration.code?(db)
                try db.executeScript("PRAGMA user_version = \(migration.version)")
            }
        }
    }
}

/// Why a database could not be brought to the current schema.
package enum MigrationError: Error, Sendable, CustomStringConvertible {
    case databaseIsNewer(found: Int, supported: Int)

    package var description: String {
        switch self {
        case .databaseIsNewer(let found, let supported):
            return "the database has schema version \(found), newer than this program supports (\(supported)); use a newer version of stack"
        }
    }
}
