import StackStore

/// The engine calls of `backup`, `export`, `import` and `check` (SPEC §7), which work on the data
/// directory itself, never through an open store, so that they can run beside `stack serve`.
extension Engine {
    static func backup(dataDirectory: String, to destination: String) async throws -> BackupSummary {
        try await maintenance(dataDirectory) { try await Maintenance.backup(dataDirectory: dataDirectory, to: destination) }
    }

    static func export(dataDirectory: String, to path: String?) async throws -> TransferSummary {
        try await maintenance(dataDirectory) { try await Maintenance.export(dataDirectory: dataDirectory, to: path) }
    }

    static func importStack(from path: String, dataDirectory: String) async throws -> TransferSummary {
        try await maintenance(dataDirectory) { try await Maintenance.importStack(from: path, into: dataDirectory) }
    }

    static func check(dataDirectory: String) async throws -> CheckReport {
        try await maintenance(dataDirectory) { try await Maintenance.check(dataDirectory: dataDirectory) }
    }

    /// Runs `body`, turning its errors into one-line command failures.
    private static func maintenance<T: Sendable>(_ dataDirectory: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch MaintenanceError.noStack {
            throw CLIError.failure("there is no stack in \(dataDirectory); run 'stack init' first")
        } catch let error as MaintenanceError {
            throw CLIError.failure(error.description)
        } catch {
            throw CLIError.failure(String(describing: error))
        }
    }
}
