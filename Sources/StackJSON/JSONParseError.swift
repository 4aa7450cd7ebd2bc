/// Why a JSON text was rejected: a human message and the byte offset where the problem is.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The offset in bytes from the start of the input.
    public var offset: Int
    /// A message an app developer can act on, e.g. "unexpected character ','".
    public var message: String

    /// An error at `offset` with `message`.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// The message and offset, e.g. "trailing comma in array at byte 4".
    public var description: String { "\(message) at byte \(offset)" }
}
