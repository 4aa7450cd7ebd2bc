import StackJSON
import StackStore

/// How records go out: JSON with an `ETag` of their version (SPEC §2).
enum RecordResponses {
    static func record(_ record: Record, status: Int = 200) -> APIResponse {
        var response = APIResponse(
            status: status, headers: [("Content-Type", MediaTypes.json), ("ETag", Conditional.recordETag(version: record.version))],
            body: RecordJSON.render(record))
        if status == 201 { response.headers.append(("Location", "/records/" + PathEscaping.escape(record.id))) }
        return response
    }

    /// 304 when `If-None-Match` matches the record's current ETag, else the record.
    static func conditionalGet(_ record: Record, context: RequestContext) -> APIResponse {
        let etag = Conditional.recordETag(version: record.version)
        if Conditional.ifNoneMatchHits(context.request.header("If-None-Match"), current: etag) {
            return APIResponse(status: 304, headers: [("ETag", etag)])
        }
        return Self.record(record)
    }

    /// A list page of records (SPEC §2 Lists).
    static func page(_ page: Page<Record>) -> APIResponse {
        APIResponse(
            status: 200, headers: [("Content-Type", MediaTypes.json)],
            body: RecordJSON.renderPage(page.results, nextCursor: page.nextCursor))
    }

    /// A list page of stored records (SPEC §2 Lists).
    static func page(_ page: Page<StoredRecord>) -> APIResponse {
        APIResponse(
            status: 200, headers: [("Content-Type", MediaTypes.json)],
            body: RecordJSON.renderPage(page.results, nextCursor: page.nextCursor))
    }

    /// ``conditionalGet(_:context:)`` for a record read with its stored JSON text.
    static func conditionalGet(_ record: StoredRecord, context: RequestContext) -> APIResponse {
        let etag = Conditional.recordETag(version: record.version)
        if Conditional.ifNoneMatchHits(context.request.header("If-None-Match"), current: etag) {
            return APIResponse(status: 304, headers: [("ETag", etag)])
        }
        return APIResponse(status: 200, headers: [("Content-Type", MediaTypes.json), ("ETag", etag)], body: RecordJSON.render(record))
    }
}

/// Percent-escaping of one path segment (ids are URL-safe already; this is belt and braces).
enum PathEscaping {
    static func escape(_ segment: String) -> String {
        var out = ""
        for byte in segment.utf8 {
            let isUnreserved =
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
            if isUnreserved {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(digits[Int(byte >> 4)])
                out.unicodeScalars.append(digits[Int(byte & 0xF)])
            }
        }
        return out
    }
}
