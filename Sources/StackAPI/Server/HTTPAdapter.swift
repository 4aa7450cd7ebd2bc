import Dispatch
import StackHTTP
import StackStore

/// Joins the API to the HTTP server: `StackHTTP.Request` in, `StackHTTP.Response` out.
extension App {
    /// A server that answers every request through this app.
    ///
    /// ```swift
    /// let server = app.makeServer(configuration: ServerConfiguration(host: "127.0.0.1", port: 8787))
    /// let address = try server.start()
    /// ```
    public func makeServer(configuration: ServerConfiguration) -> Server {
        var configuration = configuration
        configuration.errorResponse = App.serverErrorResponse
        // SPEC §6: a line for requests the server refused before the API saw them, too.
        let log = self.configuration.log
        configuration.onRejected = { status, bytes in
            log(
                AccessLog.line(
                    timeMilliseconds: Timestamp.now().milliseconds, method: "-", target: "-", status: Int(status.code),
                    durationSeconds: 0, bytes: bytes, entityId: nil))
        }
        // Handlers never block (the store and blob I/O run on their own threads), so they run on
        // the connection's loop: a request then hops only to the store's thread and back.
        configuration.runsHandlersOnEventLoops = true
        // Each loop reads records and tokens by key on a connection of its own, inline: a GET then
        // costs no hop at all. Without one (should it fail to open), reads go to the store's readers.
        let store = self.store
        configuration.onEventLoopStart = { try? store.bindReaderToCurrentThread() }
        return Server(configuration: configuration) { [self] request in
            await self.respond(to: request)
        }
    }

    /// Answers one HTTP request.
    public func respond(to request: Request) async -> Response {
        let apiRequest = APIRequest(
            method: request.method.rawValue, target: request.target,
            headers: request.headers.map { (name: $0.name, value: $0.value) },
            peerAddress: request.peer.host.isEmpty ? "unknown" : request.peer.host,
            body: StreamedRequestBody(request.body))
        return await makeResponse(await handle(apiRequest))
    }

    func makeResponse(_ response: APIResponse) async -> Response {
        var fields = HTTPFields()
        for header in response.headers { fields.append(name: header.name, value: header.value) }
        let status = HTTPStatus(code: response.status, reasonPhrase: ReasonPhrase.for(response.status))
        if let file = response.file {
            // The blob's bytes go out with sendfile(2) through a region of the same immutable file.
            if let region = await fileRegion(for: file, sha256: response.header("ETag")) {
                file.close()
                return Response(status: status, headers: fields, body: .file(region))
            }
            file.close()
            configuration.log("error: cannot open an attachment's blob")
            return await makeResponse(Problem.internalError.response)
        }
        if let stream = response.stream {
            return Response(status: status, headers: fields, body: .stream { writer in try await stream { try await writer.write($0) } })
        }
        return Response(status: status, headers: fields, body: .bytes(response.body))
    }

    /// A region of the blob's file for `sendfile(2)`. Opened where the handler runs (its event
    /// loop): `open(2)` and `fstat(2)` of a local file the store has just opened are metadata
    /// lookups in the kernel's caches, as nginx does them on its event loops; a hop to another
    /// thread would cost more than the calls.
    private func fileRegion(for file: OpenBlob, sha256 etag: String?) async -> FileRegion? {
        guard let etag, etag.count == 66, let blobs = blobPaths else { return nil }
        let digest = String(etag.dropFirst().dropLast())
        guard let path = try? blobs.path(for: digest) else { return nil }
        let lower = Int(file.offset)
        let range = lower..<(lower + Int(file.length))
        return try? FileRegion(path: path, range: range)
    }
}

/// Reads a `StackHTTP` request body for the API, one chunk at a time.
// @unchecked: the iterator is only advanced by the one task handling the request, sequentially
// (an APIRequestBody is read once, by one route, never concurrently).
final class StreamedRequestBody: APIRequestBody, @unchecked Sendable {
    private var iterator: RequestBody.AsyncIterator
    let declaredLength: Int?

    init(_ body: RequestBody) {
        iterator = body.makeAsyncIterator()
        declaredLength = body.expectedLength
    }

    func nextChunk() async throws -> [UInt8]? {
        do {
            return try await iterator.next()
        } catch let error as HTTPError {
            throw Self.unreadable(error.status)
        } catch let error as HTTPParseError {
            // Malformed body framing (a bad chunk size): the server answers with this status and
            // closes; the API's answer and its log line say the same.
            throw Self.unreadable(error.status)
        } catch is ConnectionClosedError {
            throw Problem.clientClosedRequest
        }
    }
}

extension StreamedRequestBody {
    /// The answer to a body the server could not read (timed out, too large, malformed framing).
    static func unreadable(_ status: HTTPStatus) -> Problem {
        Problem(
            type: "urn:stack:problem:bad-request", title: status.reasonPhrase, status: status.code,
            detail: "The request body could not be read.")
    }
}

/// Reason phrases for the statuses the API sends.
enum ReasonPhrase {
    static func `for`(_ code: Int) -> String {
        switch code {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 206: "Partial Content"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 416: "Range Not Satisfiable"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: ""
        }
    }
}
