import Testing
import StackHTTP

@Suite struct RequestParserTests {
    @Test func simpleGet_producesHeadAndEmptyBody() {
        let (outcome, agree) = parseBothWays("GET /a/b?c=d HTTP/1.1\r\nHost: example\r\nAccept: */*\r\n\r\n")
        #expect(agree)
        #expect(outcome.error == nil)
        let head = outcome.heads.first
        #expect(head != nil)
        #expect(head?.method == .GET)
        #expect(head?.target == "/a/b?c=d")
        #expect(head?.version == .http1_1)
        #expect(head?.headers["host"] == "example")
        #expect(head?.headers["ACCEPT"] == "*/*")
        #expect(head?.keepAlive == true)
        #expect(outcome.bodies == [[]])
    }

    @Test func repeatedFields_areKeptInOrder_andValuesTrimmed() {
        let (outcome, agree) = parseBothWays("GET / HTTP/1.1\r\nHost: a\r\nX-Tag:  one \t\r\nx-tag: two\r\n\r\n")
        #expect(agree)
        #expect(outcome.heads.first?.headers.values(for: "X-Tag") == ["one", "two"])
    }

    @Test func contentLengthBody_isDelivered() {
        let (outcome, agree) = parseBothWays("POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello")
        #expect(agree)
        #expect(outcome.bodies == [Array("hello".utf8)])
        #expect(outcome.heads.first?.framing == .length(5))
    }

    @Test func chunkedBody_withExtensionsAndTrailers_isDecoded() {
        let text = "POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n6 ; ext\r\n world\r\n0\r\nX-Trailer: t\r\nOther: u\r\n\r\n"
            + "GET /next HTTP/1.1\r\nHost: a\r\n\r\n"
        let (outcome, agree) = parseBothWays(text)
        #expect(agree)
        #expect(outcome.error == nil)
        #expect(outcome.bodies == [Array("hello world".utf8), []])
        #expect(outcome.heads.map(\.target) == ["/u", "/next"])
        #expect(outcome.heads.first?.headers["X-Trailer"] == nil)  // trailers are discarded
    }

    @Test func pipelinedRequests_areParsedInOrder() {
        let text = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nokGET /3 HTTP/1.1\r\nHost: a\r\n\r\n"
        let (outcome, agree) = parseBothWays(text)
        #expect(agree)
        #expect(outcome.heads.map(\.target) == ["/1", "/2", "/3"])
        #expect(outcome.bodies == [[], Array("ok".utf8), []])
    }

