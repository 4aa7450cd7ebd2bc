import Dispatch

/// Runs blocking work (file-system calls) on a Dispatch queue, never on Swift's cooperative pool.
enum Blocking {
    private static let queue = DispatchQueue(label: "stack.store.blocking", attributes: .concurrent)

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
        }
    }
}
