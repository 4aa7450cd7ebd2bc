/// The API's limits and policies (SPEC §6), each configurable from `stack serve`.
public struct AppConfiguration: Sendable {
    /// The server version reported by `/.well-known/stack`.
    public var version: String
    /// Largest JSON request body (SPEC §6: 1 MiB).
    public var maxJSONBytes: Int
    /// Largest attachment (SPEC §6: 100 MiB).
    public var maxAttachmentBytes: Int
    /// Requests per minute per non-owner token, or per address for anonymous callers (600).
    public var rateLimitPerMinute: Int
    /// Requests per minute per owner token; `nil`: unlimited (the default, SPEC §6).
    public var ownerRateLimitPerMinute: Int?
    /// Failed authentications per minute per address before 429 (10).
    public var authFailuresPerMinute: Int
    /// How long a token's authentication is reused, in seconds (0 turns the cache off). API
    /// revocations clear it at once; other revocations and expiries take effect within this time.
    public var tokenCacheSeconds: Double
    /// Where access-log and error lines go; stderr by default.
    public var log: @Sendable (String) -> Void

    public init(
        version: String = "0.1.0", maxJSONBytes: Int = 1 << 20, maxAttachmentBytes: Int = 100 << 20,
        rateLimitPerMinute: Int = 600, ownerRateLimitPerMinute: Int? = nil, authFailuresPerMinute: Int = 10,
        tokenCacheSeconds: Double = 1, log: @escaping @Sendable (String) -> Void = StandardError.writeLine
    ) {
        self.version = version
        self.maxJSONBytes = maxJSONBytes
        self.maxAttachmentBytes = maxAttachmentBytes
        self.rateLimitPerMinute = rateLimitPerMinute
        self.ownerRateLimitPerMinute = ownerRateLimitPerMinute
        self.authFailuresPerMinute = authFailuresPerMinute
        self.tokenCacheSeconds = tokenCacheSeconds
        self.log = log
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import Dispatch

/// Lines on stderr, one `write(2)` per line so lines never interleave, written on a serial queue
/// of their own so a slow terminal or pipe never blocks a request on the cooperative pool.
public enum StandardError {
    private static let queue = DispatchQueue(label: "stack.stderr")

    /// Queues `line` (a newline is added).
    public static func writeLine(_ line: String) {
        queue.async { writeNow(line) }
    }

    /// Waits until every queued line is written (call before exiting).
    public static func flush() {
        queue.sync {}
    }

    private static func writeNow(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
