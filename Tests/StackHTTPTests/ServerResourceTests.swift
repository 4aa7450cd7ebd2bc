import Foundation
import Synchronization
import Testing
import StackHTTP

/// Timeouts, connection limits, many connections, graceful shutdown.
@Suite struct ServerResourceTests {
    @Test func incompleteHead_times_out_with408() async throws {
        let (response, closed) = try await withServer(
            configure: { $0.requestHeadTimeout = .seconds(1) }, router: makeTestRouter()
        ) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n")  // never finished
                return (try client.readResponse(), client.isClosedByPeer())
            }
        }
        #expect(response?.status == 408)
        #expect(closed)
    }

    @Test func silentConnection_isClosedAfterTheHeadTimeout() async throws {
        let closed = try await withServer(
            configure: { $0.requestHeadTimeout = .seconds(1) }, router: makeTestRouter()
        ) { port in
            try await offload { try RawClient(port: port).isClosedByPeer() }
        }
        #expect(closed)
    }

    @Test func idleKeepAliveConnection_isClosedAfterTheIdleTimeout() async throws {
        let (response, closed) = try await withServer(
            configure: { $0.idleTimeout = .milliseconds(500) }, router: makeTestRouter()
        ) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                return (try client.readResponse(), client.isClosedByPeer())
            }
        }
        #expect(response?.status == 200)
        #expect(closed)
    }

    @Test func stalledBody_times_out_with408() async throws {
        let (response, closed) = try await withServer(
            configure: { $0.bodyInactivityTimeout = .milliseconds(500) }, router: makeTestRouter()
        ) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
                return (try client.readResponse(), client.isClosedByPeer())
            }
        }
        #expect(response?.status == 408)
        #expect(closed)
    }

    @Test func connectionsBeyondTheLimit_get503() async throws {
        let statuses = try await withServer(configure: { $0.maxConnections = 2 }, router: makeTestRouter()) { port in
            try await offload { () -> [Int?] in
                let a = try RawClient(port: port)
                let b = try RawClient(port: port)
                try a.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                try b.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                let first = try a.readResponse()?.status
                let second = try b.readResponse()?.status
                let c = try RawClient(port: port)
                let third = try c.readResponse()?.status
                return [first, second, third]
            }
        }
        #expect(statuses == [200, 200, 503])
    }

    @Test func thousandConcurrentConnections_areAllServed() async throws {
        let count = 1000
        let served = try await withServer(router: makeTestRouter()) { port in
            try await offload { () -> Int in
                var clients: [RawClient] = []
                for _ in 0..<count { clients.append(try RawClient(port: port)) }
                for client in clients { try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n") }
                var ok = 0
                for client in clients where try client.readResponse()?.text == "Hello, world!" { ok += 1 }
                return ok
            }
        }
        #expect(served == count)
    }

    @Test func gracefulShutdown_finishesInFlightRequests_thenRefusesNewOnes() async throws {
        let (handlerStarted, startedContinuation) = AsyncStream<Void>.makeStream()
        var router = Router<BasicRequestContext>()
        router.on("/slow", method: .GET) { _, _ in
            startedContinuation.yield()
            try await Task.sleep(for: .milliseconds(300))
            return .text("finished")
        }
        let server = Server(configuration: ServerConfiguration(host: "127.0.0.1", port: 0, threadCount: 2), router: router)
        let port = try server.start().port
        async let response = offload { () -> RawResponse? in
            let client = try RawClient(port: port)
            try client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
            return try client.readResponse()
        }
        var iterator = handlerStarted.makeAsyncIterator()
        await iterator.next()
        await server.shutdown(gracePeriod: .seconds(10))
        let finished = try await response
        #expect(finished?.status == 200)
        #expect(finished?.text == "finished")
        #expect(finished?.header("Connection") == "close")
        let refused = try await offload { () -> Bool in
            do {
                _ = try RawClient(port: port)
                return false
            } catch {
                return true
            }
        }
        #expect(refused)
    }

    @Test func shutdownDeadline_closesRequestsThatDoNotFinish() async throws {
        let (handlerStarted, startedContinuation) = AsyncStream<Void>.makeStream()
        var router = Router<BasicRequestContext>()
        router.on("/forever", method: .GET) { _, _ in
            startedContinuation.yield()
            try await Task.sleep(for: .seconds(3600))
            return .text("never")
        }
        let server = Server(configuration: ServerConfiguration(host: "127.0.0.1", port: 0, threadCount: 1), router: router)
        let port = try server.start().port
        async let response = offload { () -> RawResponse? in
            let client = try RawClient(port: port)
            try client.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n")
            return try client.readResponse()
        }
        var iterator = handlerStarted.makeAsyncIterator()
        await iterator.next()
        await server.shutdown(gracePeriod: .milliseconds(100))
        #expect(try await response == nil)
        #expect(server.connectionCount == 0)
    }

    @Test func tricklingClients_doNotStarveAnOrdinaryClient() async throws {
        // 500 connections each dribble a request head a few bytes at a time; meanwhile an ordinary
        // client on another connection gets every answer (no worker is pinned by a slow client).
        let answered = try await withServer(router: makeTestRouter()) { port in
            try await offload { () -> Int in
                var slow: [RawClient] = []
                for _ in 0..<500 { slow.append(try RawClient(port: port)) }
                let normal = try RawClient(port: port)
                let head = Array("GET /hello HTTP/1.1\r\nHost: x\r\n".utf8)
                var ok = 0
                for round in 0..<10 {
                    for client in slow { try client.send([head[round % head.count]]) }
                    try normal.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                    if try normal.readResponse()?.status == 200 { ok += 1 }
                }
                return ok
            }
        }
        #expect(answered == 10)
    }

    @Test func connectionsBeyondTheLimit_areClosed_whenConfiguredSo() async throws {
        let (first, third) = try await withServer(
            configure: {
                $0.maxConnections = 1
                $0.overloadBehavior = .close
            }, router: makeTestRouter()
        ) { port in
            try await offload { () -> (Int?, RawResponse?) in
                let a = try RawClient(port: port)
                try a.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                let first = try a.readResponse()?.status
                let c = try RawClient(port: port)
                return (first, try c.readResponse())
            }
        }
        #expect(first == 200)
        #expect(third == nil)
    }

    @Test func unreadBodyBeyondTheDrainLimit_closesAfterTheResponse() async throws {
        let (response, closed) = try await withServer(
            configure: { $0.maxDrainBytes = 1000 }, router: makeTestRouter()
        ) { port in
            try await offload { () -> (RawResponse?, Bool) in
                let client = try RawClient(port: port)
                try client.send("POST /ignore-body HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
                let response = try client.readResponse()
                try? client.send([UInt8](repeating: 0x61, count: 100_000))
                return (response, client.isClosedByPeer())
            }
        }
        #expect(response?.status == 200)
        #expect(response?.header("Connection") == "close")
        #expect(closed)
    }
}
