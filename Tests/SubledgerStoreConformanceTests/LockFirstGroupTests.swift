// Lock-first groups (DR-46) on both stores: the group's transaction takes the write lock, hands over the
// events other writers committed since the caller's state, and only then appends; so two writers
// contending for the lock never roll a group back for a conflict, and nothing is lost or doubled.

import Foundation
import SubledgerCore
import Synchronization
import Testing

@testable import Subledger
@testable import SubledgerPostgres
@testable import SubledgerStore

@Suite struct LockFirstGroupTests {
    /// The tail after `folded` is handed over under the lock, an id another writer committed meanwhile is
    /// a duplicate, and the group's first event chains to the log's real last event.
    @Test(arguments: Backend.allCases)
    func aGroupCatchesUpUnderTheLockAndChainsToTheRealEnd(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let (log, other) = (try harness.open(rowsPerInsert: 1000), try harness.open())
        try log.appendSample("mine", count: 1)
        try other.appendSample("theirs", count: 2, first: 3)  // after `log` decided on event 1
        var handed: [Int64] = []
        var outcomes: [AppendOutcome] = []
        try log.appendCommandGroup(
            after: 1, commandIDs: ["theirs", "g1"], catchingUp: { handed.append($0.sequence) }
        ) { group in
            #expect(group.lastSequence == 3)
            for id in ["theirs", "g1"] {
                outcomes.append(
                    try group.appendCommand(
                        commandID: id, kind: "post", recordedAt: 1, actor: nil,
                        contentHash: { SHA256.hash(Array(id.utf8)) }
                    ) { sink in
                        try sink.append(sampleEvent(5)); return ""
                    })
            }
        }
        #expect(handed == [2, 3])
        guard case .duplicate(let record) = outcomes[0], case .appended(let appended) = outcomes[1] else {
            Issue.record("\(outcomes)")
            return
        }
        #expect(record.firstSequence == 2 && appended.firstSequence == 4)
        #expect(try log.allEvents().map(\.commandID) == ["mine", "theirs", "theirs", "g1"])
        guard case .intact(4, _) = try other.verifyChain(progress: nil) else { Issue.record("broken"); return }
    }

