import Foundation
import StackJSON
@testable import StackStore

/// A unique temporary directory per test, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "stack-store-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A database file in a fresh temporary directory, migrated through the schema's first `versions`
/// migrations (all of them when `nil`); closed and removed after `body`, which also gets its path.
func withMigratedDatabase<T>(through versions: Int? = nil, _ body: (Database, String) throws -> T) throws -> T {
    let dir = TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.path + "/stack.db"
    let db = try Database(path: path, mode: .create)
    defer { db.close() }
    let all = Schema.migrations.migrations
    try Migrations(versions.map { Array(all.prefix($0)) } ?? all).migrate(db)
    return try body(db, path)
}

/// A fresh stack in a temporary directory, with helpers to make principals.
struct TestStack {
    let directory: TemporaryDirectory
    let store: Store

    static func make(durability: Durability = .normal) async throws -> TestStack {
        let directory = TemporaryDirectory()
        let store = try await Store.create(at: directory.path, configuration: StoreConfiguration(durability: durability, readerCount: 2))
        return TestStack(directory: directory, store: store)
    }

    var owner: Principal { store.ownerPrincipal }

    /// A new entity (made by the owner) acting with `createGrants`.
    func entity(_ name: String, create: [String] = ["*"]) async throws -> Principal {
        let record = try await store.createRecord(NewRecord(type: "entity", content: ["name": .string(name)]), as: owner)
        return Principal(entityId: record.id, isOwner: false, createGrants: create)
    }

    /// Registers a permissive type `id`.
    @discardableResult
    func registerType(_ id: String = "note", schema: JSON = ["type": "object"]) async throws -> TypeDefinition {
        try await store.registerType(NewType(id: id, schema: schema), as: owner)
    }

    func close() async {
        await store.close()
        directory.remove()
    }
}

/// Runs `body` with a fresh stack, closing and removing it afterwards.
func withStack<T>(
    durability: Durability = .normal, _ body: (TestStack) async throws -> T
) async throws -> T {
    let stack = try await TestStack.make(durability: durability)
    do {
        let result = try await body(stack)
        await stack.close()
        return result
    } catch {
        await stack.close()
        throw error
    }
}

/// The error thrown by `body`, as a `StoreError` (nil if it did not throw or threw something else).
func storeError(_ body: () async throws -> Void) async -> StoreError? {
    do {
        try await body()
        return nil
    } catch let error as StoreError {
        return error
    } catch {
        return .storage("unexpected \(error)")
    }
}

extension StoreError {
    var isNotFound: Bool { if case .notFound = self { return true } else { return false } }
    var isForbidden: Bool { if case .forbidden = self { return true } else { return false } }
    var isConflict: Bool { if case .conflict = self { return true } else { return false } }
    var isInvalidRequest: Bool { if case .invalidRequest = self { return true } else { return false } }
}
