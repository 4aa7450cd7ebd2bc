import Foundation
import StackJSON

/// The Stack engine: records, versions, types, permissions, associations, tokens, attachments and
/// the change log over one SQLite database and a blob folder. Every operation takes "who is
/// asking" (a ``Principal``, `nil` for anonymous) and returns a result or throws a ``StoreError``.
///
/// ```swift
/// let store = try await Store.create(at: "/var/lib/stack")
/// let owner = store.ownerPrincipal
/// let note = try await store.createRecord(NewRecord(type: "entity", content: ["name": "Ann"]), as: owner)
/// let same = try await store.record(note.id, as: owner)
/// await store.close()
/// ```
public final class Store: Sendable {
    /// The data directory.
    public let directory: String
    /// The owner entity's id (SPEC §1).
    public let ownerEntityId: String
    public let configuration: StoreConfiguration

    let pool: DatabasePool
    /// Keeps `search.db`, the full-text index, on a thread of its own.
    let indexer: FullTextIndexer
    let types: TypeRegistry
    let notifier: ChangeNotifier
    let tokenUsage = Locked<[String: Int64]>([:])
    let isClosed = Locked(false)
    let blobs: BlobStore
    /// Blobs being placed by uploads and removed by deletions (``BlobPins``).
    let blobPins = Locked(BlobPins())

    static let databaseFileName = "stack.db"
    static let blobFolderName = "blobs"

    private init(
        directory: String, ownerEntityId: String, configuration: StoreConfiguration, pool: DatabasePool, indexer: FullTextIndexer,
        blobs: BlobStore, notifier: ChangeNotifier
    ) {
        self.indexer = indexer
        self.blobs = blobs
        self.directory = directory
        self.ownerEntityId = ownerEntityId
        self.configuration = configuration
        self.pool = pool
        self.types = TypeRegistry()
        self.notifier = notifier
    }

    /// The owner, as a principal (for the command line and for tests).
    public var ownerPrincipal: Principal {
        Principal(entityId: ownerEntityId, isOwner: true, tokenId: nil, createGrants: ["*"])
    }

    /// The database file's path.
    public var databasePath: String { (directory as NSString).appendingPathComponent(Store.databaseFileName) }
    /// The blob folder's path.
    public var blobDirectory: String { (directory as NSString).appendingPathComponent(Store.blobFolderName) }

    /// Where uploads are written before they are placed in ``blobDirectory``.
    public var uploadDirectory: String { blobs.temporaryDirectory }

