import Hummingbird
import Subledger

/// Times every request by route template and counts what the write routes decided: a 2xx that appended
/// (not an idempotent replay) is a command accepted, a thrown problem on a POST a rejection by its code.
/// Goes right after `EdgeMiddleware`, so the errors reach it before they become problem+json.
public struct MetricsMiddleware: RouterMiddleware {
    public typealias Context = ServerContext
    let metrics: ServerMetrics

    public init(metrics: ServerMetrics) {
        self.metrics = metrics
    }

    public func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        let isCommand = request.method == .post
        do {
            let response = try await next(request, context)
            record(request, context, since: start, clock)
            if isCommand, (200..<300).contains(response.status.code),
                response.headers[.idempotentReplayed] != "true"
            {
                metrics.commandAccepted(kind: Self.kind(context.endpointPath))
            }
            return response
        } catch {
            record(request, context, since: start, clock)
            if isCommand { metrics.commandRejected(code: Problem(error).code) }
            throw error
        }
    }

    func record(
        _ request: Request, _ context: ServerContext, since start: ContinuousClock.Instant, _ clock: ContinuousClock
    ) {
        metrics.requestAnswered(
            route: context.endpointPath ?? "unmatched", method: request.method.rawValue, after: clock.now - start)
    }

    /// The kind of a write route: `/v1/commands` is `command`, `/v1/batches` `batch`, `/v1/closes`
    /// `close`, `/v1/recalculations` `recalculation`, `/v1/reversals` `reversal`.
    static func kind(_ route: String?) -> String {
        switch route {
        case "/v1/commands": return "command"
        case "/v1/batches": return "batch"
        case "/v1/closes": return "close"
        case "/v1/recalculations": return "recalculation"
        case "/v1/reversals": return "reversal"
        default: return "other"
        }
    }
}
