// SubledgerStore: the append-only SQLite event log (architecture.md, "SubledgerStore").
//
// Problem: every figure the ledger shows is a projection of its events, so the log must never lose,
// reorder or silently change an event, must append a command's events atomically and exactly once, and
// must let two writers race without either overwriting the other.
// Method: one SQLite file. `append` runs in one BEGIN IMMEDIATE transaction that checks the command id
// (idempotency) and the expected last sequence (optimistic concurrency), streams the events through one
// reused prepared statement, and records the command. SQLite itself enforces the shape (STRICT tables,
// CHECKs, append-only triggers, a trigger that makes command rows tile the log; see Schema.swift), and
// a SHA-256 chain over every event (EventHash.swift) lets `verifyChain` detect edits made behind
// SQLite's back.
//
// EventStore is a non-Sendable class used from one thread: its connection is opened NOMUTEX. Give each
// thread (or actor) its own EventStore; SQLite serializes writers across them.

import CSQLite

public final class EventStore {
    let connection: Connection

    // Statements prepared once and reused for the store's lifetime.
    let beginImmediate: Statement
    let commit: Statement
    let rollback: Statement
    let selectCommand: Statement
    let selectLastEvent: Statement
    let insertEvent: Statement
    let insertCommand: Statement
    var cachedEventRead: Statement?
    var cachedEventScan: Statement?

    /// Set while an append body runs, to refuse a reentrant append.
    var isAppending = false

    static let commandColumns =
        "command_id, kind, first_sequence, last_sequence, event_count, recorded_at, result, content_hash"

    /// Opens (creating and migrating as needed) the log at `path`; ":memory:" gives a private in-memory log.
    public init(path: String) throws(StoreError) {
        let connection = try Connection(path: path)
        try Schema.migrate(connection)
        self.connection = connection
        beginImmediate = try connection.prepare("BEGIN IMMEDIATE")
        commit = try connection.prepare("COMMIT")
        rollback = try connection.prepare("ROLLBACK")
        selectCommand = try connection.prepare("SELECT \(EventStore.commandColumns) FROM commands WHERE command_id = ?1")
        selectLastEvent = try connection.prepare("SELECT sequence, hash FROM events ORDER BY sequence DESC LIMIT 1")
        insertEvent = try connection.prepare("""
            INSERT INTO events(sequence, business_date, type, version, payload, command_id, recorded_at, hash)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
        insertCommand = try connection.prepare("""
            INSERT INTO commands(\(EventStore.commandColumns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
    }

    /// Sequence of the newest event; 0 when the log is empty.
    public func lastSequence() throws(StoreError) -> Int64 {
        defer { selectLastEvent.reset() }
        return try selectLastEvent.step() ? selectLastEvent.int64(at: 0) : 0
    }

    /// The record of command `id`, or nil if no such command was appended.
    public func command(id: String) throws(StoreError) -> CommandRecord? {
        defer { selectCommand.reset(); selectCommand.clearBindings() }
        try selectCommand.bind(id, at: 1)
        return try selectCommand.step() ? EventStore.readCommand(selectCommand) : nil
    }

    /// Every command, in log order.
    public func commands() throws(StoreError) -> [CommandRecord] {
        let statement = try connection.prepare(
            "SELECT \(EventStore.commandColumns) FROM commands ORDER BY first_sequence, last_sequence")
        var records: [CommandRecord] = []
        while try statement.step() { records.append(EventStore.readCommand(statement)) }
        return records
    }

    static func readCommand(_ statement: Statement) -> CommandRecord {
        // The column's CHECK admits only NULL or 32 bytes.
        let hash = statement.isNull(at: 7) ? nil : SHA256.Digest(bytes: statement.blobBuffer(at: 7))
        return CommandRecord(commandID: statement.text(at: 0), kind: statement.text(at: 1),
                             firstSequence: statement.int64(at: 2), lastSequence: statement.int64(at: 3),
                             eventCount: Int(statement.int64(at: 4)), recordedAt: statement.int64(at: 5),
                             result: statement.text(at: 6), contentHash: hash)
    }

    /// Rolls back the open transaction, if any; used on every failure path of a write.
    func rollbackQuietly() {
        guard connection.isInTransaction else { return }  // SQLite may already have rolled back (IOERR, FULL)
        try? rollback.run()
    }
}