    /// Whether a stack exists in `directory`.
    public static func exists(at directory: String) -> Bool {
        FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(databaseFileName))
    }

    /// Creates a stack in `directory` (which may exist and be empty): the database, the blob
    /// folder, the built-in types and the owner entity `{"name": ownerName}`.
    /// - Throws: ``StoreError/conflict(_:)`` when a stack is already there.
    public static func create(
        at directory: String, ownerName: String = "Owner", configuration: StoreConfiguration = StoreConfiguration()
    ) async throws -> Store {
        let blobPath = (directory as NSString).appendingPathComponent(blobFolderName)
        // An existing stack is detected inside the creating transaction (its owner row), so a file
        // left by a crash before that transaction committed does not block a new attempt.
        try await Blocking.run { try FileManager.default.createDirectory(atPath: blobPath, withIntermediateDirectories: true) }
        let now = Timestamp.now()
        let builtIns = try BuiltInTypeSource.definitions(at: now)
        // The owner entity is validated like any record before the stack exists.
        let ownerContent: JSON = ["name": .string(ownerName)]
        let validator = TypeRegistry()
        for definition in builtIns { try validator.insert(definition) }
        let ownerText = RecordText(ownerContent, type: try validator.validate(ownerContent, type: BuiltInTypeIDs.entity))
        let ownerId = RecordID.generate(at: now)
        let owner = Record(
            id: ownerId, type: BuiltInTypeIDs.entity, content: ownerContent, version: 1, createdAt: now, updatedAt: now,
            createdBy: ownerId, deletedAt: nil, permissions: [])
        let (pool, search) = try await openPool(directory: directory, configuration: configuration)
        do {
            // One transaction: a crash leaves either no stack or a complete one.
            try await pool.write { db in
                guard try !db.exists("SELECT 1 FROM meta WHERE key = 'owner_entity_id'") else {
                    throw StoreError.conflict("a stack already exists in this directory")
                }
                try db.execute("INSERT INTO meta (key, value) VALUES ('owner_entity_id', ?)", [ownerId])
                for definition in builtIns { try TypeRegistry.insertRow(definition, db: db) }
                let rid = try RecordRows.insert(owner, text: ownerText, db: db)
                _ = try RecordRows.appendChange(rid: rid, record: owner, operation: .create, at: now, db: db)
            }
        } catch {
            await pool.close()
            search.value?.close()
            throw StoreError.wrap(error)
        }
        let store = try await Store.finishOpening(directory: directory, pool: pool, search: search, configuration: configuration)
        return store
    }

    /// Opens the stack in `directory`, migrating its schema if needed, and removes what a crash
    /// may have left behind (temporary blob files, blobs no fileId refers to).
    /// - Throws: ``StoreError/notFound(_:)`` when there is no stack; ``StoreError/storage(_:)``
    ///   when the database is damaged or was written by a newer version.
    public static func open(at directory: String, configuration: StoreConfiguration = StoreConfiguration()) async throws -> Store {
        let dbPath = (directory as NSString).appendingPathComponent(databaseFileName)
        guard try await Blocking.run({ FileManager.default.fileExists(atPath: dbPath) }) else {
            throw StoreError.notFound("no stack in this directory")
        }
        let (pool, search) = try await openPool(directory: directory, configuration: configuration)
        return try await finishOpening(directory: directory, pool: pool, search: search, configuration: configuration)
    }

    /// Opens `search.db` (the readers attach it, so it comes first), then the pool over `stack.db`.
    private static func openPool(
        directory: String, configuration: StoreConfiguration
    ) async throws -> (DatabasePool, Handover<Database>) {
        let path = (directory as NSString).appendingPathComponent(databaseFileName)
        let searchPath = (directory as NSString).appendingPathComponent(FullTextIndex.fileName)
        let search: Handover<Database>
        do {
            search = try await Blocking.run { Handover(try FullTextIndexer.openDatabase(path: searchPath, busyTimeoutMilliseconds: 5000)) }
        } catch {
            throw StoreError.wrap(error)
        }
        do {
            var databaseConfiguration = DatabaseConfiguration(durability: configuration.durability, readerCount: configuration.readerCount)
            databaseConfiguration.readerAttachments = [(FullTextIndex.schemaName, searchPath)]
            let lifetime = configuration.idempotencyLifetimeMilliseconds
            databaseConfiguration.upkeep = { db in try IdempotencyRows.expire(olderThan: lifetime, db: db) }
            databaseConfiguration.upkeepInterval = 60
            return (try await DatabasePool.open(path: path, configuration: databaseConfiguration, migrations: Schema.migrations), search)
        } catch {
            search.value?.close()
            throw StoreError.wrap(error)
        }
    }

    private static func finishOpening(
        directory: String, pool: DatabasePool, search: Handover<Database>, configuration: StoreConfiguration
    ) async throws -> Store {
        var indexer: FullTextIndexer?
        do {
            let lifetime = configuration.idempotencyLifetimeMilliseconds
            let (owner, latest, definitions) = try await pool.write { db in
                guard let owner = try db.fetchOne("SELECT value FROM meta WHERE key = 'owner_entity_id'", [], { $0.text(0) }) else {
                    throw StoreError.storage("the database has no owner entity")
                }
                try IdempotencyRows.expire(olderThan: lifetime, db: db)
                // A bare max() reads one end of the table; wrapped in coalesce() it would scan it all.
                let latest = try db.fetchOne("SELECT max(seq) FROM changes") { $0.optionalInt64(0) }.flatMap { $0 } ?? 0
                let definitions = try TypeRegistry.loadAll(db: db)
                try TypeIndexes.reconcile(definitions, db: db)  // earlier versions' type indexes were not partial
                return (owner, latest, definitions)
            }
            let storePath = pool.path
            let notifier = ChangeNotifier(latest: latest)
            let started = try await Blocking.run {
                let db = search.value!
                search.value = nil
                do {
                    return try FullTextIndexer(database: db, storePath: storePath, interval: 0.05, latestChange: { notifier.latest })
                } catch {
                    db.close()
                    throw error
                }
            }
            indexer = started
            let blobs = try await BlobStore.open(dataDirectory: directory)
            let store = Store(
                directory: directory, ownerEntityId: owner, configuration: configuration, pool: pool, indexer: started, blobs: blobs,
                notifier: notifier)
            for definition in definitions { try store.types.insert(definition) }
            try await store.cleanUpAttachments()
            return store
        } catch {
            if let indexer {
                _ = try? await Blocking.run { indexer.stop() }
            } else {
                search.value?.close()
            }
            await pool.close()
            throw StoreError.wrap(error)
        }
    }

    /// Finishes queued writes and closes the database. Later calls fail with ``StoreError/unavailable``.
    public func close() async {
        let wasClosed = isClosed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        notifier.close()
        await pool.close()
        // Last: the indexer's connection is the only read-write one on `search.db` (the readers'
        // are read-only), so closing it last lets SQLite checkpoint and remove `search.db-wal`.
        let indexer = self.indexer
        _ = try? await Blocking.run { indexer.stop() }
    }

    /// The store's reader threads as a task executor. A task that prefers it
    /// (`withTaskExecutorPreference(store.readExecutor) { … }`) runs on those threads and its reads
    /// run inline on the connection of the thread it is on, without the two hops between threads a
    /// read otherwise costs (docs/ARCHITECTURE.md, "Threads"). Such a task holds a reader thread
    /// while it runs: use it for read-heavy work, not for long computations.
    public var readExecutor: any TaskExecutor { pool }

    /// Gives the calling thread a read-only connection of its own: from then on, point reads
    /// made on this thread (a record by id, a token) run inline on it instead of hopping to a
    /// reader thread and back. For an application's long-lived threads that serve many requests
    /// and never block for long, such as an HTTP server's event loops (StackAPI binds each of
    /// its loops); never call it from Swift's cooperative pool. Other reads still go to the
    /// reader threads. The connection closes with the store.
    public func bindReaderToCurrentThread() throws(StoreError) {
        do {
            try pool.bindReadConnectionToCurrentThread()
        } catch {
            throw StoreError.wrap(error)
        }
    }

    // MARK: Internal helpers

    /// Runs `body` in the next group-committed write transaction, mapping errors to ``StoreError``.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        guard !isClosed.withLock({ $0 }) else { throw .unavailable }
        do {
            return try await pool.write(body)
        } catch {
            throw StoreError.wrap(error)
        }
    }

    /// Runs `body` on the writer in a transaction of its own, not a savepoint of a shared batch:
    /// for bulk writes, whose one savepoint would grow a sub-journal that SQLite walks at every
    /// statement.
    func writeAlone<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        guard !isClosed.withLock({ $0 }) else { throw .unavailable }
        do {
            return try await pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) { db in try body(db) }
            }
        } catch {
            throw StoreError.wrap(error)
        }
    }

    /// Runs `body` on a reader, mapping errors to ``StoreError``. A `short` read (a row or two
    /// by key) runs inline on a thread bound with ``bindReaderToCurrentThread()``.
    func read<T: Sendable>(
        snapshot: Bool = true, short: Bool = false, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(StoreError) -> T {
        guard !isClosed.withLock({ $0 }) else { throw .unavailable }
        do {
            return try await pool.read(snapshot: snapshot, short: short, body)
        } catch {
            throw StoreError.wrap(error)
        }
    }

    /// Runs a database integrity check (`PRAGMA integrity_check`); returns SQLite's report lines,
    /// `["ok"]` when sound.
    public func integrityCheck() async throws -> [String] {
        try await read { db in try db.fetchAll("PRAGMA integrity_check") { $0.text(0) } }
    }

    /// Whether the database answers (for `/health`).
    public func isDatabaseHealthy() async -> Bool {
        (try? await read { db in try db.fetchOne("SELECT 1") { $0.int(0) } }) == 1
    }

    /// Whether a file can be created in the blob folder (for `/health`).
    public func isBlobFolderWritable() async -> Bool {
        guard let writer = try? await blobs.makeWriter(maxSize: 0) else { return false }
        await writer.abort()
        return true
    }
}
