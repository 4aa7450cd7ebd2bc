// Benchmark server: GET /hello (13-byte body) and GET /json (400-byte JSON), keep-alive.
// Built by bench/run.sh with swiftc, StackHTTP's sources compiled in (no package graph needed).
// Usage: http-bench [port]
#if canImport(Glibc)
import Glibc
#endif

let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 8080 : 8080

func makeJSON() -> [UInt8] {
    // A fixed 400-byte JSON document.
    var text = #"{"id":"01J9Z6Q0000000000000000000","type":"note","version":3,"title":"Benchmark record","tags":["a","b","c"],"body":""#
    let tail = #"","created":"2026-01-01T00:00:00Z"}"#
    while text.utf8.count + tail.utf8.count < 400 { text += "x" }
    return Array((text + tail).utf8)
}

let json = makeJSON()
precondition(json.count == 400)

var router = Router<BasicRequestContext>()
router.on("/hello", method: .GET) { _, _ in
    Response(status: .ok, headers: ["Content-Type": "text/plain"], body: .string("Hello, World!"))
}
router.on("/json", method: .GET) { _, _ in
    Response(status: .ok, headers: ["Content-Type": "application/json"], body: .bytes(json))
}
// Streams the request body without keeping it (measures that memory stays flat during a big upload).
router.on("/upload", method: .PUT) { request, _ in
    var total = 0
    for try await chunk in request.body { total += chunk.count }
    return .text("\(total)\n")
}
let server = Server(configuration: ServerConfiguration(host: "127.0.0.1", port: port), router: router)
let address = try server.start()
print("listening on \(address)")
await server.waitUntilStopped()
