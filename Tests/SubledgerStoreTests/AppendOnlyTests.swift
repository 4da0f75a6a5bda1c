// SQLite itself refuses to rewrite history: UPDATE and DELETE on either table abort in a trigger,
// and an insert that would leave a gap in the sequence aborts too. Run as raw SQL through Connection,
// the way any other tool touching the file would.

import Testing
@testable import SubledgerStore

@Suite struct AppendOnlyTests {
    static let rejected = [
        "UPDATE events SET payload = x'00' WHERE sequence = 1",
        "UPDATE events SET recorded_at = recorded_at + 1",
        "DELETE FROM events WHERE sequence = 2",
        "DELETE FROM events",
        "UPDATE commands SET result = 'forged'",
        "DELETE FROM commands",
    ]

    @Test func updateAndDeleteAbortInTriggers() throws {
        let db = TempDatabase("appendonly"); defer { db.remove() }
        let store = try EventStore(path: db.path)
        try appendCommands(store, sizes: [2, 1])
        let raw = try Connection(path: db.path)
        for sql in Self.rejected {
            do {
                try raw.execute(sql)
                Issue.record("SQLite accepted: \(sql)")
            } catch {
                #expect(error.isConstraintViolation, "\(sql): \(error)")
                #expect(error.message == "subledger: the event log is append-only", "\(sql)")
                #expect(error.sql == sql)
            }
        }
        #expect(try store.verifyChain() == .intact(eventCount: 3, lastHash: lastHash(store)))
    }

    @Test func insertOutOfSequenceAborts() throws {
        let store = try EventStore(path: ":memory:")
        try appendCommands(store, sizes: [2])
        let insert = try store.connection.prepare("""
            INSERT INTO events(sequence, business_date, type, version, payload, command_id, recorded_at, hash)
            VALUES (?1, 20240101, 't', 1, x'', 'forged', 0, zeroblob(32))
            """)
        for sequence: Int64 in [2, 4, 100] {
            try insert.bind(sequence, at: 1)
            #expect(throws: StoreError.self) { try insert.run() }
        }
        // Schema checks hold as well.
        #expect(throws: StoreError.self) {
            try store.connection.execute("""
                INSERT INTO events VALUES (3, 20240101, '', 1, x'', 'forged', 0, zeroblob(32))
                """)
        }
        #expect(throws: StoreError.self) {
            try store.connection.execute("""
                INSERT INTO events VALUES (3, 20240101, 't', 1, x'', 'forged', 0, zeroblob(31))
                """)
        }
        #expect(try store.lastSequence() == 2)
    }
}
