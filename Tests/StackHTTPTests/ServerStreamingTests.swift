import Foundation
import Testing
import StackHTTP

/// 100-continue, request-body streaming, file and streamed responses.
@Suite struct ServerStreamingTests {
    @Test func expectContinue_isSentWhenTheHandlerReadsTheBody() async throws {
        let (interim, final) = try await withServer(router: makeTestRouter()) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("PUT /count HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
                let interim = try client.readResponse()
                try client.send("hello")
                return (interim, try client.readResponse())
            }
        }
        #expect(interim?.status == 100)
        #expect(final?.status == 200)
        #expect(final?.text == "5")
    }

    @Test func expectContinue_isNotSentWhenTheHandlerRejectsFirst() async throws {
        var router = Router<BasicRequestContext>()
        router.on("/small", method: .POST) { request, _ in
            _ = try await request.body.collect(upTo: 10)  // Content-Length says more: 413 without reading
            return .text("unreachable")
        }
        let (response, closed) = try await withServer(router: router) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("POST /small HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1000000\r\n\r\n")
                return (try client.readResponse(), client.isClosedByPeer())
            }
        }
        #expect(response?.status == 413)  // not 100
        #expect(response?.header("Connection") == "close")
        #expect(closed)
    }

    @Test func collectUpTo_rejectsChunkedBodyPastLimit_with413() async throws {
        var router = Router<BasicRequestContext>()
        router.on("/small", method: .POST) { request, _ in
            Response(body: .bytes(try await request.body.collect(upTo: 4)))
        }
        let response = try await withServer(router: router) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n")
                return try client.readResponse()
            }
        }
        #expect(response?.status == 413)
    }

    @Test func unreadBody_isDrained_andTheConnectionKeptAlive() async throws {
        let responses = try await withServer(router: makeTestRouter()) { port in
            try await offload {
                let client = try RawClient(port: port)
                let body = String(repeating: "z", count: 100_000)
                try client.send("POST /ignore-body HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                return [try client.readResponse()?.text, try client.readResponse()?.text]
            }
        }
        #expect(responses == ["ignored", "Hello, world!"])
    }

    @Test func largeUpload_isStreamedThroughTheHandler() async throws {
        let size = 32 * 1024 * 1024
        let response = try await withServer(router: makeTestRouter()) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("PUT /count HTTP/1.1\r\nHost: x\r\nContent-Length: \(size)\r\n\r\n")
                let block = [UInt8](repeating: 0x61, count: 1 << 20)
                for _ in 0..<32 { try client.send(block) }
                return try client.readResponse()
            }
        }
        #expect(response?.text == "\(size)")
    }

    @Test func slowConsumer_appliesBackPressure_toTheSender() async throws {
        // The handler reads nothing until released; the server must stop reading the socket, so a
        // client with a 1 s send timeout cannot push 64 MiB through.
        let (gate, open) = AsyncStream<Void>.makeStream()
        var router = Router<BasicRequestContext>()
        router.on("/slow", method: .PUT) { request, _ in
            for await _ in gate { break }
            var total = 0
            for try await chunk in request.body { total += chunk.count }
            return .text("\(total)")
        }
        let blocked = try await withServer(router: router) { port in
            let result = try await offload { () -> Bool in
                let client = try RawClient(port: port, timeoutSeconds: 1)
                try client.send("PUT /slow HTTP/1.1\r\nHost: x\r\nContent-Length: \(64 << 20)\r\n\r\n")
                let block = [UInt8](repeating: 0x61, count: 1 << 20)
                for _ in 0..<64 {
                    do { try client.send(block) } catch { return true }  // send timed out: back-pressure
                }
                return false
            }
            open.yield()
            open.finish()
            return result
        }
        #expect(blocked)
    }

    @Test func fileRegion_isSent_andHeadSendsOnlyItsLength() async throws {
        let path = NSTemporaryDirectory() + "stackhttp-\(UUID().uuidString).bin"
        let content = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(content)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var router = Router<BasicRequestContext>()
        router.on("/file", method: .GET) { _, _ in try Response(body: .file(atPath: path)) }
        router.on("/part", method: .GET) { _, _ in try Response(body: .file(atPath: path, range: 1000..<1010)) }
        let (whole, part, head) = try await withServer(router: router) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("GET /file HTTP/1.1\r\nHost: x\r\n\r\nGET /part HTTP/1.1\r\nHost: x\r\n\r\nHEAD /file HTTP/1.1\r\nHost: x\r\n\r\n")
                return (try client.readResponse(), try client.readResponse(), try client.readResponse(headOnly: true))
            }
        }
        #expect(whole?.body == content)
        #expect(part?.body == Array(content[1000..<1010]))
        #expect(head?.header("Content-Length") == "300000")
    }

    @Test func eventStream_isWrittenPieceByPiece_andTheHandlerLearnsThePeerLeft() async throws {
        let (peerLeft, stream) = AsyncStream<Bool>.makeStream()
        var router = Router<BasicRequestContext>()
        router.on("/events", method: .GET) { _, _ in
            Response(headers: ["Content-Type": "text/event-stream"], body: .stream { writer in
                var n = 0
                do {
                    while true {
                        try await writer.write("data: \(n)\n\n")
                        n += 1
                        try await Task.sleep(for: .milliseconds(5))
                    }
                } catch {
                    await writer.waitForPeerClose()
                    stream.yield(writer.isPeerClosed)
                    stream.finish()
                    throw error
                }
            })
        }
        let chunks = try await withServer(router: router) { port in
            let chunks = try await offload { () -> [String] in
                let client = try RawClient(port: port)
                try client.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
                let head = try client.readResponse(headOnly: true)
                guard let head, head.header("Transfer-Encoding") == "chunked" else {
                    throw ClientError(description: "expected a chunked stream, got \(String(describing: head?.status))")
                }
                return try (0..<3).map { _ in String(decoding: try client.readChunk() ?? [], as: UTF8.self) }
                // the client is closed here
            }
            var iterator = peerLeft.makeAsyncIterator()
            #expect(await iterator.next() == true)
            return chunks
        }
        #expect(chunks == ["data: 0\n\n", "data: 1\n\n", "data: 2\n\n"])
    }

    @Test func streamedResponse_endsWithLastChunk_andKeepsTheConnection() async throws {
        var router = Router<BasicRequestContext>()
        router.on("/stream", method: .GET) { _, _ in
            Response(body: .stream { writer in
                for word in ["a", "bb", "ccc"] { try await writer.write(word) }
            })
        }
        router.on("/hello", method: .GET) { _, _ in .text("hi") }
        let texts = try await withServer(router: router) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                return [try client.readResponse()?.text, try client.readResponse()?.text]
            }
        }
        #expect(texts == ["abbccc", "hi"])
    }

    /// RFC 9112 §6.1: no chunked framing to an HTTP/1.0 client; a body of unknown length is sent
    /// as it is and ends when the server closes the connection.
    @Test func streamedResponse_toHTTP10_isCloseDelimited() async throws {
        var router = Router<BasicRequestContext>()
        router.on("/stream", method: .GET) { _, _ in
            Response(body: .stream { writer in
                for word in ["a", "bb", "ccc"] { try await writer.write(word) }
            })
        }
        let (response, closed) = try await withServer(router: router) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                let response = try client.readResponse()
                return (response, client.isClosedByPeer())
            }
        }
        #expect(response?.status == 200)
        #expect(response?.header("Transfer-Encoding") == nil && response?.header("Content-Length") == nil)
        #expect(response?.header("Connection") == "close")
        #expect(response?.text == "abbccc")
        #expect(closed)
    }
}
