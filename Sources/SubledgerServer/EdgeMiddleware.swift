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
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = id
            return response
        } catch {
            let problem = Problem(error)
            let level: Logger.Level = problem.status.code >= 500 ? .error : .info
            context.logger.log(level: level, "\(problem.status.code) \(problem.code): \(problem.detail)")
            return problem.response(requestID: id)
        }
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
}
