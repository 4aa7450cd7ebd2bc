import StackJSON

/// A directed, named link between two records (SPEC §1): `{sourceId, relation, targetId, createdAt, createdBy}`.
public struct Association: Sendable, Hashable {
    public var sourceId: String
    public var relation: String
    public var targetId: String
    public var createdAt: Timestamp
    public var createdBy: String

    public var json: JSON {
        [
            "sourceId": .string(sourceId), "relation": .string(relation), "targetId": .string(targetId),
            "createdAt": .string(createdAt.rfc3339), "createdBy": .string(createdBy),
        ]
    }

    /// Whether `relation` matches `^[A-Za-z][A-Za-z0-9_.:-]{0,63}$` (SPEC §3 associations).
    public static func isValidRelation(_ relation: String) -> Bool {
        let bytes = Array(relation.utf8)
        guard !bytes.isEmpty, bytes.count <= 64 else { return false }
        for (i, c) in bytes.enumerated() {
            let alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
            if i == 0 {
                guard alpha else { return false }
            } else {
                let ok = alpha || (c >= 48 && c <= 57) || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
                    || c == UInt8(ascii: ":") || c == UInt8(ascii: "-")
                guard ok else { return false }
            }
        }
        return true
    }
}

/// Which associations of a record to list.
public enum AssociationDirection: String, Sendable, Hashable {
    /// Links from the record to others.
    case out
    /// Links from others to the record.
    case `in`
    /// Both.
    case both
}

/// The outcome of adding an association: the link, and whether it is new (201) or existed (200).
public struct AssociationResult: Sendable, Hashable {
    public var association: Association
    public var created: Bool

    public init(association: Association, created: Bool) {
        self.association = association
        self.created = created
    }
}
