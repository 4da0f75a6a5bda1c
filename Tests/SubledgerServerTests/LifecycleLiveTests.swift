// `subledger serve` as a real process on a loopback socket: start, post, query, SIGTERM with a batch in
// flight (all or nothing), restart, and catching up after a CLI import into the same file.

import Foundation
import Subledger
import SubledgerTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A running `subledger serve --port 0` and the port it printed.
final class LiveServer {
    let child: ChildProcess
    let client: LoopbackClient

    init(db: String, in directory: TemporaryDirectory, extra: [String] = ["--no-auth"]) throws {
        let (child, port) = try ChildProcess.serve(db: db, extra: extra, in: directory.url)
        self.child = child
        client = LoopbackClient(port: port)
    }

    /// SIGTERM, then the exit.
    func stop() throws -> ProcessOutcome {
        child.signal(SIGTERM)
        return try child.finish()
    }
}

@Suite(.serialized) struct LifecycleLiveTests {
    static func receipt(_ tx: String, day: Int = 2) -> String {
        let date = "2026-04-\(day < 10 ? "0" : "")\(day)"
        return #"{"command":"receive","date":"\#(date)","item":"OIL-5L","tx":"\#(tx)","qty":"1","cost":"18.00"}"#
    }

    static func eventCount(_ db: String, in directory: TemporaryDirectory) throws -> Int {
        let outcome = try ProcessOutcome.run(["events", "--db", db, "--json"], in: directory.url)
        let events = try Array(outcome.stdout.utf8).withUnsafeBytes { try JSON.parse($0) }
        return events["events"]?.arrayValue?.count ?? -1
    }

    @Test func startPostQueryStopRestartAndCatchUp() async throws {
        try await offPool { try Self.startPostQueryStopRestartAndCatchUpBody() }
    }

    static func startPostQueryStopRestartAndCatchUpBody() throws {
        let directory = try TemporaryDirectory("serve-live")
        let db = directory.path("demo.db")
        #expect(try ProcessOutcome.run(["demo", "--db", db], in: directory.url).status == 0)

        var server = try LiveServer(db: db, in: directory)
        let posted = try server.client.post(
            "/v1/commands", Self.receipt("LIVE-1"), headers: ["Idempotency-Key": "live-1"])
        #expect(posted.status == 201, "\(posted.body)")
        #expect(posted.headers["x-request-id"]?.isEmpty == false)
        let onHand = try server.client.get("/v1/onhand?item=OIL-5L")
        #expect(onHand.status == 200)

        // Catch-up: a CLI import into the same file shows in the server's next answer.
        let file = directory.path("more.jsonl")
        try (Self.receipt("CLI-1", day: 3) + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try ProcessOutcome.run(["import", file, "--db", db], in: directory.url).status == 0)
        let before = try onHand.json["total_value"]?.stringValue
        let after = try server.client.get("/v1/onhand?item=OIL-5L")
        #expect(try after.json["total_value"]?.stringValue != before)
        let replay = try server.client.post(
            "/v1/commands", Self.receipt("LIVE-1"), headers: ["Idempotency-Key": "live-1"])
        #expect(replay.headers["idempotent-replayed"] == "true")

        let stopped = try server.stop()
        #expect(stopped.exited && stopped.status == 0, "\(stopped.summary)")

        // Restart: what was acknowledged is there.
        server = try LiveServer(db: db, in: directory)
        let again = try server.client.post(
            "/v1/commands", Self.receipt("LIVE-1"), headers: ["Idempotency-Key": "live-1"])
        #expect(again.status == 201)
        #expect(again.headers["idempotent-replayed"] == "true")
        #expect(try server.stop().status == 0)
    }

    @Test func sigtermWithABatchInFlightKeepsAllOrNothing() async throws {
        try await offPool { try Self.sigtermWithABatchInFlightKeepsAllOrNothingBody() }
    }

    static func sigtermWithABatchInFlightKeepsAllOrNothingBody() throws {
        let directory = try TemporaryDirectory("serve-sigterm")
        let db = directory.path("demo.db")
        #expect(try ProcessOutcome.run(["demo", "--db", db], in: directory.url).status == 0)
        let before = try Self.eventCount(db, in: directory)
        let server = try LiveServer(db: db, in: directory)
        let lines = (1...3_000).map { Self.receipt("BATCH-\($0)", day: 1 + $0 % 28) }.joined(separator: "\n")

        let client = server.client
        let response = Mutex<Result<LoopbackResponse, any Error>?>(nil)
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            let answer = Result { try client.post("/v1/batches", lines) }
            response.withLock { $0 = answer }
            group.leave()
        }
        usleep(30_000)  // the batch is on its way or being applied
        let stopped = try server.stop()
        group.wait()
        #expect(stopped.exited && stopped.status == 0, "\(stopped.summary)")

