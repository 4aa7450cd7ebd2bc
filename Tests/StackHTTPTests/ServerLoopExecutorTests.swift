import Foundation
import StackHTTP
import Synchronization
import Testing

/// `runsHandlersOnEventLoops`: handlers run as tasks preferring their connection's loop thread;
/// everything a client sees is the same as with Swift's global pool.
@Suite struct ServerLoopExecutorTests {
    #if os(Linux)
    /// Each event loop thread is named `stack.http.N` (as `top -H` and `perf` show it) and runs
    /// `onEventLoopStart` before serving.
    @Test func loopThreadsAreNamedAndRunTheStartHook() async throws {
        let names = Mutex<[String]>([])
        try await withServer(
            configure: { configuration in
                configuration.onEventLoopStart = {
                    let name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "?"
                    names.withLock { $0.append(name.trimmingCharacters(in: .whitespacesAndNewlines)) }
                }
            }, router: makeTestRouter()
        ) { _ in }
        #expect(names.withLock { $0.sorted() } == ["stack.http.0", "stack.http.1"])
    }
    #endif

    @Test func requests_bodies_streams_andPipelining_workWithHandlersOnTheLoops() async throws {
        var router = makeTestRouter()
        router.on("/stream", method: .GET) { _, _ in
            Response(body: .stream { writer in
                for word in ["a", "bb", "ccc"] { try await writer.write(word) }
            })
        }
        router.on("/hop", method: .GET) { _, _ in
            // A suspension that resumes from another thread comes back to the loop's executor.
            try await Task.sleep(for: .milliseconds(5))
            await Task.detached { }.value
            return .text("hopped")
        }
        let texts = try await withServer(configure: { $0.runsHandlersOnEventLoops = true }, router: router) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send(
                    "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                        + "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /hop HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "PUT /count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
                        + "GET /fail HTTP/1.1\r\nHost: x\r\n\r\n")
                var texts: [String] = []
                for _ in 0..<6 {
                    guard let response = try client.readResponse() else { break }
                    texts.append("\(response.status) \(response.text)")
                }
                return texts
            }
        }
        #expect(texts == ["200 Hello, world!", "200 hello", "200 abbccc", "200 hopped", "200 5", "500 Internal Server Error\n"])
    }

    @Test func manyConnections_inParallel_allGetTheirAnswers() async throws {
        let counts = try await withServer(configure: { $0.runsHandlersOnEventLoops = true }, router: makeTestRouter()) { port in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await offload {
                            let client = try RawClient(port: port)
                            var ok = 0
                            for _ in 0..<25 {
                                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                                if try client.readResponse()?.text == "Hello, world!" { ok += 1 }
                            }
                            return ok
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
        }
        #expect(counts == 200)
    }
}
