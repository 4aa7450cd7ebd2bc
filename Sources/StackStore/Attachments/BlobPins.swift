/// Which blobs uploads are placing and which deletions are removing, so that neither undoes the
/// other (SPEC §3 Attachments: "the bytes leave the disk once no other fileId shares them").
///
/// - An upload pins its blob's digest before it renames the file into place (or keeps an identical
///   one already there), and unpins it once its row is committed, or has failed.
/// - A deletion removes a blob only after a write job has found, in one step on the writer, that
///   no fileId refers to it and no upload pins it; it then claims the digest, and uploads of the
///   same bytes wait to pin it until the file is gone. An upload that pins after the removal finds
///   no file and places its own.
///
/// Every upload and deletion is settled at once; the startup clean-up only handles what a crash
/// left.
struct BlobPins {
    private var pins: [String: Int] = [:]
    /// Digest → the claim removing it. Claims are numbered so that a removal releases only its
    /// own, and a write job run again (a batch restarted) finds its claim still its own.
    private var removing: [String: UInt64] = [:]
    private var lastClaim: UInt64 = 0

    /// A number for a new claim.
    mutating func newClaim() -> UInt64 {
        lastClaim += 1
        return lastClaim
    }

    /// An upload is about to place blob `sha`. `false` while a deletion is removing that blob: the
    /// caller waits and tries again.
    mutating func pin(_ sha: String) -> Bool {
        guard removing[sha] == nil else { return false }
        pins[sha, default: 0] += 1
        return true
    }

    /// The upload that pinned `sha` committed its row or gave up.
    mutating func unpin(_ sha: String) {
        guard let count = pins[sha] else { return }
        pins[sha] = count > 1 ? count - 1 : nil
    }

    /// A deletion found no fileId referring to `sha`: it may remove the file unless an upload is
    /// placing it or another removal has claimed it. `true` claims the removal for `claim` until
    /// ``removed(_:claim:)``; asking again with the same claim is `true` again.
    mutating func claimForRemoval(_ sha: String, claim: UInt64) -> Bool {
        guard pins[sha] == nil else { return false }
        if let owner = removing[sha] { return owner == claim }
        removing[sha] = claim
        return true
    }

    /// The removal `claim` is over (done, or abandoned); another claim's is left alone.
    mutating func removed(_ sha: String, claim: UInt64) {
        if removing[sha] == claim { removing[sha] = nil }
    }

    /// Whether any upload pins `sha` (for tests).
    func isPinned(_ sha: String) -> Bool { pins[sha] != nil }
}
