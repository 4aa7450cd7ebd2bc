/// Stack's database schema, one constant per migration (see ``Migrations``).
///
/// Design (documented in the StackStore report and `docs/ARCHITECTURE.md`):
/// - `records` holds the current state of each record in its own row (SPEC §1), so reading a
///   record never touches `versions`. `rid` is the internal integer key every other table uses;
///   `id` is the public id; AUTOINCREMENT keeps an erased record's `rid` from being reused (the
///   change log still names it). Times are milliseconds since the Unix epoch.
/// - `versions` holds immutable snapshots keyed by `(rid, version)`, of every version but the
///   current one, which is the `records` row itself (with `version_at`, `version_by`,
///   `version_op`; since version 6). `record_versions` reads both as one.
/// - `grants` holds entity and group grants; a public grant is the `is_public` column of
///   `records`, the record's grant list as given is `records.permissions` (JSON).
///   `group_members` lists, for every owner-created non-deleted `group` record, its members, kept
///   in sync on every write to a group. Together they make "may E read R" an indexed predicate
///   (see `AccessRules`).
/// - `records.indexed` is the content cut down to the paths its type indexes, over which the
///   types' indexes are built (since version 8, ``IndexedValues``).
/// - `changes` is the append-only event log (`seq` never reused: no event is ever deleted; until
///   version 9 also thanks to AUTOINCREMENT).
enum Schema {
    static let migrations = Migrations([
        .init(version: 1, sql: version1),
        .init(version: 2, sql: version2),
        .init(version: 3, sql: version3),
        .init(version: 4, sql: version4),
        .init(version: 5, sql: version5),
        .init(version: 6, sql: version6),
        .init(version: 7, sql: "", code: version7),
        .init(version: 8, sql: version8),
        .init(version: 9, sql: "", code: version9),
    ])

    static let version1 = """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE types (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT,
            description TEXT,
            schema TEXT NOT NULL,
            indexes TEXT NOT NULL DEFAULT '[]',
            built_in INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE records (
            rid INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL REFERENCES types(id),
            content TEXT NOT NULL,
            version INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            deleted_at INTEGER,
            is_public INTEGER NOT NULL DEFAULT 0,
            permissions TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX records_by_created ON records(created_at, rid);
        CREATE INDEX records_by_updated ON records(updated_at, rid);
        CREATE INDEX records_by_type_created ON records(type, created_at, rid);
        CREATE INDEX records_by_type_updated ON records(type, updated_at, rid);
        CREATE INDEX records_by_creator ON records(created_by, created_at, rid);
        CREATE INDEX records_public ON records(is_public) WHERE is_public = 1;

        CREATE TABLE versions (
            rid INTEGER NOT NULL REFERENCES records(rid) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            content TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            operation TEXT NOT NULL,
            PRIMARY KEY (rid, version)
        ) WITHOUT ROWID;

        CREATE TABLE grants (
            rid INTEGER NOT NULL REFERENCES records(rid) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('entity', 'group')),
            subject TEXT NOT NULL,
            can_read INTEGER NOT NULL,
            can_write INTEGER NOT NULL,
            PRIMARY KEY (rid, kind, subject)
        ) WITHOUT ROWID;
        CREATE INDEX grants_by_subject ON grants(subject, kind, rid);

        CREATE TABLE group_members (
            group_id TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            group_rid INTEGER NOT NULL REFERENCES records(rid) ON DELETE CASCADE,
            PRIMARY KEY (entity_id, group_id)
        ) WITHOUT ROWID;
        CREATE INDEX group_members_by_group ON group_members(group_rid);

        CREATE TABLE associations (
            source_rid INTEGER NOT NULL REFERENCES records(rid) ON DELETE CASCADE,
            relation TEXT NOT NULL,
            target_rid INTEGER NOT NULL REFERENCES records(rid) ON DELETE CASCADE,
            created_at INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            PRIMARY KEY (source_rid, relation, target_rid)
        ) WITHOUT ROWID;
        CREATE INDEX associations_by_target ON associations(target_rid, relation, source_rid);

        CREATE TABLE tokens (
            id TEXT PRIMARY KEY NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            create_grants TEXT NOT NULL DEFAULT '[]',
            expires_at INTEGER,
            created_at INTEGER NOT NULL,
            last_used_at INTEGER
        ) WITHOUT ROWID;

        CREATE TABLE attachments (
            file_id TEXT PRIMARY KEY NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            content_type TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            created_by TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX attachments_by_sha256 ON attachments(sha256);

        CREATE TABLE file_refs (
            file_id TEXT NOT NULL REFERENCES attachments(file_id) ON DELETE CASCADE,
            rid INTEGER NOT NULL REFERENCES records(rid) ON DELETE CASCADE,
            PRIMARY KEY (file_id, rid)
        ) WITHOUT ROWID;
        CREATE INDEX file_refs_by_record ON file_refs(rid);

        CREATE TABLE changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            rid INTEGER,
            record_id TEXT NOT NULL,
            type TEXT NOT NULL,
            version INTEGER NOT NULL,
            operation TEXT NOT NULL
                CHECK (operation IN ('create', 'update', 'delete', 'restore', 'permissions', 'erase')),
            at INTEGER NOT NULL
        );

        CREATE TABLE idempotency (
            entity_id TEXT NOT NULL,
            key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            status INTEGER NOT NULL,
            headers TEXT NOT NULL,
            body BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (entity_id, key)
        ) WITHOUT ROWID;
        CREATE INDEX idempotency_by_created ON idempotency(created_at);
        """
}

