import Hummingbird

let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 8081 : 8081

func makeJSON() -> String {
    var text = #"{"id":"01J9Z6Q0000000000000000000","type":"note","version":3,"title":"Benchmark record","tags":["a","b","c"],"body":""#
    let tail = #"","created":"2026-01-01T00:00:00Z"}"#
    while text.utf8.count + tail.utf8.count < 400 { text += "x" }
    return text + tail
}

let json = ByteBuffer(string: makeJSON())
precondition(json.readableBytes == 400)
let router = Router()
router.get("/hello") { _, _ in "Hello, World!" }
router.get("/json") { _, _ in
    Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: json))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
