// `subledger serve`: the HTTP edge on one `Ledger` (architecture.md, "Where the picture grows next").

import Hummingbird
import Logging
import ServiceLifecycle
import Subledger
import SubledgerConsole

public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Serve without tokens (refused unless `host` is a loopback address).
    public var noAuth: Bool
    /// The least level logged: trace, debug, info (one line per request), notice, warning, error, critical.
    public var logLevel: String
    /// The ledger file, for reads that open their own connection (`/v1/verify`); nil: none do.
    public var databasePath: String?

    public init(
        host: String = "127.0.0.1", port: Int = 8080, noAuth: Bool = false, logLevel: String = "info",
        databasePath: String? = nil
    ) {
        self.host = host
        self.port = port
        self.noAuth = noAuth
        self.logLevel = logLevel
        self.databasePath = databasePath
    }

    public static let logLevels = Logger.Level.allCases.map(\.rawValue)
}

/// The router: health, the write routes, the read routes, behind the request-id and problem middleware.
/// Without `authenticate` (`--no-auth`) every route is open.
public func buildRouter(
    service: LedgerService, authenticate: Bool = true, metrics: ServerMetrics = ServerMetrics()
) -> Router<ServerContext> {
    let router = Router(context: ServerContext.self)
    router.add(middleware: EdgeMiddleware())
    // Inside the edge, so it sees a route's error before it becomes problem+json.
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    let routes = RouteTable()
    router.add(middleware: MethodNotAllowedMiddleware(routes: routes))
    // The web console (issue 13) at `/`: before the bearer-token middleware, it checks its session cookie.
    // Its verify button reads the whole chain on a connection of its own, off the queue, as `GET /v1/verify`.
    Console.mount(
        on: router, authenticate: authenticate, read: { try await service.read($0) },
        verify: {
            if let report = try await service.offQueueLog({ try $0.verifyChain() }) { return report }
            return try await service.read { try $0.verify() }
        })
    if authenticate { router.add(middleware: AccessMiddleware(service: service)) }
    router.get("/healthz") { _, _ in
        JSONResponse.make(["status": "ok"])
    }
    CommandRoutes.add(to: router, service: service)
    addQueryRoutes(to: router, service: service)
    addMetricsRoute(to: router, service: service, metrics: metrics)
    OpenAPIDocument.add(to: router)
    routes.fill(router.routes)
    return router
}

/// The application serving `service` on `configuration`'s address. Run it in a `ServiceGroup` after the
/// service (see `serve`), so a shutdown stops the server before the ledger closes.
public func buildApplication(
    service: LedgerService, configuration: ServerConfiguration, logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(service: service, authenticate: !configuration.noAuth),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// Runs the server until SIGTERM or SIGINT, then shuts down gracefully: stop accepting, answer the
/// requests in flight (their commands finish), close the ledger.
public func serve(
    _ service: LedgerService, configuration: ServerConfiguration, logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws {
    let app = buildApplication(
        service: service, configuration: configuration, logger: logger, onServerRunning: onServerRunning)
    // Shut down in reverse order: the server first (in-flight requests complete), then the ledger.
    let group = ServiceGroup(
        configuration: .init(
            services: [.init(service: service), .init(service: app)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
}
