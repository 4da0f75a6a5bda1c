// `GET /v1/transactions/{tx}` on a big ledger (issue 12's target: p50 <= 1 ms on 1M postings), through the
// router in process. Runs only with SUBLEDGER_QUERY_LATENCY_DB naming a ledger file (it is opened as is:
// give it a copy); prints the percentiles.

import Foundation
import Hummingbird
import HummingbirdTesting
import Subledger
import SubledgerServer
import Testing

@Suite struct QueryLatencyTests {
    static let path = ProcessInfo.processInfo.environment["SUBLEDGER_QUERY_LATENCY_DB"]

    @Test(.enabled(if: path != nil)) func transactionByIDIsReadByKey() async throws {
        let opened = ContinuousClock.now
        let ledger = try Ledger(path: Self.path!, access: .existing)
        print("opened in \(ContinuousClock.now - opened)")
        let ids = try ledger.transactions().map(\.record.id)
        var generator = SystemRandomNumberGenerator()
        let sample = (0..<2_000).map { _ in ids[Int.random(in: 0..<ids.count, using: &generator)] }
        let service = LedgerService(ledger: ledger)
        try await Application(router: buildRouter(service: service, authenticate: false)).test(.router) { client in
            var times: [Duration] = []
            for id in sample {
                let start = ContinuousClock.now
                let response = try await client.execute(uri: "/v1/transactions/\(id)", method: .get)
                times.append(ContinuousClock.now - start)
                #expect(response.status == .ok)
            }
            times.sort()
            print(
                "GET /v1/transactions/{tx}, \(times.count) random ids of \(ids.count): "
                    + "p50 \(times[times.count / 2]), p90 \(times[times.count * 9 / 10]), "
                    + "p99 \(times[times.count * 99 / 100])")
        }
    }
}
