import StackJSON
import StackStore

/// Writes records as the API returns them straight into response bytes, byte for byte what
/// serializing ``Record/json`` gives (`{id, type, content, version, createdAt, updatedAt, createdBy,
/// deletedAt, permissions?}`, compact), without building a `JSON` value per record. A
/// ``StoredRecord``'s content and permissions are the store's own compact serialization and are
/// copied as they are.
enum RecordJSON {
    /// One record.
    static func render(_ record: Record) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        append(record, to: &out)
        return out
    }

    /// One stored record.
    static func render(_ record: StoredRecord) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(record.contentJSON.count + (record.permissionsJSON?.count ?? 0) + 220)
        append(record, to: &out)
        return out
    }

    /// A list page of records: `{"results": [...], "count": N, "nextCursor": "..." | null}`, as
    /// ``ListBody/json(_:nextCursor:)`` would serialize it.
    static func renderPage(_ records: [Record], nextCursor: String?) -> [UInt8] {
        renderPage(records, nextCursor: nextCursor, bytesPerRecord: 320) { append($0, to: &$1) }
    }

    /// A list page of stored records.
    static func renderPage(_ records: [StoredRecord], nextCursor: String?) -> [UInt8] {
        let contentBytes = records.reduce(0) { $0 + $1.contentJSON.count + ($1.permissionsJSON?.count ?? 0) }
        return renderPage(records, nextCursor: nextCursor, bytesPerRecord: 220 + contentBytes / max(1, records.count)) {
            append($0, to: &$1)
        }
    }

    private static func renderPage<Element>(
        _ records: [Element], nextCursor: String?, bytesPerRecord: Int, _ appendRecord: (Element, inout [UInt8]) -> Void
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + records.count * bytesPerRecord)
        out.append(contentsOf: #"{"results":["#.utf8)
        for index in records.indices {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendRecord(records[index], &out)
        }
        out.append(contentsOf: #"],"count":"#.utf8)
        appendInt(records.count, to: &out)
        out.append(contentsOf: #","nextCursor":"#.utf8)
        if let nextCursor { appendString(nextCursor, to: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(UInt8(ascii: "}"))
        return out
    }

    static func append(_ record: Record, to out: inout [UInt8]) {
        appendHead(id: record.id, type: record.type, to: &out)
        if !record.isContentHidden {
            out.append(contentsOf: #","content":"#.utf8)
            JSONSerializer.append(record.content, to: &out)
        }
        appendTail(
            version: record.version, createdAt: record.createdAt, updatedAt: record.updatedAt, createdBy: record.createdBy,
            deletedAt: record.deletedAt, to: &out)
        if let permissions = record.permissions {
            out.append(contentsOf: #","permissions":"#.utf8)
            JSONSerializer.append(Grant.json(permissions), to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    static func append(_ record: StoredRecord, to out: inout [UInt8]) {
        appendHead(id: record.id, type: record.type, to: &out)
        out.append(contentsOf: #","content":"#.utf8)
        out.append(contentsOf: record.contentJSON)
        appendTail(
            version: record.version, createdAt: record.createdAt, updatedAt: record.updatedAt, createdBy: record.createdBy,
            deletedAt: record.deletedAt, to: &out)
        if let permissions = record.permissionsJSON {
            out.append(contentsOf: #","permissions":"#.utf8)
            out.append(contentsOf: permissions)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `{"id":…,"type":…`
    private static func appendHead(id: String, type: String, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"id":"#.utf8)
        appendString(id, to: &out)
        out.append(contentsOf: #","type":"#.utf8)
        appendString(type, to: &out)
    }

    /// `,"version":…,"createdAt":…,"updatedAt":…,"createdBy":…,"deletedAt":…`
    private static func appendTail(
        version: Int, createdAt: Timestamp, updatedAt: Timestamp, createdBy: String, deletedAt: Timestamp?,
        to out: inout [UInt8]
    ) {
        out.append(contentsOf: #","version":"#.utf8)
        appendInt(version, to: &out)
        out.append(contentsOf: #","createdAt":"#.utf8)
        appendTimestamp(createdAt, to: &out)
        out.append(contentsOf: #","updatedAt":"#.utf8)
        appendTimestamp(updatedAt, to: &out)
        out.append(contentsOf: #","createdBy":"#.utf8)
        appendString(createdBy, to: &out)
        out.append(contentsOf: #","deletedAt":"#.utf8)
        if let deletedAt { appendTimestamp(deletedAt, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }

    /// A JSON string literal; text with nothing to escape (ids, types) is copied as is.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        let plain = text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        }
        guard plain == true else {
            JSONSerializer.appendString(text, to: &out)
            return
        }
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: text.utf8)
        out.append(UInt8(ascii: "\""))
    }

    /// An integer in decimal, as the JSON serializer writes integers.
    static func appendInt(_ value: Int, to out: inout [UInt8]) {
        guard value >= 0 else {
            out.append(contentsOf: String(value).utf8)
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
            UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var v = value
            var i = buffer.count
            repeat {
                i -= 1
                buffer[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0
            out.append(contentsOf: buffer[i...])
        }
    }

    /// `"2026-11-22T10:00:00.123Z"`, quoted, exactly as ``Timestamp/rfc3339`` writes it.
    static func appendTimestamp(_ time: Timestamp, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        time.appendRFC3339(to: &out)
        out.append(UInt8(ascii: "\""))
    }
}
