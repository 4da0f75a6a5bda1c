// PostgresEventLog: the event log in a PostgreSQL database (issue 14, DR-34), with the same columns, hash
// chain and command records as SQLite's EventStore, behind the same `EventLog` protocol.
//
// Ordering across nodes: every append runs in one transaction that first takes a transaction-scoped
// advisory lock on the ledger (`pg_advisory_xact_lock`, keyed by the schema), then reads the log's last
// sequence and hash, checks the command id and the expected last sequence, inserts, and commits; the
// lock is released only at commit or rollback. So appends are totally ordered, each sees every earlier
// commit (READ COMMITTED reads after the lock), and commits become visible in sequence order: a reader
// never sees event N+1 without event N. The primary key on `sequence` and the tiling trigger refuse
// what a writer that skipped the lock would insert.
//
// Like EventStore, an instance is used from one thread at a time (it holds one connection); give each
// thread its own.

import PostgresNIO
import SubledgerCore
import SubledgerStore

public final class PostgresEventLog {
    let session: PostgresSession
    /// Where the ledger is (without its password).
    public var location: PostgresLocation { session.location }
    /// The PostgreSQL schema (namespace) holding the ledger's tables.
    public let schema: String
    /// Schema version of the ledger's tables (`PostgresSchema.migrations`).
    public let schemaVersion: Int
    /// Events sent to the server in one INSERT while a command's body runs (bounded memory per command).
    let rowsPerInsert: Int
    /// Set while an append body runs, to refuse a reentrant append.
    var isAppending = false
    /// While a lock-first group runs: the close reversals after `after` that its tail holds, read off the
    /// tail's own page, so `closeReversals(after:)` answers without a wait under the lock (DR-49).
    var tailReversals: (after: Int64, rows: [(Int64, Int, [UInt8])])?
    /// The last write transaction's wait until it held the lock (see PostgresEventLog+LockWait.swift).
    public internal(set) var lastLockWait: Duration?

    static let eventColumns = "sequence, business_date, type, version, payload, command_id, recorded_at, hash"
    static let commandColumns =
        "command_id, kind, first_sequence, last_sequence, event_count, recorded_at, result, content_hash, actor"

    /// Connects to the ledger at `url` (postgresql://user[:password]@host[:port]/db) in `schema`, creating
    /// the schema and migrating the tables when needed (that takes the owner's rights; the ledger's own role
    /// opens a ledger that is current). `rowsPerInsert` is for tests that want every event on the server.
    public convenience init(url: String, schema: String = "public", rowsPerInsert: Int = 1000) throws(StoreError) {
        guard Self.isPlainIdentifier(schema) else {
            throw .logFailure(.other, "subledger: '\(schema)' is not a plain schema name ([a-z_][a-z0-9_]*)")
        }
        try self.init(
            session: PostgresSession(PostgresLocation(url: url)), schema: schema, rowsPerInsert: rowsPerInsert)
    }

    /// The ledger in `schema` (a plain identifier) over an open session, migrated as `init(url:)` says.
    init(session: PostgresSession, schema: String, rowsPerInsert: Int = 1000) throws(StoreError) {
        self.schema = schema
        self.rowsPerInsert = max(1, min(rowsPerInsert, 8000))  // 8 parameters a row, at most 65,535 a statement
        self.session = session
        try session.execute("SET search_path TO \(PostgresSchema.quoted(schema))")
        if try PostgresSchema.version(session) != PostgresSchema.currentVersion {
            try session.execute("CREATE SCHEMA IF NOT EXISTS \(PostgresSchema.quoted(schema))")
        }
        schemaVersion = try PostgresSchema.migrate(session)
    }

    /// The statements an owner runs to let `role` use this ledger: INSERT and SELECT on the log, nothing else.
    public static func grants(role: String, schema: String = "public") -> [String] {
        PostgresSchema.grants(role: role, schema: schema)
    }

    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63,
            first == UInt8(ascii: "_") || (97...122).contains(first)
        else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (97...122).contains($0) || (48...57).contains($0) }
    }
}

extension PostgresEventLog: EventLog {
    public func lastSequence() throws -> Int64 {
        try session.scalarInt64("SELECT sequence FROM events ORDER BY sequence DESC LIMIT 1") ?? 0
    }

    public func checkedLastSequence() throws -> Int64 {
        let sql = """
            SELECT coalesce((SELECT sequence FROM events ORDER BY sequence DESC LIMIT 1), 0),
                   coalesce((SELECT last_sequence FROM commands ORDER BY first_sequence DESC, last_sequence DESC
                             LIMIT 1), 0)
            """
        let rows = try session.execute(sql)
        guard let row = rows.first(where: { _ in true }) else { return 0 }
        let (events, commands): (Int64, Int64)
        do { (events, commands) = try row.decode((Int64, Int64).self) } catch {
            throw session.storeError(error, sql: sql)
        }
        guard events == commands else {
            throw StoreError.damagedLog(
                "the log ends at event \(events) but its last command at \(commands): the log is damaged; "
                    + "run `subledger verify`")
        }
        return events
    }

    public func command(id: String) throws -> CommandRecord? {
        let query: PostgresQuery = "SELECT \(unescaped: Self.commandColumns) FROM commands WHERE command_id = \(id)"
        guard let row = try session.query(query).first(where: { _ in true }) else { return nil }
        return try Self.commandRecord(row, session, sql: query.sql)
    }

    /// The records of those of `ids` that were appended, in one statement (a group's lookups, DR-46, DR-60).
    func commands(ids: [String]) throws -> [CommandRecord] {
        let query = Self.commandsQuery(ids: ids)
        return try session.query(query).map { row in try Self.commandRecord(row, session, sql: query.sql) }
    }

    static func commandsQuery(ids: [String]) -> PostgresQuery {
        "SELECT \(unescaped: Self.commandColumns) FROM commands WHERE command_id = ANY(\(ids))"
    }

    /// A `commands` row read with `commandColumns` (every query of the command rows decodes through this).
    static func commandRecord(_ row: PostgresRow, _ session: PostgresSession, sql: String) throws -> CommandRecord {
        do {
            let (id, kind, first, last, count, recordedAt, result, hash, actor) = try row.decode(
                (String, String, Int64, Int64, Int64, Int64, String, ByteBuffer?, String?).self)
            return CommandRecord(
                commandID: id, kind: kind, firstSequence: first, lastSequence: last, eventCount: Int(count),
                recordedAt: recordedAt, result: result,
                contentHash: hash.flatMap { SHA256.Digest(Array($0.readableBytesView)) }, actor: actor)
        } catch {
            throw session.storeError(error, sql: sql)
        }
    }
}
