/// Writes response heads and chunk framing. Owns the framing rules: the server, never the handler,
/// decides `Content-Length` / `Transfer-Encoding` / `Connection` (RFC 9112 §6, §9.6).
enum ResponseSerializer {
    /// How the body that follows the head is delimited.
    enum Framing: Equatable {
        /// `Content-Length: n`.
        case length(Int)
        /// `Transfer-Encoding: chunked`.
        case chunked
        /// No framing field at all (1xx, 204, 304: RFC 9110 §8.6, RFC 9112 §6.1).
        case none
        /// No framing field; the body ends when the connection closes (a body of unknown length
        /// to an HTTP/1.0 client, which does not understand chunked, RFC 9112 §6.1, §6.3 (8)).
        case closeDelimited
    }

    /// A field the handler set that cannot be sent safely (response splitting, RFC 9110 §5.5).
    struct InvalidField: Error {}

    /// Appends the status line and fields to `out`.
    ///
    /// - Throws: ``InvalidField`` when a name is not a token or a value contains CR, LF, NUL or
    ///   another control byte; `out` is then left unchanged.
    static func writeHead(
        status: HTTPStatus,
        headers: HTTPFields,
        framing: Framing,
        close: Bool,
        date: [UInt8],
        into out: inout [UInt8]
    ) throws(InvalidField) {
        let mark = out.count
        out.append(contentsOf: statusLine(status))
        out.append(contentsOf: date)
        for field in headers {
            var name = field.name
            var value = field.value
            let valid = name.withUTF8 { n -> Bool in
                guard !n.isEmpty else { return false }
                for b in n where !ByteClass.isTChar(b) { return false }
                if ByteClass.equalsIgnoringCase(n, "content-length") || ByteClass.equalsIgnoringCase(n, "transfer-encoding")
                    || ByteClass.equalsIgnoringCase(n, "connection") || ByteClass.equalsIgnoringCase(n, "date")
                {
                    return true  // replaced by the server's own framing below
                }
                return value.withUTF8 { v -> Bool in
                    for b in v where !ByteClass.isFieldValueByte(b) { return false }
                    out.append(contentsOf: n)
                    out.append(ByteClass.colon)
                    out.append(ByteClass.sp)
                    out.append(contentsOf: v)
                    out.append(ByteClass.cr)
                    out.append(ByteClass.lf)
                    return true
                }
            }
            if !valid {
                out.removeSubrange(mark...)
                throw InvalidField()
            }
        }
        switch framing {
        case .length(let n):
            out.append(contentsOf: contentLengthPrefix)
            appendDecimal(n, to: &out)
            out.append(ByteClass.cr)
            out.append(ByteClass.lf)
        case .chunked:
            out.append(contentsOf: chunkedField)
        case .none, .closeDelimited:
            break
        }
        if close { out.append(contentsOf: connectionClose) }
        out.append(ByteClass.cr)
        out.append(ByteClass.lf)
    }

    /// The framing for a response, given the body's known length and whether the request was
    /// HTTP/1.0 (which gets no chunked framing: a body of unknown length ends with the connection).
    static func framing(status: HTTPStatus, knownLength: Int?, http10: Bool = false) -> Framing {
        if status.forbidsBody { return .none }
        if let knownLength { return .length(knownLength) }
        return http10 ? .closeDelimited : .chunked
    }

    /// Appends one chunk of `bytes` (RFC 9112 §7.1).
    static func writeChunk(_ bytes: [UInt8], into out: inout [UInt8]) {
        appendHex(bytes.count, to: &out)
        out.append(ByteClass.cr)
        out.append(ByteClass.lf)
        out.append(contentsOf: bytes)
        out.append(ByteClass.cr)
        out.append(ByteClass.lf)
    }

    /// The last chunk with no trailers.
    static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)
    /// The interim response sent when a handler starts reading a body the client holds back.
    static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    private static let contentLengthPrefix: [UInt8] = Array("Content-Length: ".utf8)
    private static let chunkedField: [UInt8] = Array("Transfer-Encoding: chunked\r\n".utf8)
    private static let connectionClose: [UInt8] = Array("Connection: close\r\n".utf8)
    private static let commonStatusLines: [Int: [UInt8]] = {
        var lines: [Int: [UInt8]] = [:]
        for code in [200, 201, 204, 304, 400, 404, 405, 500] {
            lines[code] = Array("HTTP/1.1 \(code) \(HTTPStatus.defaultReason(code))\r\n".utf8)
        }
        return lines
    }()

    private static func statusLine(_ status: HTTPStatus) -> [UInt8] {
        if status.reasonPhrase == HTTPStatus.defaultReason(status.code), let line = commonStatusLines[status.code] {
            return line
        }
        // The reason phrase is sent only if it is safe (RFC 9112 §4: HTAB / SP / VCHAR / obs-text).
        let reason = status.reasonPhrase.utf8.allSatisfy { ByteClass.isFieldValueByte($0) } ? status.reasonPhrase : ""
        return Array("HTTP/1.1 \(status.code) \(reason)\r\n".utf8)
    }

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
            UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var v = value
        withUnsafeMutableBytes(of: &digits) { buf in
            while v > 0 {
                buf[count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(buf[i]) }
        }
    }

    static func appendHex(_ value: Int, to out: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        var shift = 60
        while shift > 0 && (value >> shift) & 0xF == 0 { shift -= 4 }
        while shift >= 0 {
            out.append(hex.utf8Start[(value >> shift) & 0xF])
            shift -= 4
        }
    }
}