// MARK: - Version 2: full-text search (added by the query helper; SPEC §5 `q`)

extension Schema {
    /// `records_fts` indexes each record's content string values (object keys are not indexed),
    /// one FTS5 row per record with `rowid = records.rid`. Triggers keep it current on every
    /// write path (create, patch, restore, import: any change of `records.content`) and drop the
    /// row on hard delete, so no Swift code has to remember it. Soft-deleted records keep their
    /// row; queries filter them out by `deleted_at`. Needs SQLite with FTS5 (Debian, macOS).
    static let version2 = """
        CREATE VIRTUAL TABLE records_fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');

        CREATE TRIGGER records_fts_insert AFTER INSERT ON records BEGIN
            INSERT INTO records_fts (rowid, body)
            VALUES (NEW.rid, (SELECT group_concat(value, ' ') FROM json_tree(NEW.content) WHERE type = 'text'));
        END;

        CREATE TRIGGER records_fts_update AFTER UPDATE OF content ON records BEGIN
            DELETE FROM records_fts WHERE rowid = OLD.rid;
            INSERT INTO records_fts (rowid, body)
            VALUES (NEW.rid, (SELECT group_concat(value, ' ') FROM json_tree(NEW.content) WHERE type = 'text'));
        END;

        CREATE TRIGGER records_fts_delete AFTER DELETE ON records BEGIN
            DELETE FROM records_fts WHERE rowid = OLD.rid;
        END;

        INSERT INTO records_fts (rowid, body)
        SELECT r.rid, (SELECT group_concat(t.value, ' ') FROM json_tree(r.content) t WHERE t.type = 'text') FROM records r;
        """
}

// MARK: - Version 3: full-text index kept by the writer's upkeep, not per write

extension Schema {
    /// Version 2's triggers updated `records_fts` inside every write's savepoint; FTS5 flushes its
    /// pending terms to a new segment at every savepoint, so each write made a tiny segment, then
    /// merges, and the table stored a second copy of every record's text to delete it later.
    ///
    /// Now `records_fts` is contentless (`content=''`, no copy; `columnsize=0`, no per-row sizes,
    /// which only ranking would need) and the triggers only note, in `fts_pending`, each record
    /// whose content changed since the index last saw it, with the text the index holds for it
    /// (`indexed_body`, NULL when it holds none yet): a contentless table deletes a row only when
    /// given the text it indexed. The writer's upkeep (``FullTextIndex``) applies the notes in
    /// bulk. Every existing record is noted here, so the first upkeep re-indexes them all.
    static let version3 = """
        DROP TRIGGER records_fts_insert;
        DROP TRIGGER records_fts_update;
        DROP TRIGGER records_fts_delete;
        DROP TABLE records_fts;

        CREATE VIRTUAL TABLE records_fts USING fts5(
            body, content = '', columnsize = 0, tokenize = 'unicode61 remove_diacritics 2');
        -- Merge 16 segments of a level at a time instead of 4: each indexed word is rewritten
        -- about half as often as the index grows; a search reads a few more segments.
        INSERT INTO records_fts (records_fts, rank) VALUES ('automerge', 16);

        CREATE TABLE fts_pending (rid INTEGER PRIMARY KEY, indexed_body TEXT);
        INSERT INTO fts_pending (rid) SELECT rid FROM records;

        CREATE TRIGGER records_fts_insert AFTER INSERT ON records BEGIN
            INSERT OR IGNORE INTO fts_pending (rid) VALUES (NEW.rid);
        END;

        CREATE TRIGGER records_fts_update AFTER UPDATE OF content ON records
        WHEN NOT EXISTS (SELECT 1 FROM fts_pending WHERE rid = OLD.rid) BEGIN
            INSERT INTO fts_pending (rid, indexed_body)
            VALUES (OLD.rid, (SELECT group_concat(value, ' ') FROM json_tree(OLD.content) WHERE type = 'text'));
        END;

        CREATE TRIGGER records_fts_delete AFTER DELETE ON records
        WHEN NOT EXISTS (SELECT 1 FROM fts_pending WHERE rid = OLD.rid) BEGIN
            INSERT INTO fts_pending (rid, indexed_body)
            VALUES (OLD.rid, (SELECT group_concat(value, ' ') FROM json_tree(OLD.content) WHERE type = 'text'));
        END;
        """
}