    @Test func leadingEmptyLines_areIgnored() {
        let (outcome, agree) = parseBothWays("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(agree)
        #expect(outcome.heads.count == 1)
    }

    @Test func http10_closesAndConnectionClose_isHonoured() {
        #expect(parse("GET / HTTP/1.0\r\n\r\n").heads.first?.keepAlive == false)
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Close\r\n\r\n").heads.first?.keepAlive == false)
    }

    @Test func expectContinue_isReported_onlyWithABody() {
        #expect(parse("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n").heads.first?.expectsContinue == true)
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n").heads.first?.expectsContinue == false)
        #expect(parse("PUT / HTTP/1.1\r\nHost: a\r\nExpect: something\r\nContent-Length: 3\r\n\r\n").error?.status == .expectationFailed)
    }

    @Test func validHosts_areAccepted() {
        for host in ["a", "example.com", "example.com:8787", "127.0.0.1:1", "[::1]:8787", "[::1]", "a%41b", "x:", "", "xn--bcher-kva.example"] {
            #expect(parse("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n").heads.count == 1, "\(host)")
        }
    }

    @Test func absoluteForm_isReducedToPath() {
        #expect(parse("GET http://example.com/x?y=1 HTTP/1.1\r\nHost: example.com\r\n\r\n").heads.first?.target == "/x?y=1")
    }

    // MARK: Rejections (each must be 400 unless stated, and the parser stays failed)

    static let badRequests: [(String, String)] = [
        ("CL and TE", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("TE then CL", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"),
        ("TE not chunked last", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n"),
        ("TE identity", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n"),
        ("chunked twice", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"),
        ("TE in 1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"),
        ("differing CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 50\r\n\r\n"),
        ("CL plus sign", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n"),
        ("CL negative", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"),
        ("CL list", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n"),
        ("CL hex", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\n"),
        ("CL empty", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n"),
        ("CL overflow", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
        ("obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"),
        ("bare CR in value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n"),
        ("bare LF line end", "GET / HTTP/1.1\nHost: a\n\n"),
        ("bare LF in fields", "GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n"),
        ("space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n"),
        ("invalid name char", "GET / HTTP/1.1\r\nHost: a\r\nX(y): z\r\n\r\n"),
        ("empty name", "GET / HTTP/1.1\r\nHost: a\r\n: z\r\n\r\n"),
        ("NUL in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\u{0}b\r\n\r\n"),
        ("DEL in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\u{7F}b\r\n\r\n"),
        ("missing host", "GET / HTTP/1.1\r\n\r\n"),
        ("two hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
        ("host with space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n"),
        ("host with userinfo", "GET / HTTP/1.1\r\nHost: a@b\r\n\r\n"),
        ("host as URL", "GET / HTTP/1.1\r\nHost: http://x/\r\n\r\n"),
        ("host port too long", "GET / HTTP/1.1\r\nHost: x:99999999\r\n\r\n"),
        ("host port not digits", "GET / HTTP/1.1\r\nHost: x:8a\r\n\r\n"),
        ("host bad escape", "GET / HTTP/1.1\r\nHost: a%4\r\n\r\n"),
        ("host unclosed literal", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n"),
        ("double space", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("tab separator", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("lowercase version", "GET / http/1.1\r\nHost: a\r\n\r\n"),
        ("no version", "GET /\r\nHost: a\r\n\r\n"),
        ("invalid method", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("control in target", "GET /a\u{1}b HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("relative target", "GET a/b HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("chunk size sign", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n"),
        ("chunk size space", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n"),
        ("chunk size missing", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\r\nhello\r\n0\r\n\r\n"),
        ("chunk size garbage", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\nhello\r\n0\r\n\r\n"),
        ("chunk overflow", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n"),
        ("chunk data no CRLF", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n"),
        ("chunk bare LF", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n"),
        ("trailer obs-fold", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: b\r\n c\r\n\r\n"),
        ("trailer no colon", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nnocolon\r\n\r\n"),
    ]

    @Test(arguments: badRequests)
    func malformedRequest_isRejectedWith400(_ name: String, _ text: String) {
        let (outcome, agree) = parseBothWays(text)
        #expect(agree, "\(name): byte-at-a-time disagrees")
        #expect(outcome.error?.status == .badRequest, "\(name): \(String(describing: outcome.error))")
    }

    @Test func identicalRepeatedContentLength_isAccepted() {
        let outcome = parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok")
        #expect(outcome.error == nil)
        #expect(outcome.bodies == [Array("ok".utf8)])
    }

    @Test func unknownTransferCodingBeforeChunked_is501() {
        #expect(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").error?.status == .notImplemented)
    }

    @Test func unsupportedMajorVersion_is505() {
        #expect(parse("GET / HTTP/2.0\r\nHost: a\r\n\r\n").error?.status == .httpVersionNotSupported)
    }

    @Test func parserStaysFailed_afterAnError() {
        var parser = RequestParser()
        parser.append(Array("GET / HTTP/1.1\r\nHost : a\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.self) { try parser.next() }
        parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.self) { try parser.next() }
    }

    // MARK: Limits

    @Test func headOverLimit_is431_exactlyAtTheByteTooMany() {
        let prefix = "GET / HTTP/1.1\r\nHost: a\r\nX: "
        let limit = 16 * 1024
        let fits = prefix + String(repeating: "v", count: limit - prefix.utf8.count - 4) + "\r\n\r\n"
        #expect(fits.utf8.count == limit)
        #expect(parse(fits).error == nil)
        let tooBig = prefix + String(repeating: "v", count: limit - prefix.utf8.count - 3) + "\r\n\r\n"
        #expect(parse(tooBig).error?.status == .requestHeaderFieldsTooLarge)
    }

    @Test func headLimit_isEnforcedBeforeTheHeadEnds() {
        // No terminator ever arrives: the parser must refuse once the limit is passed, not buffer on.
        var parser = RequestParser()
        parser.append(Array(("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 17 * 1024)).utf8))
        #expect { try parser.next() } throws: { ($0 as? HTTPParseError)?.status == .requestHeaderFieldsTooLarge }
    }

    @Test func targetOverLimit_is414() {
        let target = "/" + String(repeating: "a", count: 8 * 1024)
        #expect(parse("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n").error?.status == .uriTooLong)
        let fits = "/" + String(repeating: "a", count: 8 * 1024 - 1)
        #expect(parse("GET \(fits) HTTP/1.1\r\nHost: a\r\n\r\n").error == nil)
    }

    @Test func tooManyFields_is431() {
        var limits = ParserLimits()
        limits.maxHeaderCount = 3
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n", limits: limits).error == nil)
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: limits).error?.status == .requestHeaderFieldsTooLarge)
    }

    @Test func oversizedChunkExtension_isRejected() {
        let ext = String(repeating: "e", count: 5000)
        let text = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;\(ext)\r\n"
        #expect(parse(text).error?.status == .badRequest)
    }

    @Test func oversizedTrailers_are431() {
        let trailer = "T: " + String(repeating: "t", count: 17 * 1024) + "\r\n"
        let text = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\(trailer)\r\n"
        #expect(parse(text).error?.status == .requestHeaderFieldsTooLarge)
    }

    @Test func everyByteValue_inFieldValue_isAcceptedOrRejectedConsistently() {
        for byte in 0...255 {
            var bytes = Array("GET / HTTP/1.1\r\nHost: a\r\nX: a".utf8)
            bytes.append(UInt8(byte))
            bytes += Array("b\r\n\r\n".utf8)
            let outcome = parse(bytes)
            let allowed = byte == 0x09 || (byte >= 0x20 && byte != 0x7F)
            if byte == 0x0D || byte == 0x0A {
                #expect(outcome.error?.status == .badRequest, "byte \(byte)")
            } else {
                #expect((outcome.error == nil) == allowed, "byte \(byte)")
            }
            #expect(parse(bytes, byteAtATime: true).error == outcome.error, "byte \(byte)")
        }
    }

    @Test func everyByteValue_inFieldName_onlyTokenCharsAccepted() {
        let tchars = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for byte in 0...255 where byte != 0x3A {
            var bytes = Array("GET / HTTP/1.1\r\nHost: a\r\nX".utf8)
            bytes.append(UInt8(byte))
            bytes += Array("Y: v\r\n\r\n".utf8)
            let outcome = parse(bytes)
            #expect((outcome.error == nil) == tchars.contains(UInt8(byte)), "byte \(byte)")
        }
    }
}