        let after = try Self.eventCount(db, in: directory)
        let acknowledged = response.withLock { (try? $0?.get().status) == 201 }
        #expect(after == before || after == before + 3_000, "partial batch: \(after - before) events")
        if acknowledged { #expect(after == before + 3_000) }
        print("sigterm test: acknowledged \(acknowledged), \(after - before) events appended")
    }
}

@Suite struct LifecycleKillTests {
    /// Clients posting single commands and batches of three while the server is SIGKILLed: after a restart
    /// every command acknowledged with 201 is in the log with all its events, and every command in the log
    /// has all its events (none half there).
    @Test func sigkillDuringGroupsLeavesEachCommandWholeOrAbsent() async throws {
        try await offPool { try Self.sigkillDuringGroupsLeavesEachCommandWholeOrAbsentBody() }
    }

    static func sigkillDuringGroupsLeavesEachCommandWholeOrAbsentBody() throws {
        let directory = try TemporaryDirectory("serve-kill")
        let db = directory.path("demo.db")
        #expect(try ProcessOutcome.run(["demo", "--db", db], in: directory.url).status == 0)
        let server = try LiveServer(db: db, in: directory)
        let client = server.client
        let acknowledged = Mutex<[String: Int]>([:])  // command id -> events it appended
        let group = DispatchGroup()
        for worker in 0..<6 {
            DispatchQueue.global().async(group: group) {
                for request in 0..<10_000 {
                    let id = "kill-\(worker)-\(request)"
                    let lines = (0..<(request % 2 == 0 ? 1 : 3)).map { LifecycleLiveTests.receipt("\(id)-\($0)") }
                    let route = lines.count == 1 ? "/v1/commands" : "/v1/batches"
                    guard
                        let answer = try? client.post(
                            route, lines.joined(separator: "\n"), headers: ["Idempotency-Key": id])
                    else { return }  // the server is gone
                    if answer.status == 201 { acknowledged.withLock { $0[id] = lines.count } }
                }
            }
        }
        // Kill mid-stream: once some commands were acknowledged (a fixed delay was too short on a loaded
        // CI machine, where the first answers came later), and a little after, while groups are in flight.
        let deadline = ContinuousClock.now + .seconds(30)
        while acknowledged.withLock({ $0.count < 20 }) && ContinuousClock.now < deadline { usleep(10_000) }
        usleep(200_000)
        server.child.kill()
        _ = try server.child.finish()
        group.wait()

        let ledger = try Ledger(path: db, access: .existing)
        let recorded = Dictionary(
            try ledger.commands().filter { $0.commandID.hasPrefix("kill-") }.map { ($0.commandID, $0.eventCount) },
            uniquingKeysWith: { first, _ in first })
        let events = try ledger.events().filter { $0.stored.commandID.hasPrefix("kill-") }
        let eventsByCommand = Dictionary(grouping: events, by: \.stored.commandID).mapValues(\.count)
        let acked = acknowledged.withLock { $0 }
        #expect(!acked.isEmpty, "no command was acknowledged before the kill")
        for (id, count) in acked { #expect(recorded[id] == count && eventsByCommand[id] == count, "\(id)") }
        for (id, count) in recorded {
            let expected = id.split(separator: "-").last.flatMap { Int($0) }.map { $0 % 2 == 0 ? 1 : 3 }
            #expect(count == expected && eventsByCommand[id] == count, "\(id): \(count) events")
        }
        // A restarted server answers an acknowledged command's key with its first response.
        let restarted = try LiveServer(db: db, in: directory)
        if let (id, count) = acked.first(where: { $0.value == 1 }) {
            let again = try restarted.client.post(
                "/v1/commands", LifecycleLiveTests.receipt("\(id)-0"), headers: ["Idempotency-Key": id])
            #expect(again.headers["idempotent-replayed"] == "true")
            #expect(try again.json["event_count"]?.numberText == "\(count)")
        }
        #expect(try restarted.stop().status == 0)
        print("sigkill test: \(acked.count) acknowledged, \(recorded.count) recorded")
    }
}
