// What only the PostgreSQL log has: the same chain bytes as SQLite, a node's connection dying mid-group,
// the ledger role's grants, and errors that name the server but never the password.

import Foundation
import SubledgerCore
import Testing

@testable import SubledgerPostgres
@testable import SubledgerStore

@Suite struct PostgresEventLogTests {
    @Test func theChainIsTheSameBytesAsSQLites() throws {
        guard let postgres = LogHarness.make(.postgres), let sqlite = LogHarness.make(.sqlite) else { return }
        let logs = [try postgres.open(rowsPerInsert: 3), try sqlite.open()]
        for log in logs {
            try log.appendSample("c1", count: 4)
            _ = try log.appendCommandGroup(expectedLastSequence: 4) { group in
                _ = try group.appendCommand(
                    commandID: "c2 é", kind: "post", recordedAt: 1_700_000_000_123, actor: "clerk", contentHash: { nil }
                ) { sink in
                    try sink.append(sampleEvent(7, payloadBytes: 3000)); return "{}"
                }
            }
        }
        let (onPostgres, onSQLite) = (try logs[0].allEvents(), try logs[1].allEvents())
        #expect(onPostgres.count == 5)
        #expect(onPostgres == onSQLite)
        #expect(try logs[0].command(id: "c2 é") == logs[1].command(id: "c2 é"))
        #expect(try logs[0].verifyChain(progress: nil) == logs[1].verifyChain(progress: nil))
    }

    /// A group's round trips (DR-45): BEGIN, the lock and the log's end in one wait, one lookup per command
    /// (its id, under the lock), and its INSERTs with the NOTIFY and the COMMIT in one more; the rows are
    /// all there afterwards. (Each INSERT and each statement of the frame was a wait of its own before.)
    @Test func aGroupWaitsOncePerCommandAndTwiceForItsFrame() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let log = try harness.open(rowsPerInsert: 2) as! PostgresEventLog
        try log.appendSample("before", count: 1)
        let before = log.session.waits
        let outcome = try log.appendCommandGroup(expectedLastSequence: 1) { group in
            for index in 0..<8 {
                _ = try group.appendCommand(
                    commandID: "w\(index)", kind: "post", recordedAt: 1, actor: nil, contentHash: { nil }
                ) { sink in
                    for event in 0..<3 { try sink.append(sampleEvent(event)) }
                    return ""
                }
            }
        }
        #expect(outcome == .committed)
        #expect(log.session.waits - before == 8 + 2)
        #expect(try log.checkedLastSequence() == 25)
        #expect(try log.command(id: "w7")?.firstSequence == 23)
        guard case .intact(25, _) = try log.verifyChain(progress: nil) else { Issue.record("broken"); return }
    }

    /// A node that dies in the middle of a group: the server ends its session (as it does when the
    /// node's process is killed and its socket closes) and rolls the open transaction back.
    @Test func aNodeKilledMidGroupLeavesNoPartOfIt() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let node = try harness.open() as! PostgresEventLog
        try node.appendSample("before", count: 1)
        let pid = try node.session.scalarInt64("SELECT pg_backend_pid()::bigint")!
        let owner = try harness.ownerSession()
        #expect(throws: StoreError.self) {
            _ = try node.appendCommandGroup(expectedLastSequence: 1) { group in
                _ = try group.appendCommand(
                    commandID: "g1", kind: "post", recordedAt: 1, actor: nil, contentHash: { nil }
                ) { sink in
                    try sink.append(sampleEvent(1)); try sink.append(sampleEvent(2)); return ""
                }
                _ = try group.appendCommand(
                    commandID: "g2", kind: "post", recordedAt: 1, actor: nil, contentHash: { nil }
                ) { sink in
                    try sink.append(sampleEvent(3))
                    try owner.execute("SELECT pg_terminate_backend(\(pid), 5000)")
                    try sink.append(sampleEvent(4))
                    return ""
                }
            }
        }
        let survivor = try harness.open()
        #expect(try survivor.lastSequence() == 1)
        #expect(try survivor.command(id: "g1") == nil)
        guard case .intact(1, _) = try survivor.verifyChain(progress: nil) else { Issue.record("broken"); return }
        try survivor.appendSample("after", count: 2, first: 5)
        #expect(try survivor.checkedLastSequence() == 3)
    }

    @Test func theLedgerRoleMayInsertAndSelectOnly() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        try harness.asLedgerRole("ledger") { log, owner in
            try log.appendSample("as-role", count: 2)  // INSERT and SELECT are granted
            #expect(try log.allEvents().count == 2)
            let refused = [
                "UPDATE events SET recorded_at = 1", "DELETE FROM commands", "TRUNCATE events",
                "ALTER TABLE events DISABLE TRIGGER USER", "DROP TABLE events CASCADE",
            ]
            for sql in refused {
                #expect(throws: StoreError.self, "\(sql)") { try log.session.execute(sql) }
            }
            try log.session.execute("RESET ROLE")
            #expect(try log.allEvents().count == 2)
        }
    }

    @Test func anUnreachableServerIsNamedWithoutThePassword() throws {
        let url = "postgresql://ledger:s3cr%40t-pw@127.0.0.1:1/books"
        #expect(throws: StoreError.self) { try PostgresEventLog(url: url) }
        do {
            _ = try PostgresEventLog(url: url)
        } catch {
            #expect(error.isUnreachable)
            #expect(error.message.contains("127.0.0.1:1"))
            #expect(!error.description.contains("s3cr") && !error.description.contains("pw"))
        }
    }

    @Test func urlsAreParsedAndPrintedWithoutThePassword() throws {
        let location = try PostgresLocation(url: "postgresql://app:p%40ss@db.example:6543/ledger?sslmode=disable")
        #expect(location.user == "app" && location.password == "p@ss" && location.host == "db.example")
        #expect(location.port == 6543 && location.database == "ledger")
        #expect(location.description == "postgresql://app@db.example:6543/ledger")
        #expect(try PostgresLocation(url: "postgres://u@[::1]/d").hostAndPort == "[::1]:5432")
        for bad in [
            "mysql://u@h/d", "postgresql://h/d", "postgresql://u@h", "postgresql://u@h:99999/d",
            "postgresql://u:secret@h/d?sslmode=required", "postgresql://u:secret%zz@h/d",
        ] {
            #expect(throws: StoreError.self, "\(bad)") { try PostgresLocation(url: bad) }
            do { _ = try PostgresLocation(url: bad) } catch { #expect(!error.description.contains("secret")) }
        }
    }

    @Test func aSchemaNameMustBePlain() {
        #expect(throws: StoreError.self) {
            try PostgresEventLog(url: "postgresql://u@127.0.0.1:1/d", schema: "x; DROP")
        }
    }
}
