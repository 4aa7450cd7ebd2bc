import Foundation

/// A value guarded by a lock (`NSLock`, a pthread mutex).
///
/// The engine uses this rather than `Synchronization.Mutex` because ThreadSanitizer sees
/// pthread mutexes, while `Mutex`'s futex-based lock on Linux is invisible to it and every access
/// under it was reported as a race (`swift test --sanitize=thread`).
final class Locked<Value>: @unchecked Sendable {  // `value` is only touched with `lock` held
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T, E: Error>(_ body: (inout Value) throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
