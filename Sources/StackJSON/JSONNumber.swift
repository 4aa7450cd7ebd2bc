/// A JSON number that keeps its kind: an exact 64-bit integer, or a finite `Double`.
///
/// An integer literal within `Int64` parses to `.int` and prints without fraction or exponent;
/// every other number is a `.double` printed in the shortest form that round-trips.
/// Equality and hashing are numeric: `.int(1) == .double(1.0)`.
public enum JSONNumber: Sendable {
    /// An exact integer, printed as plain digits.
    case int(Int64)
    /// A finite double, printed in the shortest form that parses back to it (`1.0`, `0.1`, `1e+308`).
    case double(Double)

    /// An integer: exact within `Int64`, else the nearest double.
    public init<I: BinaryInteger>(_ value: I) {
        if let exact = Int64(exactly: value) { self = .int(exact) } else { self = .double(Double(value)) }
    }

    /// Makes a number from a finite double. Integral doubles stay doubles (they print as `1.0`).
    public init(_ value: Double) {
        precondition(value.isFinite, "JSON numbers must be finite")
        self = .double(value)
    }

    /// The value as a double (exact for integers up to 2^53).
    public var doubleValue: Double {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        }
    }

    /// The value as an `Int64` when it is integral and in range.
    public var int64Value: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d): return Int64(exactly: d)
        }
    }

    /// Whether the number has no fractional part (JSON Schema's "integer").
    public var isIntegral: Bool {
        switch self {
        case .int: return true
        case .double(let d): return d.rounded(.towardZero) == d
        }
    }
}

extension JSONNumber: Hashable {
    /// Numeric equality, exact between integers and doubles: `.int(1) == .double(1.0)`, but
    /// `.int(9007199254740993) != .double(9007199254740992)`.
    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)):
            return Int64(exactly: b) == a
        }
    }

    /// Hashes consistently with `==`: a double with an exact `Int64` value hashes as that integer.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .int(let i): hasher.combine(i)
        case .double(let d):
            if let i = Int64(exactly: d) { hasher.combine(i) } else { hasher.combine(d) }
        }
    }
}

extension JSONNumber: Comparable {
    /// Numeric order; exact between integers, and between an integer and a double.
    public static func < (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return a < b
        case (.double(let a), .double(let b)): return a < b
        case (.int(let a), .double(let b)): return JSONNumber.compare(a, b) < 0
        case (.double(let a), .int(let b)): return JSONNumber.compare(b, a) > 0
        }
    }

    /// Compares an integer with a double exactly: negative, zero or positive.
    static func compare(_ i: Int64, _ d: Double) -> Int {
        if d.isNaN { return 0 }
        if d >= 9_223_372_036_854_775_808.0 { return -1 }
        if d < -9_223_372_036_854_775_808.0 { return 1 }
        let t = d.rounded(.down)
        let ti = Int64(t)
        if i < ti { return -1 }
        if i > ti { return 1 }
        return t == d ? 0 : -1
    }
}

extension JSONNumber: CustomStringConvertible {
    /// The number as JSON text.
    public var description: String {
        var out: [UInt8] = []
        JSONSerializer.appendNumber(self, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
