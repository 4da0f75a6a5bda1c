// Two `subledger serve` processes on one PostgreSQL database (issue 14, DR-41), over real sockets: the
// appends of both stay totally ordered, a command sent to both nodes (or sent twice) is appended once,
// a node that is behind catches up and decides again (never a 409 or 500 for a valid command), and a node
// SIGKILLed in the middle of its group commits leaves every command whole or absent, while the other node
// and a fresh one verify the chain and keep serving. PostgreSQL tests: skipped without a server
// (SUBLEDGER_TEST_POSTGRES), failed under CI=true without one.

import Foundation
import SubledgerTestSupport
import Synchronization
import Testing

@testable import SubledgerPostgres

@Suite(.serialized) struct PostgresNodesTests {
    @Test func twoNodesAppendEveryCommandOnceInOneOrder() async throws {
        try await offPool { try Self.twoNodesAppendEveryCommandOnceInOneOrderBody() }
    }

    static func twoNodesAppendEveryCommandOnceInOneOrderBody() throws {
        guard let cluster = try NodeCluster.start("pg-two-nodes") else { return }
        defer { cluster.stop() }
        let (a, b) = (cluster.nodes[0], cluster.nodes[1])
        var jobs: [(port: Int, key: String, body: String)] = []
        for index in 0..<30 {
            jobs.append((a, "a-\(index)", NodeCluster.receive("A-\(index)")))
            jobs.append((b, "b-\(index)", NodeCluster.receive("B-\(index)")))
        }
        for index in 0..<10 {  // the same command to both nodes at once
            jobs.append((a, "s-\(index)", NodeCluster.receive("S-\(index)")))
            jobs.append((b, "s-\(index)", NodeCluster.receive("S-\(index)")))
        }
        for index in stride(from: 0, to: 30, by: 3) {  // re-sent, to the same node and to the other one
            jobs.append((a, "a-\(index)", NodeCluster.receive("A-\(index)")))
            jobs.append((a, "b-\(index)", NodeCluster.receive("B-\(index)")))
        }
        let statuses = cluster.post(jobs.shuffled())
        #expect(statuses.allSatisfy { $0 == 201 }, "every valid command is answered 201: \(statuses)")

        let log = try cluster.committed()
        let keys = Set(jobs.map(\.key))
        #expect(keys.count == 70)
        for key in keys { #expect(log.commandIDs.filter { $0 == key }.count == 1, "\(key) appended once") }
        try cluster.expectVerified()
        for path in ["/v1/onhand", "/v1/gl", "/v1/events?after=0&limit=1000", "/v1/verify", "/v1/closes"] {
            let bodies = try [a, b].map { try cluster.get(path, on: $0) }
            #expect(bodies[0].status == 200 && bodies[0].body == bodies[1].body, "\(path) differs between the nodes")
        }
        let events = try cluster.get("/v1/events?after=0&limit=1000", on: b).body
        #expect(events.components(separatedBy: "\"sequence\"").count - 1 == log.eventCount)
    }

    @Test func aNodeKilledMidGroupLeavesWholeCommandsAndTheOtherServes() async throws {
        try await offPool { try Self.aNodeKilledMidGroupLeavesWholeCommandsAndTheOtherServesBody() }
    }

    static func aNodeKilledMidGroupLeavesWholeCommandsAndTheOtherServesBody() throws {
        guard let cluster = try NodeCluster.start("pg-kill-node") else { return }
        defer { cluster.stop() }
        let (a, b) = (cluster.nodes[0], cluster.nodes[1])
        var jobs = (0..<160).map { (port: a, key: "k-\($0)", body: NodeCluster.receive("K-\($0)")) }
        let batch = "[" + (0..<3000).map { NodeCluster.receive("BIG-\($0)") }.joined(separator: ",") + "]"
        jobs.insert((a, "big", batch), at: 5)  // in flight from the start
        let answered = Mutex<Set<String>>([])
        let killed = Mutex(false)
        let statuses = cluster.post(jobs) { key, status in
            guard status == 201 else { return }
            answered.withLock { _ = $0.insert(key) }
            // After the first answer the node is committing the next groups (and the batch): kill it there.
            let first = killed.withLock { done in
                defer { done = true }
                return !done
            }
            if first { cluster.kill(0) }
        }
        #expect(killed.withLock { $0 }, "the node answered nothing before it was killed: \(statuses)")

        let log = try cluster.committed()  // whole commands only: checked against the events
        let committed = Set(log.commandIDs)
        let answeredKeys = answered.withLock { $0 }
        #expect(answeredKeys.isSubset(of: committed), "an answered command is durable")
        #expect(!Set(jobs.map(\.key)).isSubset(of: committed), "the kill came before every command was committed")
        try cluster.expectVerified()

        // The other node serves on: it re-runs what the dead node left undone, each command once.
        let retried = cluster.post(jobs.map { (b, $0.key, $0.body) })
        #expect(retried.allSatisfy { $0 == 201 }, "\(retried)")
        let after = try cluster.committed()
        for job in jobs { #expect(after.commandIDs.filter { $0 == job.key }.count == 1, "\(job.key) once") }
        let verify = try cluster.get("/v1/verify", on: b)
        #expect(verify.status == 200 && verify.body.contains("\"intact\""), "\(verify.body)")
        // A fresh node opens the database as the crash left it and agrees.
        let fresh = try cluster.startNode()
        #expect(try cluster.get("/v1/onhand", on: fresh).body == cluster.get("/v1/onhand", on: b).body)
        #expect(try cluster.get("/v1/verify", on: fresh).body == verify.body)
    }
}

/// A PostgreSQL database with a ledger (the demo's), a `close` token and two nodes serving it.
final class NodeCluster: @unchecked Sendable {
    let dir: TemporaryDirectory
    let database: String
    let secret: String
    private(set) var children: [ChildProcess] = []
    private(set) var nodes: [Int] = []

    private init(dir: TemporaryDirectory, database: String, secret: String) {
        self.dir = dir
        self.database = database
        self.secret = secret
    }

    /// The cluster, or nil (said, or a failure under CI=true) when there is no PostgreSQL server.
    static func start(_ name: String, nodes: Int = 2) throws -> NodeCluster? {
        guard let server = PostgresTestServer.url() else { return nil }
        let dir = try TemporaryDirectory(name)
        let database = try PostgresTestServer.freshDatabase(server, prefix: "nodes")
        let demo = try ProcessOutcome.run(["demo", "--db", database], in: dir.url)
        try #require(demo.status == 0, "\(demo.summary)")
        let token = try ProcessOutcome.run(
            ["token", "create", "--name", "nodes", "--role", "close", "--json", "--db", database], in: dir.url)
        let json = try JSONSerialization.jsonObject(with: Data(token.stdout.utf8)) as? [String: Any]
        let secret = try #require(json?["secret"] as? String, "\(token.summary)")
        let cluster = NodeCluster(dir: dir, database: database, secret: secret)
        for _ in 0..<nodes { _ = try cluster.startNode() }
        return cluster
    }

    /// Starts one more node on the database and returns its port.
    func startNode() throws -> Int {
        let (child, port) = try ChildProcess.serve(db: database, in: dir.url)
        children.append(child)
        nodes.append(port)
        return port
    }

    func kill(_ node: Int) { children[node].kill() }

    func stop() {
        for child in children {
            child.signal(SIGTERM)
            _ = try? child.finish()
        }
    }

    /// A receive of one unit into a transaction of its own (valid on any day after the demo's close).
    static func receive(_ tx: String) -> String {
        "{\"command\":\"receive\",\"date\":\"2026-03-02\",\"item\":\"OIL-5L\",\"tx\":\"\(tx)\",\"qty\":1,\"cost\":18.2}"
    }

    var bearer: [String: String] { ["Authorization": "Bearer \(secret)"] }

    /// Posts every job at once (a thread each, at most 32 in flight) and returns the statuses in order (0:
    /// the connection failed); `answered` sees each status as it arrives.
    func post(
        _ jobs: [(port: Int, key: String, body: String)],
        answered: @escaping @Sendable (String, Int) -> Void = { _, _ in }
    ) -> [Int] {
        let statuses = Mutex([Int](repeating: 0, count: jobs.count))
        let gate = DispatchSemaphore(value: 32)
        let group = DispatchGroup()
        for (index, job) in jobs.enumerated() {
            gate.wait()
            DispatchQueue.global().async(group: group) {
                defer { gate.signal() }
                let path = job.body.hasPrefix("[") ? "/v1/batches" : "/v1/commands"
                let headers = self.bearer.merging(["Idempotency-Key": job.key]) { $1 }
                let status = (try? LoopbackClient(port: job.port).post(path, job.body, headers: headers))?.status ?? 0
                statuses.withLock { $0[index] = status }
                answered(job.key, status)
            }
        }
        group.wait()
        return statuses.withLock { $0 }
    }

    func get(_ path: String, on port: Int) throws -> LoopbackResponse {
        try LoopbackClient(port: port).get(path, headers: bearer)
    }

    /// The commands and events as a fresh CLI reads them, after checking that they tile the log: each
    /// command's events are exactly its range, and every event belongs to the command whose range holds it.
    func committed() throws -> (commandIDs: [String], eventCount: Int) {
        let commands = try cli(["commands", "--json"])["commands"] as? [[String: Any]] ?? []
        let events = try cli(["events", "--json"])["events"] as? [[String: Any]] ?? []
        var owner: [Int: String] = [:]
        var next = 1
        for command in commands {
            let id = command["command_id"] as? String ?? "?"
            let first = command["first_sequence"] as? Int ?? -1
            let last = command["last_sequence"] as? Int ?? -1
            #expect(first == next, "\(id) starts where the previous command ended")
            for sequence in first...max(first, last) { owner[sequence] = id }
            next = last + 1
        }
        #expect(events.count == next - 1, "the events are exactly the commands' ranges")
        for event in events {
            let sequence = event["sequence"] as? Int ?? -1
            #expect(owner[sequence] == event["command_id"] as? String, "event \(sequence) is its command's")
        }
        return (commands.compactMap { $0["command_id"] as? String }, events.count)
    }

    func expectVerified() throws {
        let verify = try ProcessOutcome.run(["verify", "--db", database], in: dir.url)
        #expect(verify.status == 0 && verify.stdout.contains("chain intact"), "\(verify.summary)")
    }

    func cli(_ arguments: [String]) throws -> [String: Any] {
        let outcome = try ProcessOutcome.run(arguments + ["--db", database], in: dir.url)
        try #require(outcome.status == 0, "\(arguments): \(outcome.summary)")
        return try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any] ?? [:]
    }
}
