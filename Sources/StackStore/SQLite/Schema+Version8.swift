// MARK: - Version 8: the types' indexes move to `records.indexed`

extension Schema {
    /// The types' indexes were built over expressions of `content`, so every patch rewrote the
    /// record's entry in each of its type's indexes, even when no indexed value changed: one more
    /// random page written per patch. They are now built over `indexed`, the content cut down to
    /// the type's index paths (``IndexedValues``), which a patch sets only when it changes.
    ///
    /// The column starts out `NULL`. At the same open, ``TypeIndexes/reconcile(_:db:)`` finds
    /// every type index defined differently from now, drops it, fills `indexed` for the records of
    /// its type and builds it again, in the same transaction as the rest of the opening's upkeep:
    /// on a stack of a million records, about half a minute once.
    static let version8 = """
        ALTER TABLE records ADD COLUMN indexed TEXT;
        """
}
