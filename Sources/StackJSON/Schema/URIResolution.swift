/// A URI reference split into its five components (RFC 3986 §3), with reference resolution
/// (RFC 3986 §5.2) written by hand so that `$id`/`$ref` resolution has no platform quirks.
struct URIReference: Equatable, Sendable {
    var scheme: String?
    var authority: String?
    var path: String
    var query: String?
    var fragment: String?

    /// Splits `text` with the grammar of RFC 3986 Appendix B:
    /// `^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?`
    init(parsing text: String) {
        let bytes = Array(text.utf8)
        var i = 0
        func string(_ from: Int, _ to: Int) -> String { String(decoding: bytes[from..<to], as: UTF8.self) }
        // scheme: a non-empty run of characters other than : / ? # followed by ':'
        var j = 0
        while j < bytes.count, bytes[j] != 0x3A, bytes[j] != 0x2F, bytes[j] != 0x3F, bytes[j] != 0x23 { j += 1 }
        if j > 0, j < bytes.count, bytes[j] == 0x3A {
            scheme = string(0, j)
            i = j + 1
        } else {
            scheme = nil
        }
        if i + 1 < bytes.count, bytes[i] == 0x2F, bytes[i + 1] == 0x2F {
            var k = i + 2
            while k < bytes.count, bytes[k] != 0x2F, bytes[k] != 0x3F, bytes[k] != 0x23 { k += 1 }
            authority = string(i + 2, k)
            i = k
        } else {
            authority = nil
        }
        var k = i
        while k < bytes.count, bytes[k] != 0x3F, bytes[k] != 0x23 { k += 1 }
        path = string(i, k)
        i = k
        if i < bytes.count, bytes[i] == 0x3F {
            k = i + 1
            while k < bytes.count, bytes[k] != 0x23 { k += 1 }
            query = string(i + 1, k)
            i = k
        } else {
            query = nil
        }
        if i < bytes.count, bytes[i] == 0x23 {
            fragment = string(i + 1, bytes.count)
        } else {
            fragment = nil
        }
    }

    init(scheme: String?, authority: String?, path: String, query: String?, fragment: String?) {
        self.scheme = scheme
        self.authority = authority
        self.path = path
        self.query = query
        self.fragment = fragment
    }

    /// Recomposes the reference (RFC 3986 §5.3).
    var string: String {
        var out = ""
        if let scheme { out += scheme + ":" }
        if let authority { out += "//" + authority }
        out += path
        if let query { out += "?" + query }
        if let fragment { out += "#" + fragment }
        return out
    }

    /// The reference without its fragment.
    var withoutFragment: URIReference {
        var copy = self
        copy.fragment = nil
        return copy
    }

    /// Resolves this reference against `base` (RFC 3986 §5.2.2, strict).
    func resolved(against base: URIReference) -> URIReference {
        var t = URIReference(scheme: nil, authority: nil, path: "", query: nil, fragment: fragment)
        if let scheme {
            t.scheme = scheme
            t.authority = authority
            t.path = URIReference.removeDotSegments(path)
            t.query = query
            return t
        }
        if let authority {
            t.authority = authority
            t.path = URIReference.removeDotSegments(path)
            t.query = query
        } else if path.isEmpty {
            t.authority = base.authority
            t.path = base.path
            t.query = query ?? base.query
        } else {
            t.authority = base.authority
            if path.hasPrefix("/") {
                t.path = URIReference.removeDotSegments(path)
            } else {
                t.path = URIReference.removeDotSegments(URIReference.merge(base: base, path))
            }
            t.query = query
        }
        t.scheme = base.scheme
        return t
    }

    /// RFC 3986 §5.2.3.
    static func merge(base: URIReference, _ path: String) -> String {
        if base.authority != nil && base.path.isEmpty { return "/" + path }
        guard let slash = base.path.lastIndex(of: "/") else { return path }
        return String(base.path[...slash]) + path
    }

    /// RFC 3986 §5.2.4.
    static func removeDotSegments(_ path: String) -> String {
        guard path.contains(".") else { return path }
        var input = Substring(path)
        var output: [Substring] = []  // segments, each beginning with "/" (except possibly the first)
        while !input.isEmpty {
            if input.hasPrefix("../") {
                input = input.dropFirst(3)
            } else if input.hasPrefix("./") {
                input = input.dropFirst(2)
            } else if input.hasPrefix("/./") {
                input = input.dropFirst(2)
            } else if input == "/." {
                input = "/"
            } else if input.hasPrefix("/../") {
                input = input.dropFirst(3)
                if !output.isEmpty { output.removeLast() }
            } else if input == "/.." {
                input = "/"
                if !output.isEmpty { output.removeLast() }
            } else if input == "." || input == ".." {
                input = ""
            } else {
                // Move the first segment (with its leading "/", if any) to the output.
                var end = input.startIndex
                if input[end] == "/" { end = input.index(after: end) }
                while end < input.endIndex, input[end] != "/" { end = input.index(after: end) }
                output.append(input[input.startIndex..<end])
                input = input[end...]
            }
        }
        return output.joined()
    }

    /// Resolves `reference` against the absolute URI `base`, both as text.
    static func resolve(_ reference: String, against base: String) -> String {
        URIReference(parsing: reference).resolved(against: URIReference(parsing: base)).string
    }

    /// Decodes `%XX` escapes (used for JSON Pointer fragments, RFC 6901 §6).
    static func percentDecoded(_ text: String) -> String? {
        guard text.contains("%") else { return text }
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var i = 0
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: return b - 0x30
            case 0x41...0x46: return b - 0x41 + 10
            case 0x61...0x66: return b - 0x61 + 10
            default: return nil
            }
        }
        while i < bytes.count {
            if bytes[i] == 0x25 {
                guard i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) else { return nil }
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(validating: out, as: UTF8.self)
    }
}
