// Requests that join a group under the lock (DR-60): `executeGroupAnswering(_:joining:)` asks for them once
// the store's write lock is held, decides them after the group's own, and answers them after the group's
// own, with the same outcomes a request taken before the lock gets (appended, refused, re-sent). On
// PostgreSQL their ids are looked up together: one wait for all of them, not one each.

import SubledgerCore
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerPostgres
@testable import SubledgerStore

@Suite struct GroupJoinTests {
    static func single(_ tx: String, id: String, actor: String? = nil) throws -> GroupedCommand {
        .single(try LockFirstGroupTests.receive(tx), commandID: id, actor: actor)
    }

    /// Fails unless one session holds the append lock of the observing session's schema (its search path).
    static let appendLockHeld = """
        DO $$ BEGIN
            IF (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND classid = \(PostgresSchema.appendLock)::oid AND objid = hashtext(current_schema())::oid) <> 1
            THEN RAISE EXCEPTION 'the append lock is not held'; END IF;
        END $$
        """

    @Test(arguments: Backend.allCases)
    func requestsThatJoinUnderTheLockAreDecidedAfterTheGroupsOwn(_ backend: Backend) async throws {
        guard let harness = LogHarness.make(backend) else { return }
        try await offPool { try Self.joinUnderTheLock(harness, backend) }
    }

    static func joinUnderTheLock(_ harness: LogHarness, _ backend: Backend) throws {
        let (ledger, other) = (try harness.ledger(), try harness.ledger())
        try ledger.execute(try LockFirstGroupTests.command("item", ["item": "A", "model": "fifo"]))
        try other.execute(try LockFirstGroupTests.receive("EARLIER"), commandID: "earlier")
        let joined = [
            try Self.single("J1", id: "j1"),
            try Self.single("J2", id: "j2", actor: "bad\u{7}actor"),  // refused before anything is decided
            try Self.single("EARLIER", id: "earlier"),  // another node's id: answered as its duplicate
            try Self.single("FIRST", id: "first"),  // the group's own id again, sent twice
            try Self.single("J1", id: "j5"),  // a receipt J1 already posted by j1 in this group: a rejection
            try Self.single("J6", id: "j6"),
        ]
        var (asked, locksHeld) = (0, [Bool]())
        let observer = backend == .postgres ? try harness.ownerSession() : nil
        let waits = { (ledger.log as? PostgresEventLog)?.session.waits ?? 0 }
        let before = waits()
        let results = try ledger.executeGroupAnswering([try Self.single("FIRST", id: "first")]) {
            asked += 1
            if let observer { locksHeld.append((try? observer.execute(Self.appendLockHeld)) != nil) }
            return joined
        }
        if backend == .postgres { #expect(locksHeld == [true], "asked while the group holds the ledger's lock") }
        #expect(asked == 1)
        if backend == .postgres { #expect(waits() - before == 3, "one wait more for the joined ids together") }
        let outcomes = results.map { (try? $0.get()).map { ($0.result.firstSequence, $0.result.duplicate) } }
        #expect(outcomes.count == 7)
        #expect(outcomes[0]! == (3, false) && outcomes[1]! == (4, false) && outcomes[6]! == (5, false))
        #expect(outcomes[3]! == (2, true) && outcomes[4]! == (3, true))
        #expect(outcomes[2] == nil && outcomes[5] == nil)
        guard case .failure(.rejected(let refusal)) = results[2] else { Issue.record("\(results[2])"); return }
        #expect(refusal.field == "actor")
        #expect(ledger.groupRetries == 0)
        let stored = try harness.open().commands(firstSequenceIn: 1...99).map(\.commandID)
        #expect(stored.dropFirst() == ["earlier", "first", "j1", "j6"])  // after the item's command
        try other.catchUp()
        #expect(StateDigest(ledger.state) == StateDigest(other.state))
    }

    /// A joined batch refused part-way rolls the group back; the retry keeps every joined request (decided
    /// again, the refused one left out) and asks for more once the lock is held again.
    @Test(arguments: Backend.allCases)
    func aGroupRetriedAfterAJoinedRefusalKeepsWhatJoined(_ backend: Backend) async throws {
        guard let harness = LogHarness.make(backend) else { return }
        try await offPool { try Self.retryKeepsWhatJoined(harness) }
    }

    static func retryKeepsWhatJoined(_ harness: LogHarness) throws {
        let ledger = try harness.ledger()
        try ledger.execute(try LockFirstGroupTests.command("item", ["item": "A", "model": "fifo"]))
        let batch = GroupedCommand(
            commandID: "pair", kind: "batch", actor: nil,
            commands: [try LockFirstGroupTests.receive("B1"), try LockFirstGroupTests.receive("OWN")])
        var joins: [[GroupedCommand]] = [[batch, try Self.single("J1", id: "j1")], [try Self.single("J2", id: "j2")]]
        var asked = 0
        let results = try ledger.executeGroupAnswering([try Self.single("OWN", id: "own")]) {
            asked += 1
            return joins.isEmpty ? [] : joins.removeFirst()
        }
        #expect(asked == 2 && ledger.groupRetries == 1)
        #expect(results.count == 4)
        #expect(results.map { (try? $0.get())?.result.firstSequence } == [2, nil, 3, 4])
        let stored = try harness.open().commands(firstSequenceIn: 1...99).map(\.commandID)
        #expect(stored.dropFirst() == ["own", "j1", "j2"])
        #expect(StateDigest(ledger.state) == StateDigest(try harness.ledger().state))
    }
}
