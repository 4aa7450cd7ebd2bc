/// Punycode (RFC 3492) decoding and the IDNA2008 checks (RFC 5891 §5.4, RFC 5892) that the
/// `hostname` format needs for A-labels (`xn--…`).
enum Punycode {
    /// Decodes the part after `xn--`; `nil` when it is not valid Punycode.
    static func decode(_ input: ArraySlice<UInt8>) -> [Unicode.Scalar]? {
        let base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700
        var output: [Unicode.Scalar] = []
        var pos = input.startIndex
        if let dash = input.lastIndex(of: 0x2D) {
            for c in input[input.startIndex..<dash] {
                guard c < 0x80 else { return nil }
                output.append(Unicode.Scalar(c))
            }
            pos = dash + 1
        }
        func digit(_ c: UInt8) -> Int? {
            switch c {
            case 0x30...0x39: return Int(c) - 0x30 + 26
            case 0x41...0x5A: return Int(c) - 0x41
            case 0x61...0x7A: return Int(c) - 0x61
            default: return nil
            }
        }
        func adapt(_ delta: Int, _ points: Int, _ first: Bool) -> Int {
            var d = first ? delta / damp : delta / 2
            d += d / points
            var k = 0
            while d > ((base - tmin) * tmax) / 2 {
                d /= base - tmin
                k += base
            }
            return k + (base - tmin + 1) * d / (d + skew)
        }
        var n = 128, i = 0, bias = 72
        while pos < input.endIndex {
            let oldi = i
            var w = 1
            var k = base
            while true {
                guard pos < input.endIndex, let d = digit(input[pos]) else { return nil }
                pos += 1
                let (sum, o1) = i.addingReportingOverflow(d * w)
                guard !o1, sum < 0x11_0000 * 64 else { return nil }
                i = sum
                let t = k <= bias ? tmin : (k >= bias + tmax ? tmax : k - bias)
                if d < t { break }
                w *= base - t
                guard w < 0x11_0000 * 64 else { return nil }
                k += base
            }
            bias = adapt(i - oldi, output.count + 1, oldi == 0)
            n += i / (output.count + 1)
            i %= output.count + 1
            guard let scalar = Unicode.Scalar(UInt32(truncatingIfNeeded: n)), n < 0x11_0000 else { return nil }
            output.insert(scalar, at: i)
            i += 1
        }
        return output
    }

    /// Whether `encoded` (the part after `xn--`) is a valid A-label.
    static func isValidALabel(_ encoded: ArraySlice<UInt8>) -> Bool {
        guard let u = decode(encoded), !u.isEmpty else { return false }
        // RFC 5891 §4.2.3.1: no "--" in positions 3-4, no leading or trailing hyphen.
        if u.count >= 4, u[2] == "-", u[3] == "-" { return false }
        if u.first == "-" || u.last == "-" { return false }
        // §4.2.3.2: must not begin with a combining mark.
        switch u[0].properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return false
        default: break
        }
        for (k, c) in u.enumerated() {
            let v = c.value
            let prev = k > 0 ? u[k - 1] : nil
            let next = k + 1 < u.count ? u[k + 1] : nil
            switch v {
            // RFC 5892 §2.6 exceptions: PVALID
            case 0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007: continue
            // … and DISALLOWED
            case 0x0640, 0x07FA, 0x302E, 0x302F, 0x3031...0x3035, 0x303B: return false
            // RFC 5892 Appendix A contextual rules
            case 0x00B7:  // MIDDLE DOT: between two "l"
                guard prev == "l", next == "l" else { return false }
                continue
            case 0x0375:  // GREEK LOWER NUMERAL SIGN: followed by Greek
                guard let next, isGreek(next) else { return false }
                continue
            case 0x05F3, 0x05F4:  // HEBREW GERESH/GERSHAYIM: preceded by Hebrew
                guard let prev, (0x0590...0x05FF).contains(prev.value) else { return false }
                continue
            case 0x30FB:  // KATAKANA MIDDLE DOT: some Hiragana, Katakana or Han in the label
                guard u.contains(where: { $0.value != 0x30FB && isJapanese($0) }) else { return false }
                continue
            case 0x0660...0x0669:
                if u.contains(where: { (0x06F0...0x06F9).contains($0.value) }) { return false }
                continue
            case 0x06F0...0x06F9:
                if u.contains(where: { (0x0660...0x0669).contains($0.value) }) { return false }
                continue
            case 0x200D:  // ZERO WIDTH JOINER: after a virama
                guard let prev, prev.properties.canonicalCombiningClass.rawValue == 9 else { return false }
                continue
            case 0x200C:  // ZERO WIDTH NON-JOINER: after a virama, or between joining (Arabic-script) letters
                if let prev, prev.properties.canonicalCombiningClass.rawValue == 9 { continue }
                guard let prev, let next, isJoining(prev), isJoining(next) else { return false }
                continue
            default: break
            }
            switch c.properties.generalCategory {
            case .control, .format, .unassigned, .privateUse, .surrogate, .spaceSeparator, .lineSeparator,
                .paragraphSeparator, .uppercaseLetter, .titlecaseLetter:
                return false
            default: break
            }
        }
        return true
    }

    static func isGreek(_ c: Unicode.Scalar) -> Bool {
        (0x0370...0x03FF).contains(c.value) || (0x1F00...0x1FFF).contains(c.value)
    }

    static func isJapanese(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        return (0x3040...0x30FF).contains(v) || (0x31F0...0x31FF).contains(v) || (0x3400...0x4DBF).contains(v)
            || (0x4E00...0x9FFF).contains(v) || (0xF900...0xFAFF).contains(v) || (0x20000...0x3FFFF).contains(v)
            || v == 0x3005 || v == 0x3006
    }

    static func isJoining(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        return ((0x0620...0x064A).contains(v) || (0x066E...0x06D3).contains(v) || (0x0750...0x077F).contains(v)
            || (0xA840...0xA872).contains(v)) && c.properties.isAlphabetic
    }
}
