// libFuzzer entry point over RequestParser. Built by fuzz/run.sh with the parser sources compiled in.
//
// Properties checked on every input (a violation traps, which libFuzzer reports as a crash):
// 1. the parser never crashes, whatever the bytes;
// 2. feeding the input whole, one byte at a time, or split at a data-derived point yields the same
//    events (same heads, same body bytes, same final error);
// 3. a Content-Length body yields exactly that many bytes; buffered bytes never exceed what was fed.

struct Outcome: Equatable {
    var heads: [String] = []
    var body: [[UInt8]] = []
    var ends = 0
    var error: String? = nil
}

func describe(_ head: RequestHead) -> String {
    var s = "\(head.method.rawValue) \(head.target) \(head.version) \(head.framing) \(head.keepAlive) \(head.expectsContinue)"
    for field in head.headers { s += "|\(field.name):\(field.value)" }
    return s
}

func run(_ input: [UInt8], splits: [Int]) -> Outcome {
    var parser = RequestParser()
    var outcome = Outcome()
    var currentBody: [UInt8] = []
    var expectedLength: Int? = nil
    var position = 0
    var fed = 0
    for cut in splits + [input.count] where cut >= position {
        parser.append(Array(input[position..<cut]))
        fed += cut - position
        position = cut
        precondition(parser.bufferedByteCount <= fed)
        do {
            while let event = try parser.next() {
                switch event {
                case .head(let head):
                    outcome.heads.append(describe(head))
                    if case .length(let n) = head.framing { expectedLength = n } else { expectedLength = nil }
                    currentBody = []
                case .body(let bytes):
                    precondition(!bytes.isEmpty)
                    currentBody += bytes
                case .end:
                    if let expectedLength { precondition(currentBody.count == expectedLength) }
                    outcome.body.append(currentBody)
                    outcome.ends += 1
                }
            }
        } catch {
            outcome.error = error.description
            return outcome
        }
    }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = run(input, splits: [])
    let bytewise = run(input, splits: Array(0..<input.count))
    precondition(whole == bytewise, "byte-at-a-time feeding disagrees with whole input")
    if input.count > 2 {
        let cut = Int(input[0]) % input.count
        precondition(whole == run(input, splits: [cut]), "split feeding disagrees with whole input")
    }
    return 0
}
