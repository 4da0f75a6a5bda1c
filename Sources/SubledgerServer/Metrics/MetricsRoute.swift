import Hummingbird
import Subledger

/// `GET /metrics`: the Prometheus text format, with the ledger's gauges read at scrape time.
public func addMetricsRoute(to router: Router<ServerContext>, service: LedgerService, metrics: ServerMetrics) {
    router.get("/metrics") { _, _ in
        let figures = try await service.read { ledger in
            (ledger.state.lastSequence, ledger.state.transactions.count)
        }
        metrics.ledger(lastSequence: figures.0, openTransactions: figures.1)
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: metrics.text())))
    }
}
