// The close events' partial index (migration 10): filtered by comparisons, so that appending an event
// costs SQLite no temporary b-tree (an `IN` list in an index's WHERE built one per inserted row), and
// still used by the queries that read the close events, on a migrated ledger and on one opened read-only
// before the migration.

import SubledgerCore
import Testing

@testable import SubledgerStore

@Suite struct CloseLogIndexTests {
    static let insert = """
        INSERT INTO events(sequence, business_date, type, version, payload, command_id, recorded_at, hash)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        """

    /// Column `column` of every row `sql` gives (EXPLAIN: 1 is the opcode; EXPLAIN QUERY PLAN: 3 the detail).
    static func column(_ connection: Connection, _ sql: String, _ column: Int32) throws -> [String] {
        let statement = try connection.prepare(sql)
        var values: [String] = []
        while try statement.step() { values.append(statement.text(at: column)) }
        return values
    }

    static func usesIndex(_ connection: Connection) throws -> Bool {
        let plan = try column(
            connection,
            "EXPLAIN QUERY PLAN SELECT sequence FROM events WHERE \(CloseLogSchema.filter) AND sequence > 0 "
                + "AND type = 'close.reversed' ORDER BY sequence", 3)
        return plan.contains { $0.contains("USING INDEX events_close_log") }
    }

    @Test func appendingAnEventBuildsNoTemporaryTable() throws {
        let store = try EventStore(path: ":memory:")
        let opcodes = try Self.column(store.connection, "EXPLAIN " + Self.insert, 1)
        #expect(opcodes.contains("IdxInsert"), "the insert maintains the close events' index")
        #expect(!opcodes.contains("OpenEphemeral"))
    }

    @Test func aLedgerBeforeTheMigrationGetsTheNewIndexAndBothAreUsed() throws {
        let db = TempDatabase("closelog"); defer { db.remove() }
        try appendCommands(try EventStore(path: db.path), sizes: [3])
        let raw = try Connection(path: db.path)
        // The version just before the comparison filter (its place in the list, not a number that moves).
        let before = try #require(Schema.migrations.firstIndex(of: CloseLogSchema.comparisonMigration))
        try raw.execute("DROP INDEX events_close_log; \(CloseLogSchema.migration) PRAGMA user_version = \(before)")

        let readOnly = try EventStore(path: db.path, access: .readOnly)
        #expect(try Self.usesIndex(readOnly.connection), "the old index serves the query on an unmigrated file")

        let store = try EventStore(path: db.path)
        #expect(try Schema.userVersion(store.connection) == Schema.currentVersion)
        let definition = try Self.column(
            store.connection, "SELECT sql FROM sqlite_master WHERE name = 'events_close_log'", 0)
        #expect(definition.count == 1 && !(definition.first ?? "").contains(" IN "))
        #expect(try Self.usesIndex(store.connection))
        #expect(!(try Self.column(store.connection, "EXPLAIN " + Self.insert, 1)).contains("OpenEphemeral"))
    }

    @Test func closeEventsAreReadThroughTheIndex() throws {
        let store = try EventStore(path: ":memory:")
        _ = try store.append(
            commandID: "c", kind: "post", expectedLastSequence: 0, recordedAt: 1
        ) { batch in
            for type in ["receipt.posted", "close.posted", "issue.posted", "close.reversed"] {
                try batch.append(EventEnvelope(date: date(2024_01_31), type: type, version: 1, payload: [7]))
            }
            return "ok"
        }
        var types: [String] = []
        try store.forEachCloseLogEvent { types.append($0.envelope.type) }
        #expect(types == ["close.posted", "close.reversed"])
        #expect(try store.closeReversals(after: 0).map(\.0) == [4])
        #expect(try store.closeReversals(after: 4).isEmpty)
    }
}
