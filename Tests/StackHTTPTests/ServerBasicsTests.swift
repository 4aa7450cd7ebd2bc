import Testing
import StackHTTP

@Suite struct ServerBasicsTests {
    @Test func getHello_returnsBodyWithDateAndExactLength() async throws {
        let response = try await withServer(router: makeTestRouter()) { port in
            try await offload {
                let client = try RawClient(port: port)
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                return try client.readResponse()
            }
        }
        #expect(response?.status == 200)
        #expect(response?.text == "Hello, world!")
        #expect(response?.header("Content-Length") == "13")
        #expect(response?.header("Date")?.hasSuffix(" GMT") == true)
    }
}
