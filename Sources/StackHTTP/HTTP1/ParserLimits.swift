/// Limits the request parser enforces as bytes arrive, before buffering more.
public struct ParserLimits: Sendable, Hashable {
    /// The largest request head (request line + fields + CRLFs) accepted; beyond it: 431.
    public var maxHeadBytes: Int = 16 * 1024
    /// The longest request target accepted; beyond it: 414.
    public var maxTargetBytes: Int = 8 * 1024
    /// The most header fields accepted; beyond it: 431.
    public var maxHeaderCount: Int = 100
    /// The longest chunk-size line, extensions included; beyond it: 400.
    public var maxChunkLineBytes: Int = 4 * 1024
    /// The most bytes of trailer section accepted (trailers are discarded); beyond it: 431.
    public var maxTrailerBytes: Int = 16 * 1024

    /// The defaults: head 16 KiB, target 8 KiB, 100 fields, chunk line 4 KiB, trailers 16 KiB.
    public init() {}
}
