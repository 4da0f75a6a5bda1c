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

    @Test func commandRowsMustTileTheLog() throws {
        let store = try EventStore(path: ":memory:")
        try appendCommands(store, sizes: [2])
        let raw = store.connection
        func insertEvent(_ sequence: Int64, command: String) throws(StoreError) {
            try raw.execute(
                "INSERT INTO events VALUES (\(sequence), 20240101, 't', 1, x'', '\(command)', 0, zeroblob(32))")
        }
        func insertCommand(_ id: String, _ first: Int64, _ last: Int64, _ count: Int64) throws(StoreError) {
            try raw.execute(
                "INSERT INTO commands(\(EventStore.commandColumns)) VALUES ('\(id)', 'k', \(first), \(last), \(count), 0, '', NULL)"
            )
        }
        func expectRejected(
            _ id: String, _ first: Int64, _ last: Int64, _ count: Int64,
            sourceLocation: SourceLocation = #_sourceLocation
        ) {
            do {
                try insertCommand(id, first, last, count)
                Issue.record("accepted command \(id) \(first)...\(last)", sourceLocation: sourceLocation)
            } catch {
                #expect(
                    error.isConstraintViolation && error.message == Schema.tilingMessage, sourceLocation: sourceLocation
                )
            }
        }
        try raw.execute("BEGIN")
        try insertEvent(3, command: "x")
        try insertEvent(5, command: "x")  // a gap at 4
        expectRejected("x", 3, 5, 3)  // the range does not hold 3 events
        expectRejected("x", 3, 4, 2)  // does not end at the last event
        expectRejected("x", 4, 5, 2)  // does not start after the previous command
        expectRejected("x", 3, 5, 2)  // count disagrees with the range
        try raw.execute("ROLLBACK")

        try raw.execute("BEGIN")
        try insertEvent(3, command: "x")
        try insertEvent(4, command: "y")  // carries another command's id
        expectRejected("x", 3, 4, 2)
        try raw.execute("ROLLBACK")
        #expect(try store.lastSequence() == 2 && store.commands().count == 1)
    }

    @Test func schemaChecksHold() throws {
        let store = try EventStore(path: ":memory:")
        for values in [
            "(1, 20240101, '', 1, x'', 'c', 0, zeroblob(32))",  // empty type
            "(1, 20240101, 't', 1, x'', 'c', 0, zeroblob(31))",  // short hash
            "(1, 20240101, 't', 0, x'', 'c', 0, zeroblob(32))",  // version 0
            "(1, 100000000, 't', 1, x'', 'c', 0, zeroblob(32))",  // date out of range
            "(1, 20240101, 't', 1, NULL, 'c', 0, zeroblob(32))",  // NULL payload
            "(1, '2024-01-01', 't', 1, x'', 'c', 0, zeroblob(32))",
        ] {  // STRICT: text date
            #expect(throws: StoreError.self, "\(values)") {
                try store.connection.execute("INSERT INTO events VALUES \(values)")
            }
        }
    }
}