    /// A group that fails after the tail was handed over writes nothing, and the tail stays in the log
    /// (it was committed by the other writer); a caller that read past the log's end is refused.
    @Test(arguments: Backend.allCases)
    func aFailedGroupWritesNothingAndTheTailStands(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let (log, other) = (try harness.open(), try harness.open())
        try other.appendSample("theirs", count: 3)
        var handed: [Int64] = []
        #expect(throws: BodyFailed(note: "after the tail")) {
            try log.appendCommandGroup(after: 0, commandIDs: [], catchingUp: { handed.append($0.sequence) }) { group in
                _ = try group.appendCommand(
                    commandID: "g1", kind: "post", recordedAt: 1, actor: nil, contentHash: { nil }
                ) { sink in
                    try sink.append(sampleEvent(1)); return ""
                }
                throw BodyFailed(note: "after the tail")
            }
        }
        #expect(throws: BodyFailed(note: "in the tail")) {
            try log.appendCommandGroup(
                after: 1, commandIDs: [], catchingUp: { _ in throw BodyFailed(note: "in the tail") }
            ) {
                _ in Issue.record("the body ran after the tail failed")
            }
        }
        #expect(handed == [1, 2, 3])
        #expect(try log.lastSequence() == 3 && log.command(id: "g1") == nil)
        #expect(throws: StoreError.self) {
            try log.appendCommandGroup(after: 4, commandIDs: [], catchingUp: { _ in }) { _ in }
        }
        guard case .intact(3, _) = try other.verifyChain(progress: nil) else { Issue.record("broken"); return }
    }

    /// On PostgreSQL the whole group is two waits: BEGIN, lock, the log's end, the ids and the tail in one;
    /// the INSERTs, NOTIFY and COMMIT in the other (the optimistic group waited once more per command).
    @Test func aPostgresGroupCatchesUpAndLooksUpItsIdsInItsFirstWait() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let (log, other) = (try harness.open(rowsPerInsert: 2) as! PostgresEventLog, try harness.open())
        try log.appendSample("before", count: 1)
        try other.appendSample("w3", count: 2)
        let before = log.session.waits
        var handed = 0
        try log.appendCommandGroup(
            after: 1, commandIDs: (0..<8).map { "w\($0)" }, catchingUp: { _ in handed += 1 }
        ) { group in
            for index in 0..<8 {
                _ = try group.appendCommand(
                    commandID: "w\(index)", kind: "post", recordedAt: 1, actor: nil,
                    contentHash: { SHA256.hash(Array("w\(index)".utf8)) }
                ) { sink in
                    for event in 0..<3 { try sink.append(sampleEvent(event)) }
                    return ""
                }
            }
        }
        #expect(log.session.waits - before == 2)
        #expect(handed == 2)
        #expect(try log.checkedLastSequence() == 3 + 7 * 3)
        #expect(try log.command(id: "w3")?.firstSequence == 2)  // the other writer's, answered as a duplicate
        guard case .intact(24, _) = try log.verifyChain(progress: nil) else { Issue.record("broken"); return }
    }

    /// Another writer's close, then its reversal, in a group's tail: the close is folded under the lock, the
    /// reversal stops the attempt (rule R runs in `catchUp`), the group is redone. On PostgreSQL the tail's
    /// reversals are read off the tail's page: a group with a tail is still two waits (DR-49).
    @Test(arguments: Backend.allCases)
    func aGroupFindsTheTailsReversalWithoutAWaitOfItsOwn(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let (ledger, other) = (try harness.ledger(), try harness.ledger())
        try ledger.execute(try Self.command("item", ["item": "A", "model": "fifo"]))
        try ledger.execute(try Self.receive("P1"))
        try ledger.execute(try Self.command("issue", ["date": "2026-01-02", "item": "A", "tx": "S1", "qty": "2"]))
        try other.execute(
            try Self.command("receive", ["date": "2026-01-03", "item": "A", "tx": "P2", "qty": "1", "cost": "5"]))
        let waits = { (ledger.log as? PostgresEventLog)?.session.waits ?? 0 }
        let before = waits()
        let posted = try ledger.executeGroup([.single(try Self.receive("P3"), commandID: "g1", actor: nil)])
        if backend == .postgres { #expect(waits() - before == 2, "a tail without reversals costs no wait") }
        try other.execute(try Self.command("close", ["date": "2026-01-31"]))
        try other.execute(try Self.command("reverse-close", [:]))
        let reopened = try ledger.executeGroup([.single(try Self.receive("P4"), commandID: "g2", actor: nil)])
        for outcome in posted + reopened {
            if case .failure(let error) = outcome { Issue.record("\(error)") }
        }
        #expect(ledger.groupRetries == 1, "the reversal in the tail is caught up by catchUp, then the group redone")
        #expect(StateDigest(ledger.state) == StateDigest(try harness.ledger().state))
    }

    /// Two ledgers on one log, each running groups as fast as it can: every group commits on its first
    /// transaction (no retry for a conflict), each command once, and each ledger's state is its log's.
    @Test(arguments: Backend.allCases)
    func twoContendingWritersNeverRetryAGroup(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let first = try harness.ledger()
        try first.execute(try Self.command("item", ["item": "A", "model": "fifo"]))
        // Each thread uses its own ledger (its own connection) only: the box just carries them across.
        nonisolated(unsafe) let ledgers = [first, try harness.ledger()]
        let (groups, perGroup) = (40, 4)
        let failures = Mutex<[String]>([])
        Self.together(2) { writer in
            do {
                for group in 0..<groups {
                    let requests = try (0..<perGroup).map { index in
                        // The last of each group is sent by both writers: appended once, a duplicate once.
                        let tx = index == perGroup - 1 ? "S\(group)" : "W\(writer)-\(group)-\(index)"
                        return GroupedCommand.single(try Self.receive(tx), commandID: tx, actor: nil)
                    }
                    for outcome in try ledgers[writer].executeGroup(requests) {
                        if case .failure(let error) = outcome { throw error }
                    }
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        #expect(ledgers.map(\.groupRetries) == [0, 0], "a group was rolled back and redone")
        let log = try harness.open()
        let commands = try log.commands(firstSequenceIn: 1...Int64.max).map(\.commandID)
        #expect(commands.count == 1 + groups * (2 * (perGroup - 1) + 1))
        #expect(Set(commands).count == commands.count, "a command appended twice")
        #expect(try log.lastSequence() == Int64(commands.count))  // one event each: none lost or doubled
        let replayed = try harness.ledger()
        for ledger in ledgers {
            try ledger.catchUp()
            #expect(StateDigest(ledger.state) == StateDigest(replayed.state))
        }
    }

    /// Runs `body(0)`, `body(1)`, ... each on a thread of its own, started together; returns when all ended.
    /// (Not `concurrentPerform`: with its pool busy it runs the iterations one after another.)
    static func together(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let (arrived, go, done) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0), DispatchGroup())
        for index in 0..<count {
            done.enter()
            Thread {
                arrived.signal()
                go.wait()
                body(index)
                done.leave()
            }.start()
        }
        for _ in 0..<count { arrived.wait() }
        for _ in 0..<count { go.signal() }
        done.wait()
    }

    static func command(_ name: String, _ fields: [String: String]) throws -> LedgerCommand {
        try CommandDecoder.decode(
            command: name, CommandFields(fields.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }))
    }

    static func receive(_ tx: String) throws -> LedgerCommand {
        try command("receive", ["date": "2026-01-01", "item": "A", "tx": tx, "qty": "2", "cost": "5"])
    }
}
