import HTTPTypes
import Hummingbird
import Subledger

/// Bearer tokens (issue 12, item 4): every route but `/healthz` needs a token whose role covers the
/// route's: `read` for queries, events and metrics, `post` for commands and batches, `close` for closes,
/// recalculations and reversals, `admin` for any other write. A missing, unknown or revoked token is 401,
/// a role too low 403. The token's name becomes the `actor` of the commands the request runs.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let service: LedgerService

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        guard let required = Self.requiredRole(request.method, request.uri.path) else {
            return try await next(request, context)
        }
        guard let bearer = Self.bearer(request.headers[.authorization]) else {
            throw Problem.unauthorized("send the header Authorization: Bearer TOKEN (`subledger token create`)")
        }
        // The token table is read on the ledger's queue (prepared statements, no catch-up needed): a
        // revocation by another process counts at the next request.
        guard let token = try await service.onQueue({ try $0.authenticate(bearer: bearer) }) else {
            throw Problem.unauthorized("the token is unknown or revoked")
        }
        try Self.require(required, of: token)
        var context = context
        context.token = token
        context.logger[metadataKey: "actor"] = .string(token.name)
        return try await next(request, context)
    }

    /// The role a route needs; nil for the open ones.
    static func requiredRole(_ method: HTTPRequest.Method, _ path: String) -> TokenRole? {
        if path == "/healthz" { return nil }
        guard method != .get && method != .head else { return .read }
        switch path {
        case "/v1/commands", "/v1/batches": return .post
        case "/v1/closes", "/v1/recalculations", "/v1/reversals": return .close
        default: return .admin
        }
    }

    /// Refused with 403 unless `token`'s role includes `required`; nil `token` (no auth) passes.
    static func require(_ required: TokenRole, of token: TokenInfo?) throws {
        guard let token, !token.role.allows(required) else { return }
        throw Problem(
            .forbidden, code: "forbidden",
            detail: "token '\(token.name)' has role \(token.role.rawValue); this needs \(required.rawValue) or higher")
    }

    /// The secret of `Authorization: Bearer SECRET` (the scheme in any case, RFC 7235).
    static func bearer(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let secret = parts[1].drop { $0 == " " }
        return secret.isEmpty ? nil : String(secret)
    }
}

extension Problem {
    static func unauthorized(_ detail: String) -> Problem {
        Problem(.unauthorized, code: "unauthorized", detail: detail)
    }
}
