/// Strict chunked transfer coding (RFC 9112 §7.1): `1*HEXDIG` sizes with an overflow check,
/// chunk extensions validated and ignored, CRLF required everywhere, trailers validated and discarded.
extension RequestParser {
    /// Finds the CRLF ending a line that starts at `start`, validating line bytes on the way.
    /// Returns the offset of CR from `start`, or nil if the line is not complete yet.
    private func findLineEnd(limit: Int, allowFieldBytes: Bool) throws(HTTPParseError) -> Int? {
        var i = start
        while i < buffer.count {
            let b = buffer[i]
            if b == ByteClass.cr {
                guard i + 1 < buffer.count else { return nil }
                guard buffer[i + 1] == ByteClass.lf else { throw .bad("bare CR in chunked framing") }
                return i - start
            }
            if b == ByteClass.lf { throw .bad("bare LF in chunked framing") }
            if !ByteClass.isFieldValueByte(b) { throw .bad("control byte in chunked framing") }
            i += 1
            if i - start > limit {
                if allowFieldBytes { throw HTTPParseError(.requestHeaderFieldsTooLarge, "trailer section too large") }
                throw .bad("chunk size line too long")
            }
        }
        return nil
    }

    mutating func parseChunkSize() throws(HTTPParseError) -> Event? {
        guard let lineLength = try findLineEnd(limit: limits.maxChunkLineBytes, allowFieldBytes: false) else {
            return nil
        }
        var size = 0
        var i = start
        let end = start + lineLength
        while i < end, let digit = ByteClass.hexValue(buffer[i]) {
            size = size << 4 | digit
            if size > (1 << 56) { throw .bad("chunk size overflow") }
            i += 1
        }
        guard i > start else { throw .bad("missing chunk size") }
        // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ); contents are ignored,
        // but only whitespace or ";" may follow the size.
        if i < end {
            var j = i
            while j < end, buffer[j] == ByteClass.sp || buffer[j] == ByteClass.htab { j += 1 }
            guard j < end, buffer[j] == UInt8(ascii: ";") else { throw .bad("invalid chunk size") }
        }
        start = end + 2
        if size == 0 {
            state = .trailers(consumed: 0)
            return try parseTrailers(consumed: 0)
        }
        state = .chunkData(remaining: size)
        return try next()
    }

    mutating func parseTrailers(consumed: Int) throws(HTTPParseError) -> Event? {
        var consumed = consumed
        while true {
            let remainingLimit = limits.maxTrailerBytes - consumed
            guard let lineLength = try findLineEnd(limit: max(0, remainingLimit), allowFieldBytes: true) else {
                state = .trailers(consumed: consumed)
                return nil
            }
            if lineLength == 0 {
                start += 2
                state = .head
                return .end
            }
            let first = buffer[start]
            if first == ByteClass.sp || first == ByteClass.htab { throw .bad("obsolete line folding in trailer") }
            var colon = start
            while colon < start + lineLength, ByteClass.isTChar(buffer[colon]) { colon += 1 }
            guard colon > start, colon < start + lineLength, buffer[colon] == ByteClass.colon else {
                throw .bad("invalid trailer field")
            }
            consumed += lineLength + 2
            if consumed > limits.maxTrailerBytes {
                throw HTTPParseError(.requestHeaderFieldsTooLarge, "trailer section too large")
            }
            start += lineLength + 2  // RFC 9112 §7.1.2: trailer fields are discarded.
        }
    }
}
