// A node's group waiting for the ledger's lock (another node's group holds it) takes, once the lock is
// granted, the commands that arrived during the wait (DR-60): one group and one commit for all of them, where
// it used to commit the one it took before the wait and leave the rest to the next group and the next wait.
// Deterministic: a test session holds the advisory lock while the commands queue up.

import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerPostgres
@testable import SubledgerServer

@Suite struct GroupJoinServerTests {
    /// Returns once one session waits for the ledger's append lock (live lock state, polled on the server);
    /// fails after 20 s.
    static let untilOneWaits = """
        DO $$ BEGIN
            FOR attempt IN 1..2000 LOOP
                IF (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                    AND classid = \(PostgresSchema.appendLock)::oid
                    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())) = 1
                THEN RETURN; END IF;
                PERFORM pg_sleep(0.01);
            END LOOP;
            RAISE EXCEPTION 'no session waits for the append lock';
        END $$
        """

    @Test func commandsArrivingDuringTheLockWaitJoinTheGroup() async throws {
        guard let server = PostgresTestServer.url() else { return }
        let url = try await offPool { try PostgresTestServer.freshDatabase(server, prefix: "join") }
        let (service, holder) = try await offPool {
            let ledger = try Ledger(log: PostgresEventLog(url: url))
            try ledger.execute(try Posting.command("item", "item=A model=fifo"))
            let holder = try PostgresSession(PostgresLocation(url: url))  // the "other node"
            try holder.execute("BEGIN")
            try holder.execute(
                "SELECT pg_advisory_xact_lock(\(PostgresSchema.appendLock), hashtext(current_schema()))")
            return (LedgerService(ledger: ledger), holder)
        }
        let submit = { @Sendable (index: Int) async throws -> CommittedCommand in
            let receipt = try GroupPhaseTests.receipt("R\(index)")
            return try await service.submit(.single(receipt, commandID: "c\(index)", actor: nil))
        }
        async let first = submit(0)
        // The first group took c0 and waits for the lock (the ledger's session waits for the advisory lock).
        try await offPool { try holder.execute(Self.untilOneWaits) }
        async let rest = withThrowingTaskGroup(of: CommittedCommand.self) { group in
            for index in 1...5 { group.addTask { try await submit(index) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try await waitUntil { service.waitingCommands == 5 }
        try await offPool { try holder.execute("ROLLBACK") }  // the other node's group ends
        let answers = try await [first] + rest
        #expect(answers.count == 6 && answers.allSatisfy { $0.events.count == 1 && !$0.result.duplicate })
        #expect(Set(answers.map(\.result.firstSequence)) == Set(2...7))
        // The answers are resumed before the group's statistics are counted.
        try await waitUntil { service.groupStatistics.commands >= 6 }
        let statistics = service.groupStatistics
        #expect(statistics.groups == 1 && statistics.commands == 6 && statistics.largest == 6, "\(statistics)")
        #expect(statistics.retried == 0)
    }
}
