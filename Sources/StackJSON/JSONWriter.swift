/// A growable byte buffer the serializer writes into without per-byte bounds or uniqueness checks.
/// The owner must call ``release()`` exactly once.
struct JSONWriter {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 256) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    func release() { base.deallocate() }

    /// Forgets what was written, keeping the storage.
    mutating func removeAll() { count = 0 }

    /// The bytes written so far.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Makes room for `n` more bytes.
    @inline(__always) mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always) mutating func write(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always) mutating func write(_ source: UnsafePointer<UInt8>, count n: Int) {
        reserve(n)
        (base + count).update(from: source, count: n)
        count += n
    }

    @inline(__always) mutating func write(_ literal: StaticString) {
        write(literal.utf8Start, count: literal.utf8CodeUnitCount)
    }

    mutating func writeIndent(_ level: Int) {
        reserve(1 + level * 2)
        base[count] = 0x0A
        (base + count + 1).initialize(repeating: 0x20, count: level * 2)
        count += 1 + level * 2
    }

    // MARK: Strings

    private static let hexDigits: StaticString = "0123456789abcdef"

    /// Writes `s` as a JSON string literal, escaping exactly what RFC 8259 §7 requires: `"`, `\`
    /// and the control characters U+0000–U+001F (as `\n`, `\t`, … or `\u00XX`).
    mutating func writeString(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            guard let p = utf8.baseAddress else {
                write("\"\"")
                return
            }
            let n = utf8.count
            // Worst case every byte becomes `\u00XX`; reserve once for the common case.
            reserve(n + 2)
            base[count] = 0x22
            count += 1
            var runStart = 0
            var i = 0
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            while true {
                // Skip eight bytes at a time while none needs escaping.
                while i + 8 <= n {
                    let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                    let quote = w ^ (ones &* 0x22)
                    let backslash = w ^ (ones &* 0x5C)
                    let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                        | ((w &- ones &* 0x20) & ~w)
                    if special & highs != 0 { break }
                    i += 8
                }
                while i < n {
                    let c = p[i]
                    if c < 0x20 || c == 0x22 || c == 0x5C { break }
                    i += 1
                }
                if i >= n { break }
                // `p[i]` needs an escape.
                write(p + runStart, count: i - runStart)
                writeEscape(p[i])
                i += 1
                runStart = i
            }
            write(p + runStart, count: n - runStart)
            write(0x22)
        }
    }

    private mutating func writeEscape(_ c: UInt8) {
        reserve(6)
        base[count] = 0x5C
        let escaped: UInt8
        switch c {
        case 0x22: escaped = 0x22
        case 0x5C: escaped = 0x5C
        case 0x0A: escaped = UInt8(ascii: "n")
        case 0x0D: escaped = UInt8(ascii: "r")
        case 0x09: escaped = UInt8(ascii: "t")
        case 0x08: escaped = UInt8(ascii: "b")
        case 0x0C: escaped = UInt8(ascii: "f")
        default:
            let hex = JSONWriter.hexDigits.utf8Start
            base[count + 1] = UInt8(ascii: "u")
            base[count + 2] = UInt8(ascii: "0")
            base[count + 3] = UInt8(ascii: "0")
            base[count + 4] = hex[Int(c >> 4)]
            base[count + 5] = hex[Int(c & 0xF)]
            count += 6
            return
        }
        base[count + 1] = escaped
        count += 2
    }

    // MARK: Numbers

    /// Writes an integer in plain decimal digits.
    mutating func writeInt(_ v: Int64) {
        reserve(20)
        if v < 0 {
            base[count] = UInt8(ascii: "-")
            count += 1
        }
        var magnitude = v.magnitude
        var digits = 1
        var probe = magnitude
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        var i = count + digits
        count = i
        repeat {
            i -= 1
            base[i] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
            magnitude /= 10
        } while magnitude > 0
    }

    /// Writes a finite double in the shortest form that parses back to the same value.
    mutating func writeDouble(_ d: Double) {
        // Swift's `description` is the shortest round-tripping form and valid JSON for finite
        // values ("1.0", "-0.0", "5e-324", "1e+308").
        var text = d.description
        text.withUTF8 { write($0.baseAddress!, count: $0.count) }
    }

    mutating func writeNumber(_ n: JSONNumber) {
        switch n {
        case .int(let v): writeInt(v)
        case .double(let d): writeDouble(d)
        }
    }
}
