import Foundation

/// An ECMA-262 regular expression, translated to ICU syntax and compiled once with
/// `NSRegularExpression` (JSON Schema Validation 2020-12 §4.3: patterns are ECMA-262, unanchored).
///
/// Translation covers the differences that matter in practice: `\d`, `\w` (and negations) are
/// ASCII-only in ECMA-262 but Unicode-aware in ICU, and `$` without the multiline flag matches only
/// at the very end of the input. Anything ICU cannot express fails to compile.
final class ECMARegex: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable after creation and documented as thread-safe.
    let source: String
    private let regex: NSRegularExpression

    init?(_ source: String) {
        guard let translated = ECMARegex.translate(source),
            let regex = try? NSRegularExpression(pattern: translated, options: [])
        else { return nil }
        self.source = source
        self.regex = regex
    }

    /// Whether the pattern matches anywhere in `string`.
    func matches(_ string: String) -> Bool {
        let ns = string as NSString
        let range = regex.rangeOfFirstMatch(in: string, options: [], range: NSRange(location: 0, length: ns.length))
        return range.location != NSNotFound
    }

    /// Rewrites ECMA-262 syntax to the equivalent ICU syntax; `nil` for what ECMA-262 rejects
    /// and ICU would accept differently.
    static func translate(_ source: String) -> String? {
        var out = ""
        var inClass = false
        var it = Array(source.unicodeScalars)[...]
        while let c = it.popFirst() {
            if c == "\\" {
                guard let e = it.popFirst() else { return nil }
                switch e {
                case "d": out += inClass ? "0-9" : "[0-9]"
                case "D": out += inClass ? "\\x{0}-/:-\\x{10FFFF}" : "[^0-9]"
                case "w": out += inClass ? "a-zA-Z0-9_" : "[a-zA-Z0-9_]"
                case "W": out += inClass ? "\\x{0}-/:-@\\[-^`{-\\x{10FFFF}" : "[^a-zA-Z0-9_]"
                case "s":
                    // ECMA-262 white space includes U+FEFF, which ICU's \s does not.
                    out += inClass ? "\\s\\x{FEFF}" : "[\\s\\x{FEFF}]"
                case "S":
                    if inClass { out += "\\S" } else { out += "[^\\s\\x{FEFF}]" }
                case "c":
                    // \cX: the control character X % 32.
                    guard let x = it.first, x.properties.isAlphabetic, x.isASCII else { return nil }
                    it.removeFirst()
                    out += String(format: "\\x{%X}", x.value % 32)
                case "u":
                    // \uXXXX (ICU spells it the same way); reject a malformed escape as ECMA-262 does with /u.
                    let hex = it.prefix(4)
                    guard hex.count == 4, hex.allSatisfy({ $0.properties.isASCIIHexDigit }) else { return nil }
                    out += "\\u" + String(String.UnicodeScalarView(hex))
                    it.removeFirst(4)
                case "a", "e", "z", "Z", "A", "G", "Q", "E", "X", "R", "h", "H", "V", "N", "o":
                    // Not escapes in ECMA-262 (an identity escape of a letter is an error with /u).
                    return nil
                default:
                    out.unicodeScalars.append("\\")
                    out.unicodeScalars.append(e)
                }
                continue
            }
            if inClass {
                if c == "]" { inClass = false }
                if c == "[" { out += "\\[" } else { out.unicodeScalars.append(c) }
                continue
            }
            switch c {
            case "[":
                inClass = true
                out += "["
                // A leading "]" is literal in ICU but closes an empty class in ECMA-262.
                if it.first == "^" { out += "^"; it.removeFirst() }
                if it.first == "]" {
                    it.removeFirst()
                    out += out.hasSuffix("[^") ? "\\x{0}-\\x{10FFFF}]" : "a&&b]"
                    inClass = false
                }
            case "$": out += "\\z"
            case "(":
                out += "("
                // Groups ECMA-262 knows: (?: (?= (?! (?<= (?<! (?<name>; not inline flags or comments.
                if it.first == "?" {
                    let next = it.dropFirst().first
                    let afterNext = it.dropFirst(2).first
                    switch next {
                    case ":", "=", "!": break
                    case "<" where afterNext == "=" || afterNext == "!" || afterNext?.properties.isAlphabetic == true: break
                    default: return nil
                    }
                }
            default: out.unicodeScalars.append(c)
            }
        }
        return inClass ? nil : out
    }
}
