import Hummingbird
import HummingbirdTesting
import Subledger
import SubledgerTestSupport
import Testing

@testable import SubledgerServer

@Suite struct MetricsTests {
    /// The router `buildRouter` makes, with the metrics middleware right after the edge middleware and
    /// `GET /metrics`.
    static func router(_ service: LedgerService, _ metrics: ServerMetrics) -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        router.add(middleware: EdgeMiddleware())
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        CommandRoutes.add(to: router, service: service)
        addQueryRoutes(to: router, service: service)
        addMetricsRoute(to: router, service: service, metrics: metrics)
        return router
    }

    /// `name{labels} value` lines of the text format; comments (`# HELP`, `# TYPE`) checked and skipped.
    static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("#") {
                #expect(line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE "), "\(line)")
                continue
            }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                Issue.record("not a sample: \(line)")
                continue
            }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    @Test func metricsCountCommandsRejectionsByCodeAndTimeRoutes() async throws {
        let database = TemporaryDatabase("metrics")
        defer { database.remove() }
        let ledger = try Ledger(path: database.path)
        try ledger.execute(try Posting.command("item", "item=A model=fifo"))
        try ledger.execute(.close(LedgerDate("2026-01-31")!), commandID: "close-jan")
        let service = LedgerService(ledger: ledger)
        let metrics = ServerMetrics()
        let app = Application(router: Self.router(service, metrics))
        try await app.test(.router) { client in
            let good = #"{"command":"receive","date":"2026-02-02","item":"A","tx":"P1","qty":"1","cost":"2"}"#
            let closed = #"{"command":"receive","date":"2026-01-20","item":"A","tx":"P0","qty":"1","cost":"2"}"#
            let posted = try await client.execute(
                uri: "/v1/commands", method: .post, body: ByteBuffer(string: good))
            #expect(posted.status == .created)
            let refused = try await client.execute(
                uri: "/v1/commands", method: .post, body: ByteBuffer(string: closed))
            #expect(refused.status == .conflict)
            _ = try await client.execute(uri: "/v1/onhand", method: .get)
            _ = try await client.execute(uri: "/v1/transactions/P1", method: .get)

            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let samples = Self.samples(String(buffer: response.body))
            #expect(samples[#"subledger_command_rejections_total{code="period-closed"}"#] == 1)
            #expect(samples[#"subledger_commands_total{kind="command"}"#] == 1)
            let last = try await service.read { $0.state.lastSequence }
            #expect(samples["subledger_last_sequence"] == Double(last))
            #expect(last == 3)
            #expect(samples["subledger_open_transactions"] == 1)
            let onHand = #"subledger_http_request_duration_seconds_count{route="/v1/onhand",method="GET"}"#
            #expect(samples[onHand] == 1)
            let detail = #"subledger_http_request_duration_seconds_count{route="/v1/transactions/{tx}",method="GET"}"#
            #expect(samples[detail] == 1)
            #expect(samples.keys.contains { $0.hasPrefix("subledger_http_request_duration_seconds_bucket{") })
        }
    }
}
