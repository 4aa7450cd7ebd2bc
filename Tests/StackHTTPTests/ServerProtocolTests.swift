import Testing
import StackHTTP

/// HTTP/1.1 behaviour over real sockets: framing, pipelining, keep-alive, errors.
@Suite struct ServerProtocolTests {
    @Test func pipelinedRequests_areAnsweredInOrder() async throws {
        let responses = try await withServer(router: makeTestRouter()) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send(
                    "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nping"
                        + "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\npong")
                return try (0..<4).map { _ in try client.readResponse() }
            }
        }
        #expect(responses.map { $0?.status } == [200, 200, 404, 200])
        #expect(responses.map { $0?.text } == ["Hello, world!", "ping", "Not Found\n", "pong"])
    }

    @Test func chunkedRequestBody_withExtensionsAndTrailers_isDelivered() async throws {
        let response = try await withServer(router: makeTestRouter()) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send(
                    "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "3;a=b\r\nabc\r\n4 ;x\r\ndefg\r\n0\r\nTrailer-A: 1\r\n\r\n")
                return try client.readResponse()
            }
        }
        #expect(response?.status == 200)
        #expect(response?.text == "abcdefg")
    }

    @Test func headRequest_onGetRoute_sendsHeadersWithoutBody() async throws {
        let (head, next) = try await withServer(router: makeTestRouter()) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                return (try client.readResponse(headOnly: true), try client.readResponse())
            }
        }
        #expect(head?.status == 200)
        #expect(head?.header("Content-Length") == "13")
        // The next response starts right after the head: no body bytes were sent for HEAD.
        #expect(next?.text == "Hello, world!")
    }

    @Test func unknownPath_is404_andOtherMethod_is405WithAllow() async throws {
        let (missing, wrongMethod) = try await withServer(router: makeTestRouter()) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\nDELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                return (try client.readResponse(), try client.readResponse())
            }
        }
        #expect(missing?.status == 404)
        #expect(wrongMethod?.status == 405)
        #expect(wrongMethod?.header("Allow") == "GET, HEAD")
    }

    @Test func handlerError_is500_withoutInternals() async throws {
        let response = try await withServer(router: makeTestRouter()) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("GET /fail HTTP/1.1\r\nHost: x\r\n\r\n")
                return try client.readResponse()
            }
        }
        #expect(response?.status == 500)
        #expect(response?.text == "Internal Server Error\n")
    }

    @Test func responseHeaderWithCRLF_isReplacedBy500() async throws {
        var router = Router<BasicRequestContext>()
        router.on("/split", method: .GET) { _, _ in
            Response(status: .ok, headers: ["X-Evil": "a\r\nSet-Cookie: stolen=1"], body: .string("x"))
        }
        let response = try await withServer(router: router) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("GET /split HTTP/1.1\r\nHost: x\r\n\r\n")
                return try client.readResponse()
            }
        }
        #expect(response?.status == 500)
        #expect(response?.header("Set-Cookie") == nil)
    }

    @Test func http10_isAnsweredAndClosed() async throws {
        let (response, closed) = try await withServer(router: makeTestRouter()) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("GET /hello HTTP/1.0\r\n\r\n")
                return (try client.readResponse(), client.isClosedByPeer())
            }
        }
        #expect(response?.status == 200)
        #expect(response?.header("Connection") == "close")
        #expect(closed)
    }

    @Test func connectionClose_isHonoured_andLaterPipelinedRequestsIgnored() async throws {
        let (response, closed) = try await withServer(router: makeTestRouter()) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                return (try client.readResponse(), client.isClosedByPeer())
            }
        }
        #expect(response?.status == 200)
        #expect(closed)
    }

    @Test func halfClosedClient_stillGetsAllResponses() async throws {
        let responses = try await withServer(router: makeTestRouter()) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
                client.shutdownWrite()
                let first = try client.readResponse()
                let second = try client.readResponse()
                return [first?.status, second?.status, client.isClosedByPeer() ? 0 : -1]
            }
        }
        #expect(responses == [200, 200, 0])
    }

    @Test func eofInsideBody_closesWithoutResponse() async throws {
        let response = try await withServer(router: makeTestRouter()) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
                client.shutdownWrite()
                return try client.readResponse()
            }
        }
        #expect(response == nil)
    }

    static let smuggling: [String] = [
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\nabcdGET /hello HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: x\r\nX: y\r\n Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcdXX0\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n",
    ]

    @Test(arguments: smuggling)
    func smugglingAttempt_is400_andNothingElseIsAnswered(_ attack: String) async throws {
        let (response, closed) = try await withServer(router: makeTestRouter()) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send(attack)
                return (try client.readResponse(), client.isClosedByPeer())
            }
        }
        #expect(response?.status == 400)
        #expect(response?.header("Connection") == "close")
        #expect(closed)
    }

    @Test func oversizedHead_is431_andOversizedTarget_is414() async throws {
        let (head, target) = try await withServer(router: makeTestRouter()) { port in
            try await offload {
                let a = try RawClient(port: port)
                try a.send("GET /hello HTTP/1.1\r\nHost: x\r\nX: " + String(repeating: "a", count: 20_000) + "\r\n\r\n")
                let b = try RawClient(port: port)
                try b.send("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                return (try a.readResponse(), try b.readResponse())
            }
        }
        #expect(head?.status == 431)
        #expect(target?.status == 414)
    }

    @Test func ipv6Loopback_isServed() async throws {
        let server = Server(configuration: ServerConfiguration(host: "::1", port: 0, threadCount: 1), router: makeTestRouter())
        let address = try server.start()
        #expect(address.isIPv6)
        #expect(address.port > 0)
        let response = try await offload {
            let client = try RawClient(port: address.port, host: "::1")
            try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            return try client.readResponse()
        }
        await server.shutdown()
        #expect(response?.status == 200)
    }

    @Test func peerAddress_isAvailableToHandlers() async throws {
        var router = Router<BasicRequestContext>()
        router.on("/peer", method: .GET) { request, _ in .text(request.peer.host) }
        let response = try await withServer(router: router) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("GET /peer HTTP/1.1\r\nHost: x\r\n\r\n")
                return try client.readResponse()
            }
        }
        #expect(response?.text == "127.0.0.1")
    }

    @Test func bindingAPortInUse_throws() async throws {
        let first = Server(configuration: ServerConfiguration(host: "127.0.0.1", port: 0, threadCount: 1)) { _ in .text("") }
        let address = try first.start()
        let second = Server(configuration: ServerConfiguration(host: "127.0.0.1", port: address.port, threadCount: 1)) { _ in .text("") }
        #expect(throws: (any Error).self) { try second.start() }
        await first.shutdown()
    }

    @Test func noContentAndNotModified_haveNoBody_andFramingIsTheServers() async throws {
        var router = Router<BasicRequestContext>()
        router.on("/204", method: .GET) { _, _ in Response(status: .noContent, body: .string("dropped")) }
        router.on("/304", method: .GET) { _, _ in Response(status: .notModified, body: .string("dropped")) }
        router.on("/lying", method: .GET) { _, _ in
            Response(status: .ok, headers: ["Content-Length": "999", "Transfer-Encoding": "gzip"], body: .string("four"))
        }
        let responses = try await withServer(router: router) { port in
            try await offload { () -> [RawResponse?] in
                let client = try RawClient(port: port)
                try client.send(
                    "GET /204 HTTP/1.1\r\nHost: x\r\n\r\nGET /304 HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /lying HTTP/1.1\r\nHost: x\r\n\r\n")
                return [try client.readResponse(), try client.readResponse(), try client.readResponse()]
            }
        }
        #expect(responses.map { $0?.status } == [204, 304, 200])
        #expect(responses[0]?.header("Content-Length") == nil)
        #expect(responses[1]?.header("Content-Length") == nil)
        #expect(responses[2]?.header("Content-Length") == "4")
        #expect(responses[2]?.header("Transfer-Encoding") == nil)
        #expect(responses[2]?.text == "four")
    }
}