// MARK: - Version 4: the full-text index moves to search.db

extension Schema {
    /// Versions 2 and 3 kept the full-text index in this file, updated by the writer (through
    /// triggers, then its upkeep): a fifth of the cost of a create or a patch. It now lives in
    /// `search.db`, kept by a thread of its own from the change log (``FullTextIndex``), which
    /// builds it afresh from the records the first time.
    static let version4 = """
        DROP TRIGGER records_fts_insert;
        DROP TRIGGER records_fts_update;
        DROP TRIGGER records_fts_delete;
        DROP TABLE records_fts;
        DROP TABLE fts_pending;
        """
}

// MARK: - Version 5: leftovers of a development build

extension Schema {
    /// A development build (commit 45e5bb0, never released) had another version 4, which kept
    /// the index in this file with a table `fts_state` and two triggers; a database it migrated
    /// never runs the version 4 above. This removes whatever of either is left.
    static let version5 = """
        DROP TRIGGER IF EXISTS records_fts_insert;
        DROP TRIGGER IF EXISTS records_fts_update;
        DROP TRIGGER IF EXISTS records_fts_delete;
        DROP TABLE IF EXISTS records_fts;
        DROP TABLE IF EXISTS fts_pending;
        DROP TABLE IF EXISTS fts_state;
        """
}

// MARK: - Version 6: the current version lives in `records` only

extension Schema {
    /// Until now `versions` held every version, the current one included: each create and each
    /// write stored the content twice (in `records` and in `versions`), a sixth of a create's cost
    /// on the writer and about 380 MB per million records. Now `versions` holds the earlier
    /// versions only; the current one is the `records` row, whose new columns say when, by whom
    /// and by what operation it was made (`version_at`, `version_by`, `version_op`; `updated_at`
    /// is not enough: a soft delete or a change of permissions moves it without making a
    /// version). A write that makes a new version first copies the current one into `versions`.
    /// `record_versions` is the union both are read through.
    ///
    /// A record whose current version row is missing (which no code path produces) keeps its
    /// `updated_at` and `created_by` as the version's time and author, and `create` (version 1)
    /// or `update` as its operation.
    static let version6 = """
        ALTER TABLE records ADD COLUMN version_at INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE records ADD COLUMN version_by TEXT NOT NULL DEFAULT '';
        ALTER TABLE records ADD COLUMN version_op TEXT NOT NULL DEFAULT 'create'
            CHECK (version_op IN ('create', 'update', 'restore'));

        UPDATE records SET version_at = updated_at, version_by = created_by,
            version_op = CASE WHEN version = 1 THEN 'create' ELSE 'update' END;
        UPDATE records SET version_at = v.created_at, version_by = v.created_by, version_op = v.operation
        FROM versions v WHERE v.rid = records.rid AND v.version = records.version;
        DELETE FROM versions WHERE (rid, version) IN (SELECT rid, version FROM records);

        CREATE VIEW record_versions (rid, version, content, created_at, created_by, operation) AS
            SELECT rid, version, content, created_at, created_by, operation FROM versions
            UNION ALL
            SELECT rid, version, content, version_at, version_by, version_op FROM records;
        """
}
