import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal HTTP/1.1 client over a TCP socket, independent of StackHTTP's parser, so a parser bug
/// cannot hide behind the same parser in the tests. One request per connection (`Connection: close`).
/// Blocking socket calls run on a Dispatch queue, never on the cooperative pool.
enum SocketClient {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Sends raw request bytes to 127.0.0.1:`port` and reads until the server closes (or, with
    /// `stopAt`, until the bytes read contain it; the client then closes, as a leaving peer does).
    static func exchange(port: Int, request: [UInt8], stopAt: [UInt8]? = nil) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try exchangeBlocking(port: port, request: request, stopAt: stopAt) })
            }
        }
    }

    /// Sends a request and parses the response (status, headers, body de-chunked).
    static func send(
        port: Int, method: String, target: String, headers: [(name: String, value: String)], body: [UInt8]
    ) async throws -> TestResponse {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for header in headers { head += "\(header.name): \(header.value)\r\n" }
        if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method) { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        let raw = try await exchange(port: port, request: Array(head.utf8) + body)
        return try parse(raw, isHead: method == "HEAD")
    }

    static func parse(_ raw: [UInt8], isHead: Bool) throws -> TestResponse {
        guard let end = find([13, 10, 13, 10], in: raw) else { throw Failure(description: "no response head") }
        let headText = String(decoding: raw[..<end], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure(description: "bad status line") }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        var body = Array(raw[(end + 4)...])
        let chunked = headers.contains { $0.name.lowercased() == "transfer-encoding" && $0.value.lowercased().contains("chunked") }
        if chunked && !isHead { body = try dechunk(body) }
        return TestResponse(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while true {
            guard let lineEnd = find([13, 10], in: Array(bytes[index...])) else { throw Failure(description: "bad chunk") }
            let sizeText = String(decoding: bytes[index..<(index + lineEnd)], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText, radix: 16) else { throw Failure(description: "bad chunk size") }
            index += lineEnd + 2
            if size == 0 { return out }
            out += bytes[index..<(index + size)]
            index += size + 2
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<(start + needle.count)]) == needle {
            return start
        }
        return nil
    }

    private static func exchangeBlocking(port: Int, request: [UInt8], stopAt: [UInt8]?) throws -> [UInt8] {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect: \(errno)") }
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { systemSend(fd, $0.baseAddress! + sent, request.count - sent, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure(description: "send: \(errno)") }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            response += buffer[0..<n]
            if let stopAt, find(stopAt, in: response) != nil { break }
        }
        return response
    }
}

import Foundation

#if canImport(Glibc)
private let systemSend = Glibc.send
#else
private let systemSend = Darwin.send
#endif
