import HTTPTypes
import Hummingbird
import Synchronization

/// The routes the router serves, filled once the router is built (the middleware is added before the
/// routes it guards, so it cannot read them at that point).
final class RouteTable: Sendable {
    private let box = Mutex<[(segments: [Substring], method: String)]>([])

    func fill(_ routes: [Router<ServerContext>.RouteDescription]) {
        box.withLock { table in
            table = routes.map { (Self.segments("\($0.path)"), $0.method.rawValue) }
        }
    }

    /// The methods served at `path`, sorted (empty when no route has that path).
    func methods(at path: String) -> [String] {
        let parts = Self.segments(path)
        return box.withLock { table in
            Set(table.filter { Self.matches($0.segments, parts) }.map(\.method)).sorted()
        }
    }

    static func segments(_ path: String) -> [Substring] { path.split(separator: "/") }

    /// `{name}` in a route matches any one segment.
    static func matches(_ route: [Substring], _ path: [Substring]) -> Bool {
        route.count == path.count
            && zip(route, path).allSatisfy { pattern, part in pattern.first == "{" || pattern == part }
    }
}

/// 405 with `Allow` for a path the API serves under other methods: a 404 would tell the client the
/// resource does not exist (RFC 9110, 15.5.6).
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let routes: RouteTable

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(at: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else { throw error }
            throw Problem(
                .methodNotAllowed, code: "method-not-allowed",
                detail: "\(request.uri.path) takes \(allowed.joined(separator: ", ")), not \(request.method.rawValue)",
                allow: allowed)
        }
    }
}
