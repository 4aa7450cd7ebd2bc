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
import Synchronization

/// Lines on stderr, written on a serial queue of their own so a slow terminal or pipe never blocks
/// a request. Lines queued within a few milliseconds go out together in one `write(2)` (whole
/// lines only, so lines never interleave with other writers' lines).
public enum StandardError {
    private static let queue = DispatchQueue(label: "stack.stderr")
    /// Lines waiting for the queue, and whether a drain is already queued for them.
    private static let pending = Mutex<(bytes: [UInt8], drainQueued: Bool)>(([], false))

    /// Queues `line` (a newline is added).
    public static func writeLine(_ line: String) {
        let needsDrain = pending.withLock { state -> Bool in
            state.bytes.append(contentsOf: line.utf8)
            state.bytes.append(UInt8(ascii: "\n"))
            defer { state.drainQueued = true }
            return !state.drainQueued
        }
        // A short delay gathers the lines of many requests into one write (and one wake-up).
        if needsDrain { queue.asyncAfter(deadline: .now() + .milliseconds(5)) { drain() } }
    }

    /// Writes every queued line now and returns once they are written (call before exiting).
    public static func flush() {
        queue.sync { drain() }
    }

    /// Writes everything queued so far. A line queued after the swap queues the next drain.
    private static func drain() {
        let bytes = pending.withLock { state -> [UInt8] in
            state.drainQueued = false
            let taken = state.bytes
            state.bytes = []
            return taken
        }
        writeNow(bytes)
    }

    private static func writeNow(_ bytes: [UInt8]) {
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
