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

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    /// A projection lowered `synchronous` and has not set it back to FULL yet (DR-67, `ensureFullSync`).
    var syncLowered = false

    static let commandColumns =
        "command_id, kind, first_sequence, last_sequence, event_count, recorded_at, result, content_hash"
    /// The actor (DR-25) is read and written as a ninth column after `commandColumns`.
    static let commandColumnsWithActor = commandColumns + ", actor"

    /// The columns `readCommand` reads: a file opened read-only below the actor's migration has no actor.
    static func commandSelectColumns(version: Int64) -> String {
        version >= Schema.actorVersion ? commandColumnsWithActor : commandColumns + ", NULL"
    }

    /// Schema version of the file (below `Schema.currentVersion` only for an older ledger opened read-only).
    public let schemaVersion: Int64
    /// True when the ledger was opened read-only (asked for, or the file is not writable): reads work,
    /// every write throws a `StoreError` with `isReadOnly`.
    public var isReadOnly: Bool { connection.isReadOnly }

    /// How to open the file at `path`.
    public enum Access: Sendable {
        /// Create the ledger if the file is missing or empty (`init`, `demo`, tests).
        case create
        /// Open an existing ledger for reading and writing; a missing or empty file is refused.
        case existing
        /// Open an existing ledger read-only: no migration, no journal-mode change, writes refused.
        case readOnly
    }

    /// Opens the log at `path` (":memory:" gives a private in-memory log), migrating a writable ledger.
    /// A file that is not a ledger is refused untouched (`StoreError.isNotALedger`). A file this process
    /// may not write is opened read-only, as if `.readOnly` had been asked for.
    public init(path: String, access: Access = .create) throws(StoreError) {
        let readOnly = access == .readOnly || EventStore.isUnwritableFile(path)
        let connection: Connection
        do throws(StoreError) {
            connection = try Connection(path: path, create: access == .create, readOnly: readOnly)
            schemaVersion = try Schema.migrate(connection, create: access == .create, readOnly: readOnly)
        } catch  where error.primaryCode == SQLITE_NOTADB && !error.message.hasPrefix("subledger:") {
            throw .notALedger(path, "it is not a SQLite database")
        }
        self.connection = connection
        beginImmediate = try connection.prepare("BEGIN IMMEDIATE")
        commit = try connection.prepare("COMMIT")
        rollback = try connection.prepare("ROLLBACK")
        selectCommand = try connection.prepare(
            "SELECT \(EventStore.commandSelectColumns(version: schemaVersion)) FROM commands WHERE command_id = ?1")
        selectLastEvent = try connection.prepare("SELECT sequence, hash FROM events ORDER BY sequence DESC LIMIT 1")
        insertEvent = try connection.prepare(
            """
            INSERT INTO events(sequence, business_date, type, version, payload, command_id, recorded_at, hash)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
        // A file opened read-only below the actor's migration is never written: its statement only prepares.
        let hasActor = schemaVersion >= Schema.actorVersion
        insertCommand = try connection.prepare(
            """
            INSERT INTO commands(\(hasActor ? EventStore.commandColumnsWithActor : EventStore.commandColumns))
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8\(hasActor ? ", ?9" : ""))
            """)
    }

    /// The file's path when another connection may read it (not in memory, not a URI): a long read on a
    /// thread of its own opens its own read-only `EventStore` there.
    public var pathForAnotherReader: String? {
        let path = connection.path
        return Connection.isInMemory(path) || path.hasPrefix("file:") ? nil : path
    }

    /// An existing file (not in memory) this process may not write.
    static func isUnwritableFile(_ path: String) -> Bool {
        !Connection.isInMemory(path) && !path.hasPrefix("file:") && access(path, F_OK) == 0 && access(path, W_OK) != 0
    }

    /// Refuses a write up front on a read-only ledger, with a message naming the file.
    func checkWritable() throws(StoreError) {
        if isReadOnly { throw .readOnly(connection.path) }
    }

    /// Sequence of the newest event; 0 when the log is empty.
    public func lastSequence() throws(StoreError) -> Int64 {
        defer { selectLastEvent.reset() }
        return try selectLastEvent.step() ? selectLastEvent.int64(at: 0) : 0
    }

    /// The last sequence, checked against the command rows in the same read: every append writes its
    /// events and its command row in one transaction, so the two ends differ only in a damaged file
    /// (where a lost page of events would otherwise read as a valid shorter log).
    public func checkedLastSequence() throws(StoreError) -> Int64 {
        let statement = try connection.prepare(
            """
            SELECT (SELECT sequence FROM events ORDER BY sequence DESC LIMIT 1),
                   (SELECT last_sequence FROM commands ORDER BY first_sequence DESC, last_sequence DESC LIMIT 1)
            """)
        guard try statement.step() else { return 0 }
        let events = statement.int64(at: 0), commands = statement.int64(at: 1)
        guard events == commands else {
            throw StoreError.corrupt(
                "the log ends at event \(events) but its last command at \(commands): the file is damaged; run `subledger verify`"
            )
        }
        return events
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
            "SELECT \(EventStore.commandSelectColumns(version: schemaVersion)) FROM commands "
                + "ORDER BY first_sequence, last_sequence")
        var records: [CommandRecord] = []
        while try statement.step() { records.append(EventStore.readCommand(statement)) }
        return records
    }

    static func readCommand(_ statement: Statement) -> CommandRecord {
        // The column's CHECK admits only NULL or 32 bytes.
        let hash = statement.isNull(at: 7) ? nil : SHA256.Digest(bytes: statement.blobBuffer(at: 7))
        return CommandRecord(
            commandID: statement.text(at: 0), kind: statement.text(at: 1),
            firstSequence: statement.int64(at: 2), lastSequence: statement.int64(at: 3),
            eventCount: Int(statement.int64(at: 4)), recordedAt: statement.int64(at: 5),
            result: statement.text(at: 6), contentHash: hash,
            actor: statement.isNull(at: 8) ? nil : statement.text(at: 8))
    }

    /// Rolls back the open transaction, if any; used on every failure path of a write.
    func rollbackQuietly() {
        guard connection.isInTransaction else { return }  // SQLite may already have rolled back (IOERR, FULL)
        try? rollback.run()
    }
}
