/// SPEC §4 as SQL: predicates over a `records` row that the list, query and change layers embed,
/// so "may E read R" and "all records E may read" are both answered by indexed SQL.
///
/// Each predicate is a SQL fragment with `?` parameters and its arguments, in order.
package struct SQLFragment: Sendable {
    package var sql: String
    package var arguments: [DatabaseValue]

    package init(_ sql: String, _ arguments: [DatabaseValue] = []) {
        self.sql = sql
        self.arguments = arguments
    }

    static let alwaysTrue = SQLFragment("1")
}

package enum AccessRules {
    /// Whether the caller may read the row `alias` of `records` (deleted or not; callers add
    /// `deleted_at IS NULL` where soft-deleted records must be hidden).
    ///
    /// SPEC §4: the owner reads everything; anyone reads a public record; entity E reads R when R
    /// has an entity grant for E with `read`, a group grant with `read` for a group that lists E
    /// (`group_members` only holds owner-created, non-deleted groups), or E created R.
    package static func readable(_ alias: String, by principal: Principal?) -> SQLFragment {
        guard let principal else { return SQLFragment("\(alias).is_public = 1") }
        if principal.isOwner { return .alwaysTrue }
        let e = DatabaseValue.text(principal.entityId)
        return SQLFragment(
            """
            (\(alias).is_public = 1 OR \(alias).created_by = ? OR EXISTS (SELECT 1 FROM grants g \
            WHERE g.rid = \(alias).rid AND g.can_read = 1 AND ((g.kind = 'entity' AND g.subject = ?) \
            OR (g.kind = 'group' AND g.subject IN (SELECT m.group_id FROM group_members m WHERE m.entity_id = ?)))))
            """, [e, e, e])
    }

    /// The ids (`rid`) of the records the caller may read, as one indexed compound SELECT (public
    /// records, the caller's own, its entity grants, its groups' grants); `nil` for the owner, who
    /// reads everything. Same rule as ``readable(_:by:)``.
    package static func readableRids(by principal: Principal?) -> SQLFragment? {
        guard let principal else { return SQLFragment("SELECT p.rid AS rid FROM records p WHERE p.is_public = 1") }
        if principal.isOwner { return nil }
        let e = DatabaseValue.text(principal.entityId)
        return SQLFragment(
            """
            SELECT p.rid AS rid FROM records p WHERE p.is_public = 1 \
            UNION SELECT c.rid FROM records c WHERE c.created_by = ? \
            UNION SELECT g.rid FROM grants g WHERE g.subject = ? AND g.kind = 'entity' AND g.can_read = 1 \
            UNION SELECT g.rid FROM group_members m JOIN grants g ON g.subject = m.group_id AND g.kind = 'group' \
            WHERE m.entity_id = ? AND g.can_read = 1
            """, [e, e, e])
    }

    /// ``readable(_:by:)`` as membership in ``readableRids(by:)``.
    package static func readableSet(_ alias: String, by principal: Principal?) -> SQLFragment {
        guard let rids = readableRids(by: principal) else { return .alwaysTrue }
        return SQLFragment("\(alias).rid IN (\(rids.sql))", rids.arguments)
    }

    /// Whether the caller may write the row `alias` (SPEC §4: a grant with `write`, or the creator).
    package static func writable(_ alias: String, by principal: Principal?) -> SQLFragment {
        guard let principal else { return SQLFragment("0") }
        if principal.isOwner { return .alwaysTrue }
        let e = DatabaseValue.text(principal.entityId)
        return SQLFragment(
            """
            (\(alias).created_by = ? OR EXISTS (SELECT 1 FROM grants g \
            WHERE g.rid = \(alias).rid AND g.can_write = 1 AND ((g.kind = 'entity' AND g.subject = ?) \
            OR (g.kind = 'group' AND g.subject IN (SELECT m.group_id FROM group_members m WHERE m.entity_id = ?)))))
            """, [e, e, e])
    }

    /// Whether the caller may read and write record `rid`, in one query.
    static func access(rid: Int64, principal: Principal?, db: Database) throws -> (read: Bool, write: Bool) {
        // The owner reads and writes everything (both predicates are constant true): no query.
        if principal?.isOwner == true { return (true, true) }
        let read = readable("r", by: principal)
        let write = writable("r", by: principal)
        let args: StatementArguments = read.arguments + write.arguments + [rid]
        return try db.fetchOne("SELECT (\(read.sql)), (\(write.sql)) FROM records r WHERE r.rid = ?", args) {
            ($0.bool(0), $0.bool(1))
        } ?? (false, false)
    }
}
