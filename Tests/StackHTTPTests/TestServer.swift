import StackHTTP

/// Starts a server on 127.0.0.1 port 0, runs `body` with its port, and always shuts it down.
func withServer<T: Sendable>(
    configure: (inout ServerConfiguration) -> Void = { _ in },
    router: Router<BasicRequestContext>,
    _ body: (Int) async throws -> T
) async throws -> T {
    var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, threadCount: 2)
    configure(&configuration)
    let server = Server(configuration: configuration, router: router)
    let address = try server.start()
    do {
        let result = try await body(address.port)
        await server.shutdown(gracePeriod: .seconds(2))
        return result
    } catch {
        await server.shutdown(gracePeriod: .seconds(2))
        throw error
    }
}

/// A router with a few routes most server tests use.
func makeTestRouter() -> Router<BasicRequestContext> {
    var router = Router<BasicRequestContext>()
    router.on("/hello", method: .GET) { _, _ in .text("Hello, world!") }
    router.on("/echo", method: .POST) { request, _ in
        let bytes = try await request.body.collect(upTo: 1 << 20)
        return Response(status: .ok, body: .bytes(bytes))
    }
    router.on("/count", method: .PUT) { request, _ in
        var total = 0
        for try await chunk in request.body { total += chunk.count }
        return .text("\(total)")
    }
    router.on("/ignore-body", method: .POST) { _, _ in .text("ignored") }
    router.on("/fail", method: .GET) { _, _ in
        struct Secret: Error {}
        throw Secret()
    }
    return router
}
