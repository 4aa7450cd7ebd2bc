import Foundation
import StackJSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The export file (SPEC §7 `export`/`import`), documented in `docs/OPERATIONS.md`: JSON Lines
/// (UTF-8, one JSON object per line, `\n` after each). The first line is the header
/// `{"format": "stack-export", "formatVersion": 1, "exportedAt", "ownerEntityId"}`, the last is
/// `{"kind": "end", "counts": {…}}` (a file without it was cut short). Between them, objects
/// with a `kind`, in this order: `type`, `blob`, `attachment`, `record`, `association`, `token`.
/// Times are RFC 3339 with milliseconds in UTC; blob bytes are standard base64 (RFC 4648 §4).
enum ExportFormat {
    static let name = "stack-export"
    static let version: Int64 = 1

    enum Kind: String, CaseIterable {
        case type, blob, attachment, record, association, token
    }

    static func time(_ timestamp: Timestamp) -> JSON { .string(timestamp.rfc3339) }
    static func time(_ milliseconds: Int64?) -> JSON {
        milliseconds.map { .string(Timestamp(milliseconds: $0).rfc3339) } ?? .null
    }
}

/// Buffered writes of lines to a file descriptor (blocking: call off the cooperative pool).
final class LineWriter {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ json: JSON) throws {
        buffer += Array(json.serializedString().utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Appends bytes as they are (part of a line the caller assembles).
    func writeRaw<Bytes: Sequence>(_ bytes: Bytes) throws(BlobStoreError) where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func flush() throws(BlobStoreError) {
        let fd = fd
        let path = path
        var failure: BlobStoreError?
        buffer.withUnsafeBytes { bytes in
            do throws(BlobStoreError) { try BlobFileIO.writeAll(fd, bytes, path: path) } catch { failure = error }
        }
        if let failure { throw failure }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Reads `\n`-terminated lines of any length from a file (blocking).
final class LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private var line: UnsafeMutablePointer<CChar>?
    private var capacity = 0
    /// The 1-based number of the line last read.
    private(set) var number = 0

    init(path: String) throws {
        guard let file = fopen(path, "rb") else {
            throw MaintenanceError.io("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        self.file = file
    }

    deinit {
        free(line)
        fclose(file)
    }

    /// The next line's bytes without its `\n`, or `nil` at the end of the file.
    func next() -> [UInt8]? {
        let count = getline(&line, &capacity, file)
        guard count >= 0, let line else { return nil }
        number += 1
        var length = count
        if length > 0, line[length - 1] == 0x0A { length -= 1 }
        return line.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }
}
