

/// The single-producer (event loop) / single-consumer (handler) buffer behind ``RequestBody``.
///
/// Back-pressure: ``push(_:)`` reports when more than `highWater` bytes wait, and the loop then stops
/// reading the socket; the consumer calls `onDemand` once it has drained to `lowWater`, and also on
/// its first read (so the loop can send `100 Continue` only when the handler wants the body).
final class BodyStream: Sendable {
    private struct State {
        var chunks: [[UInt8]] = []
        var head = 0
        var bufferedBytes = 0
        var finished = false
        var failure: (any Error)? = nil
        var waiter: CheckedContinuation<[UInt8]?, any Error>? = nil
        var demanded = false
        var paused = false
        var consumerGone = false
    }

    let expectedLength: Int?
    private let highWater: Int
    private let lowWater: Int
    private let state = Lock(State())
    private let onDemand: @Sendable () -> Void

    init(expectedLength: Int?, highWater: Int, onDemand: @escaping @Sendable () -> Void) {
        self.expectedLength = expectedLength
        self.highWater = highWater
        self.lowWater = highWater / 4
        self.onDemand = onDemand
    }

    /// Producer: appends bytes. Returns true when the producer should stop reading (buffer full).
    func push(_ bytes: [UInt8]) -> Bool {
        let (waiter, shouldPause): (CheckedContinuation<[UInt8]?, any Error>?, Bool) = state.withLock { s in
            if s.consumerGone { return (nil, false) }
            if let waiter = s.waiter {
                s.waiter = nil
                return (waiter, false)
            }
            s.chunks.append(bytes)
            s.bufferedBytes += bytes.count
            if s.bufferedBytes > highWater {
                s.paused = true
                return (nil, true)
            }
            return (nil, false)
        }
        waiter?.resume(returning: bytes)
        return shouldPause
    }

    /// Producer: the body is complete.
    func finish() {
        let waiter = state.withLock { s -> CheckedContinuation<[UInt8]?, any Error>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Producer: the body cannot complete (connection closed, timeout, parse error).
    func fail(_ error: any Error) {
        let waiter = state.withLock { s -> CheckedContinuation<[UInt8]?, any Error>? in
            if !s.finished && s.failure == nil { s.failure = error }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(throwing: error)
    }

    /// Whether the producer paused for back-pressure and has not been told to resume.
    var isPaused: Bool { state.withLock { $0.paused } }

    /// Whether the consumer has asked for the body at least once.
    var wasDemanded: Bool { state.withLock { $0.demanded } }

    /// Whether the whole body was produced.
    var isFinished: Bool { state.withLock { $0.finished } }

    /// Consumer: marks the body as abandoned; later pushes are dropped (the loop drains).
    func abandon() {
        state.withLock { s in
            s.consumerGone = true
            s.chunks = []
            s.head = 0
            s.bufferedBytes = 0
        }
    }

    /// Consumer: the next chunk, or nil at the end.
    func next() async throws -> [UInt8]? {
        enum Immediate {
            case chunk([UInt8], demand: Bool)
            case end(demand: Bool)
            case failure(any Error)
            case wait(demand: Bool)
        }
        let immediate = state.withLock { s -> Immediate in
            let firstDemand = !s.demanded
            s.demanded = true
            if s.head < s.chunks.count {
                let chunk = s.chunks[s.head]
                s.head += 1
                s.bufferedBytes -= chunk.count
                if s.head == s.chunks.count {
                    s.chunks.removeAll(keepingCapacity: true)
                    s.head = 0
                }
                var resume = false
                if s.paused && s.bufferedBytes <= lowWater {
                    s.paused = false
                    resume = true
                }
                return .chunk(chunk, demand: firstDemand || resume)
            }
            if s.finished { return .end(demand: false) }
            if let failure = s.failure { return .failure(failure) }
            var resume = false
            if s.paused {
                s.paused = false
                resume = true
            }
            return .wait(demand: firstDemand || resume)
        }
        switch immediate {
        case .chunk(let chunk, let demand):
            if demand { onDemand() }
            return chunk
        case .end:
            return nil
        case .failure(let error):
            throw error
        case .wait(let demand):
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8]?, any Error>) in
                    let resolved = state.withLock { s -> Result<[UInt8]?, any Error>? in
                        if s.head < s.chunks.count {
                            let chunk = s.chunks[s.head]
                            s.head += 1
                            s.bufferedBytes -= chunk.count
                            return .success(chunk)
                        }
                        if s.finished { return .success(nil) }
                        if let failure = s.failure { return .failure(failure) }
                        if Task.isCancelled { return .failure(CancellationError()) }
                        s.waiter = continuation
                        return nil
                    }
                    if let resolved { continuation.resume(with: resolved) }
                    if demand { onDemand() }
                }
            } onCancel: {
                let waiter = state.withLock { s -> CheckedContinuation<[UInt8]?, any Error>? in
                    defer { s.waiter = nil }
                    return s.waiter
                }
                waiter?.resume(throwing: CancellationError())
            }
        }
    }
}
