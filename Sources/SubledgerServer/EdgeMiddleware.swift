import HTTPTypes
import Hummingbird
import Logging
import Subledger

/// The outermost middleware: gives each request its id (the client's `X-Request-Id` when usable, else a
/// new one), puts it on every log line of the request and echoes it, and turns every error a route throws
/// into problem+json with the same id.
struct EdgeMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        let id = request.headers[.requestID].flatMap(Self.usable) ?? RequestID().description
        context.requestID = id
        // Hummingbird's own lines carry this key too: one id per request, whatever logged it.
        context.logger[metadataKey: "hb.request.id"] = .string(id)
        let start = ContinuousClock.now
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = id
            Self.log(request, response.status, since: start, context.logger)
            return response
        } catch {
            let problem = Problem(error)
            Self.log(request, problem.status, since: start, context.logger, problem: problem)
            return problem.response(requestID: id)
        }
    }

    /// One line per request: `POST /v1/commands 201 1.2 ms`, with a problem's code and detail; 5xx as errors.
    static func log(
        _ request: Request, _ status: HTTPResponse.Status, since start: ContinuousClock.Instant, _ logger: Logger,
        problem: Problem? = nil
    ) {
        let level: Logger.Level = status.code >= 500 ? .error : .info
        guard logger.logLevel <= level else { return }
        let elapsed = ContinuousClock.now - start
        let microseconds = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        let milliseconds = "\(microseconds / 1000).\(microseconds % 1000 / 100)"
        var line = "\(request.method) \(request.uri.path) \(status.code) \(milliseconds) ms"
        if let problem { line += " \(problem.code): \(problem.detail)" }
        logger.log(level: level, "\(line)")
    }

    /// A client's request id is echoed only when it is short, visible ASCII (it goes into headers and logs).
    static func usable(_ id: String) -> String? {
        guard (1...128).contains(id.utf8.count) else { return nil }
        return id.utf8.allSatisfy { (0x21...0x7E).contains($0) } ? id : nil
    }
}

/// JSON documents as responses.
enum JSONResponse {
    static func make(
        _ value: JSONValue, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]
    )
        -> Response
    {
        var headers = extra
        headers[.contentType] = "application/json"
        return Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: value.serialized() + "\n")))
    }

    /// A document serialized already (compact JSON, UTF-8), answered 200 with the newline every body ends with.
    static func make(bytes: [UInt8]) -> Response {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(bytes.count + 1)
        buffer.writeBytes(bytes)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }
}
