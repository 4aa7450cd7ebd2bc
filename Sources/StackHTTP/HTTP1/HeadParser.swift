/// Parses a complete request head whose line endings were already validated (CRLF only), and
/// derives the body framing (RFC 9112 §3, §5, §6).
enum HeadParser {
    static func parse(
        _ head: UnsafeBufferPointer<UInt8>,
        requestLineEnd: Int,
        limits: ParserLimits
    ) throws(HTTPParseError) -> RequestHead {
        // Request line: method SP request-target SP HTTP-version (RFC 9112 §3), single spaces only.
        let line = UnsafeBufferPointer(rebasing: head[0..<requestLineEnd])
        guard let sp1 = line.firstIndex(of: ByteClass.sp), sp1 > 0 else { throw .bad("malformed request line") }
        for i in 0..<sp1 where !ByteClass.isTChar(line[i]) { throw .bad("invalid method") }
        let afterMethod = sp1 + 1
        var sp2 = afterMethod
        while sp2 < line.count, line[sp2] != ByteClass.sp { sp2 += 1 }
        guard sp2 < line.count, sp2 > afterMethod else { throw .bad("malformed request line") }
        if sp2 - afterMethod > limits.maxTargetBytes { throw HTTPParseError(.uriTooLong, "request target too long") }
        for i in afterMethod..<sp2 where !ByteClass.isTargetByte(line[i]) { throw .bad("invalid request target") }
        let version = try parseVersion(UnsafeBufferPointer(rebasing: line[(sp2 + 1)...]))
        let method = HTTPMethod.fromToken(UnsafeBufferPointer(rebasing: line[0..<sp1]))
        let target = String(decoding: UnsafeBufferPointer(rebasing: line[afterMethod..<sp2]), as: UTF8.self)
        // RFC 9112 §3.2: origin-form, or asterisk-form for OPTIONS; absolute-form is accepted and
        // reduced to its path; authority-form (CONNECT) is not served.
        let first = line[afterMethod]
        var normalizedTarget = target
        if first != UInt8(ascii: "/") {
            if target == "*" && method == .OPTIONS {
            } else if let path = absoluteFormPath(target) {
                normalizedTarget = path
            } else if method == .CONNECT {
                throw HTTPParseError(.notImplemented, "CONNECT is not supported")
            } else {
                throw .bad("invalid request target form")
            }
        }

        var fields = HTTPFields()
        var framing = Framing()
        var index = requestLineEnd + 2
        var fieldCount = 0
        while index < head.count {
            var end = index
            while head[end] != ByteClass.cr { end += 1 }
            let fieldLine = UnsafeBufferPointer(rebasing: head[index..<end])
            index = end + 2
            fieldCount += 1
            if fieldCount > limits.maxHeaderCount {
                throw HTTPParseError(.requestHeaderFieldsTooLarge, "too many header fields")
            }
            try parseField(fieldLine, into: &fields, framing: &framing)
        }
        return try framing.makeHead(method: method, target: normalizedTarget, version: version, fields: fields)
    }

    private static func parseVersion(_ v: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        // HTTP-version = "HTTP" "/" DIGIT "." DIGIT (RFC 9112 §2.3), case-sensitive.
        guard v.count == 8, v[0] == 0x48, v[1] == 0x54, v[2] == 0x54, v[3] == 0x50, v[4] == 0x2F, v[6] == 0x2E,
            (0x30...0x39).contains(v[5]), (0x30...0x39).contains(v[7])
        else { throw .bad("malformed HTTP version") }
        let major = Int(v[5] - 0x30)
        let minor = Int(v[7] - 0x30)
        guard major == 1 else { throw HTTPParseError(.httpVersionNotSupported, "unsupported HTTP major version") }
        return HTTPVersion(major: 1, minor: minor)
    }

    private static func absoluteFormPath(_ target: String) -> String? {
        let lower = target.lowercased()
        let schemeLength: Int
        if lower.hasPrefix("http://") {
            schemeLength = 7
        } else if lower.hasPrefix("https://") {
            schemeLength = 8
        } else {
            return nil
        }
        let rest = target.utf8.dropFirst(schemeLength)
        guard let slash = rest.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }) else {
            return "/"
        }
        let path = String(Substring(target.utf8[slash...]))
        return path.hasPrefix("?") ? "/" + path : path
    }

    private static func parseField(
        _ line: UnsafeBufferPointer<UInt8>,
        into fields: inout HTTPFields,
        framing: inout Framing
    ) throws(HTTPParseError) {
        // RFC 9112 §5.2: obs-fold is rejected.
        if line[0] == ByteClass.sp || line[0] == ByteClass.htab { throw .bad("obsolete line folding") }
        var colon = 0
        while colon < line.count, ByteClass.isTChar(line[colon]) { colon += 1 }
        // RFC 9112 §5.1: no whitespace between field name and colon; names are tokens.
        guard colon > 0, colon < line.count, line[colon] == ByteClass.colon else { throw .bad("invalid field name") }
        var valueStart = colon + 1
        var valueEnd = line.count
        while valueStart < valueEnd, line[valueStart] == ByteClass.sp || line[valueStart] == ByteClass.htab {
            valueStart += 1
        }
        while valueEnd > valueStart, line[valueEnd - 1] == ByteClass.sp || line[valueEnd - 1] == ByteClass.htab {
            valueEnd -= 1
        }
        for i in valueStart..<valueEnd where !ByteClass.isFieldValueByte(line[i]) {
            throw .bad("invalid byte in field value")  // RFC 9110 §5.5: no CTL, NUL or DEL
        }
        let name = UnsafeBufferPointer(rebasing: line[0..<colon])
        let value = UnsafeBufferPointer(rebasing: line[valueStart..<valueEnd])
        try framing.observe(name: name, value: value)
        fields.appendField(
            HTTPFields.Field(
                name: String(decoding: name, as: UTF8.self),
                value: String(decoding: value, as: UTF8.self)
            )
        )
    }
}
