// A running service keeps its open state current with appends it did not make (issue 14, DR-42): on a
// SQLite file, the CLI's; on PostgreSQL, another service's on the same ledger (in-process: two `Ledger`s,
// each in its own `LedgerService` with its follower). The state is read on the service's queue as it
// stands (`onQueue`, no catch-up), so only the follower can have moved it. Blocking work (the CLI, every
// PostgreSQL connect) runs through `offPool`, never in the cooperative pool (DR-34).

import Foundation
import Subledger
import SubledgerTestSupport
import Testing

@testable import SubledgerPostgres
@testable import SubledgerServer

@Suite struct LogFollowerTests {
    /// Runs `service` (its follower with it) until the returned task is cancelled.
    static func running(_ service: LedgerService) -> Task<Void, any Error> {
        Task { try await service.run() }
    }

    static func stop(_ task: Task<Void, any Error>) async {
        task.cancel()
        _ = await task.result
    }

    /// Polls the service's state as it stands until its last sequence reaches `sequence`; how long that
    /// took from `since`, or nil after `limit`. The limit only bounds a follower that never follows: the
    /// whole suite on 2 cores kept the pool busy past 10 s in CI runs (latencies are asserted apart).
    static func reaches(
        _ service: LedgerService, _ sequence: Int64, since: ContinuousClock.Instant, limit: Duration = .seconds(60)
    ) async throws -> Duration? {
        while ContinuousClock.now - since < limit {
            if try await service.onQueue({ $0.state.lastSequence }) >= sequence { return ContinuousClock.now - since }
            try await Task.sleep(for: .milliseconds(1))
        }
        return nil
    }

    @Test func aServedFileFollowsTheCLIsAppendsWithoutARequestAndStreamsThem() async throws {
        let directory = try TemporaryDirectory("follow")
        let path = directory.path("books.db")
        let ledger = try Ledger(path: path)
        try ledger.execute(try Posting.command("item", "item=A model=fifo"))
        let service = LedgerService(ledger: ledger, filePath: path)
        let run = Self.running(service)
        let url = directory.url
        let post = { @Sendable (tx: String) in
            try ProcessOutcome.run(
                [
                    "post", "receive", "--date", "2026-01-03", "--item", "A", "--tx", tx, "--qty", "1", "--cost", "3",
                    "--db", path,
                ], in: url)
        }
        let first = try await offPool { try post("X1") }
        #expect(first.status == 0, "\(first.summary)")
        let followed = try await Self.reaches(service, 2, since: .now)
        #expect(followed != nil)
        // An event stream on the same service gets the CLI's next append.
        async let streamed = StreamTests.follow(service, after: 2, waiting: .seconds(20)) {
            StreamTests.ids($0).count >= 1
        }
        let second = try await offPool { try post("X2") }
        #expect(second.status == 0, "\(second.summary)")
        #expect(StreamTests.ids(try await streamed) == [3])
        await Self.stop(run)
    }

    @Test func twoServicesOnOnePostgreSQLLedgerFollowEachOther() async throws {
        guard let url = PostgresTestServer.url() else { return }
        let schema = "follow_" + UUID().uuidString.lowercased().replacing("-", with: "").prefix(16)
        let open = { @Sendable in
            LedgerService(ledger: try Ledger(log: PostgresEventLog(url: url, schema: String(schema))))
        }
        let (nodeA, nodeB) = (try await offPool(open), try await offPool(open))
        let (runA, runB) = (Self.running(nodeA), Self.running(nodeB))
        _ = try await nodeA.onQueue { try $0.execute(try Posting.command("item", "item=A model=fifo")) }
        // A loaded test run can delay node B's first catch-up (its listener's connect, its queue) past ten
        // seconds (it failed so in CI runs beside builds): this wait asks only that B follows; the
        // latencies below are the measurement.
        #expect(try await Self.reaches(nodeB, 1, since: .now, limit: .seconds(90)) != nil)
        var latencies: [Duration] = []
        for index in 1...50 {
            let command = try Posting.command("receive", "date=2026-01-02 item=A tx=P\(index) qty=1 cost=2")
            let committed = try await nodeA.onQueue { ledger in
                _ = try ledger.execute(command)
                return (ledger.state.lastSequence, ContinuousClock.now)
            }
            let latency = try #require(try await Self.reaches(nodeB, committed.0, since: committed.1))
            latencies.append(latency)
        }
        let median = latencies.sorted()[latencies.count / 2]
        print("PostgreSQL: node B's state held node A's commit \(median) after it (median of 50)")
        #expect(median < .seconds(1))
        // Node B's event stream delivers node A's events, each once, in order.
        let messages = try await StreamTests.follow(nodeB, after: 0, waiting: .seconds(20)) {
            StreamTests.ids($0).count >= 51
        }
        #expect(StreamTests.ids(messages) == Array(1...51))
        // Ten commits while node B's queue is held: their notifications make one catch-up job, not ten.
        let gate = Gate()
        let jobsBefore = nodeB.follower.catchUps
        nodeB.runOnQueue { _ in gate.wait() }
        for index in 1...10 {
            let command = try Posting.command("receive", "date=2026-01-03 item=A tx=Q\(index) qty=1 cost=2")
            _ = try await nodeA.onQueue { try $0.execute(command) }
        }
        try await Task.sleep(for: .milliseconds(200))
        gate.open()
        #expect(try await Self.reaches(nodeB, 61, since: .now) != nil)
        #expect(nodeB.follower.catchUps - jobsBefore <= 2)
        await Self.stop(runA)
        await Self.stop(runB)
        _ = try? await offPool {
            try PostgresSession(PostgresLocation(url: url)).execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
        }
    }

    /// The idle cost of a PostgreSQL node's watcher and follower: this process's CPU over N seconds
    /// without a service, then with one running idle (`SUBLEDGER_FOLLOWER_IDLE_SECONDS=N`; off by default).
    @Test func idleCostOnPostgreSQL() async throws {
        guard let text = ProcessInfo.processInfo.environment["SUBLEDGER_FOLLOWER_IDLE_SECONDS"],
            let seconds = Int(text), let url = PostgresTestServer.url()
        else { return }
        let schema = "idle_" + UUID().uuidString.lowercased().replacing("-", with: "").prefix(16)
        let service = try await offPool {
            LedgerService(ledger: try Ledger(log: PostgresEventLog(url: url, schema: String(schema))))
        }
        let cpu = { () -> Double in
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
        var start = cpu()
        try await Task.sleep(for: .seconds(seconds))
        let without = cpu() - start
        let run = Self.running(service)
        try await Task.sleep(for: .seconds(2))
        start = cpu()
        try await Task.sleep(for: .seconds(seconds))
        let with = cpu() - start
        print("PostgreSQL idle, \(seconds) s: process CPU \(without) s without a service, \(with) s with one following")
        await Self.stop(run)
        _ = try? await offPool {
            try PostgresSession(PostgresLocation(url: url)).execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
        }
    }
}
