/// Collects the fields that decide message framing and connection handling while a head is
/// parsed, then applies RFC 9112 §6.3's rules strictly (no request smuggling).
struct Framing {
    var contentLength: Int? = nil
    var transferCodings: [String] = []
    var sawTransferEncoding = false
    var connectionClose = false
    var connectionKeepAlive = false
    var expectContinue = false
    var unknownExpectation = false
    var hostCount = 0

    mutating func observe(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) {
        switch name.count {
        case 4 where ByteClass.equalsIgnoringCase(name, "host"):
            hostCount += 1
            // RFC 9112 §3.2: a Host with an invalid value is a 400, like a missing one.
            guard Framing.isValidHost(value) else { throw .bad("invalid Host") }
        case 6 where ByteClass.equalsIgnoringCase(name, "expect"):
            if ByteClass.equalsIgnoringCase(value, "100-continue") {
                expectContinue = true
            } else {
                unknownExpectation = true
            }
        case 10 where ByteClass.equalsIgnoringCase(name, "connection"):
            for token in Framing.listElements(value) {
                if token == "close" { connectionClose = true }
                if token == "keep-alive" { connectionKeepAlive = true }
            }
        case 14 where ByteClass.equalsIgnoringCase(name, "content-length"):
            // RFC 9110 §8.6: Content-Length = 1*DIGIT. Signs, spaces, lists and overflow are refused.
            guard value.count > 0, value.count <= 18 else { throw .bad("invalid Content-Length") }
            var n = 0
            for b in value {
                guard b >= 0x30 && b <= 0x39 else { throw .bad("invalid Content-Length") }
                n = n * 10 + Int(b - 0x30)
            }
            // RFC 9112 §6.3 (5): differing repeated values are unrecoverable; identical repeats are
            // accepted as RFC 9110 §8.6 permits.
            if let existing = contentLength, existing != n { throw .bad("conflicting Content-Length") }
            contentLength = n
        case 17 where ByteClass.equalsIgnoringCase(name, "transfer-encoding"):
            sawTransferEncoding = true
            transferCodings.append(contentsOf: Framing.listElements(value))
        default:
            break
        }
    }

    /// RFC 9110 §7.2: `Host = uri-host [ ":" port ]`, where `uri-host` is an IP literal in
    /// brackets or a reg-name (unreserved, sub-delims and percent-encoded octets; an IPv4 address
    /// is one too) and `port` at most five digits. Empty is allowed (RFC 9112 §3.2, an authority-less
    /// target).
    static func isValidHost(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = value.count
        if count > 0, value[0] == UInt8(ascii: "[") {
            // IP-literal: hex digits, `:` and `.` (IPv6 and IPvFuture's usual spelling).
            index = 1
            while index < count, value[index] != UInt8(ascii: "]") {
                let b = value[index]
                guard (ByteClass.hexValue(b) != nil) || b == UInt8(ascii: ":") || b == UInt8(ascii: ".") || b == UInt8(ascii: "v") else {
                    return false
                }
                index += 1
            }
            guard index < count, index > 1 else { return false }
            index += 1
        } else {
            while index < count, value[index] != UInt8(ascii: ":") {
                let b = value[index]
                if b == UInt8(ascii: "%") {
                    guard index + 2 < count, (ByteClass.hexValue(value[index + 1]) != nil), (ByteClass.hexValue(value[index + 2]) != nil) else {
                        return false
                    }
                    index += 3
                    continue
                }
                guard isRegNameByte(b) else { return false }
                index += 1
            }
        }
        guard index < count else { return true }
        // `:` port, at most five digits (a port is 0–65535).
        guard value[index] == UInt8(ascii: ":") else { return false }
        let digits = count - index - 1
        guard digits <= 5 else { return false }
        for i in (index + 1)..<count where !(value[i] >= 0x30 && value[i] <= 0x39) { return false }
        return true
    }

    /// unreserved / sub-delims (RFC 3986 §2.2, §2.3).
    private static func isRegNameByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): return true
        case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
            return true
        default: return false
        }
    }

    func makeHead(method: HTTPMethod, target: String, version: HTTPVersion, fields: HTTPFields) throws(HTTPParseError)
        -> RequestHead
    {
        // RFC 9112 §3.2: a 1.1 request has exactly one Host; more than one is always refused.
        if hostCount > 1 || (hostCount == 0 && version.minor >= 1) { throw .bad("missing or repeated Host") }
        var bodyFraming = RequestHead.BodyFraming.none
        if sawTransferEncoding {
            // RFC 9112 §6.1: CL together with TE is a smuggling vector; we refuse rather than pick one.
            if contentLength != nil { throw .bad("both Content-Length and Transfer-Encoding") }
            // RFC 9112 §6.1: TE in an HTTP/1.0 request means faulty framing.
            if version.minor == 0 { throw .bad("Transfer-Encoding in HTTP/1.0") }
            // RFC 9112 §6.3 (4): chunked must be the final coding, and only once.
            guard transferCodings.last == "chunked" else { throw .bad("Transfer-Encoding not ending in chunked") }
            if transferCodings.dropLast().contains("chunked") { throw .bad("chunked applied twice") }
            if transferCodings.count > 1 { throw HTTPParseError(.notImplemented, "unsupported transfer coding") }
            bodyFraming = .chunked
        } else if let contentLength, contentLength > 0 {
            bodyFraming = .length(contentLength)
        }
        if unknownExpectation { throw HTTPParseError(.expectationFailed, "unsupported expectation") }
        // RFC 9112 §9.3: 1.1 is persistent unless "close"; we answer 1.0 and close.
        let keepAlive = version.minor >= 1 && !connectionClose
        return RequestHead(
            method: method,
            target: target,
            version: version,
            headers: fields,
            framing: bodyFraming,
            keepAlive: keepAlive,
            // RFC 9110 §10.1.1: a 1.0 client's 100-continue is ignored.
            expectsContinue: expectContinue && version.minor >= 1 && bodyFraming != .none
        )
    }

    /// Lowercased, OWS-trimmed, non-empty elements of a comma-separated list (RFC 9110 §5.6.1).
    static func listElements(_ value: UnsafeBufferPointer<UInt8>) -> [String] {
        String(decoding: value, as: UTF8.self).lowercased().split(separator: ",").compactMap {
            let t = $0.trimmingOWS()
            return t.isEmpty ? nil : String(t)
        }
    }
}
