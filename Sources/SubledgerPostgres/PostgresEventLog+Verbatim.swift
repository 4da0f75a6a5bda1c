// Verbatim appends on PostgreSQL (EventLog+Verbatim.swift): one transaction under the ledger's advisory
// lock, the expected last sequence checked under it, each row checked by `VerbatimCheck`, events sent in
// multi-row INSERTs of `rowsPerInsert` with every column as the source stored it, and each command row
// sent right after its events (the tiling trigger checks it against them); the watchers are notified in the
// transaction when it added events.

import PostgresNIO
import SubledgerCore
import SubledgerStore

extension PostgresEventLog {
    public func commands(firstSequenceIn range: ClosedRange<Int64>) throws -> [CommandRecord] {
        // Empty commands at one place: PostgreSQL keeps no insertion order, so by time, then id.
        let query: PostgresQuery = """
            SELECT \(unescaped: Self.commandColumns) FROM commands
            WHERE first_sequence BETWEEN \(range.lowerBound) AND \(range.upperBound)
            ORDER BY first_sequence, last_sequence, recorded_at, command_id
            """
        var records: [CommandRecord] = []
        for row in try session.query(query) { records.append(try Self.commandRecord(row, session, sql: query.sql)) }
        return records
    }

    public func appendVerbatim(
        expectedLastSequence: Int64, _ body: (inout any VerbatimSink) throws -> Void
    ) throws -> VerbatimOutcome {
        try writeTransaction("appendVerbatim") { last, lastHash, commit in
            if last != expectedLastSequence { return .conflict(actualLastSequence: last) }
            let writer = PostgresVerbatimWriter(log: self, check: VerbatimCheck(after: last, hash: lastHash))
            defer { writer.close() }
            var sink: any VerbatimSink = PostgresVerbatimSink(writer: writer)
            try body(&sink)
            try writer.finish()
            try commit(writer.events > 0 ? writer.check.lastSequence : nil, [])
            return .appended(
                commands: writer.commands, events: writer.events, lastSequence: writer.check.lastSequence,
                lastHash: writer.check.lastHash)
        }
    }
}

/// One verbatim transaction's state; a class so that a copied-out sink writes through the same state.
final class PostgresVerbatimWriter {
    let log: PostgresEventLog
    var check: VerbatimCheck
    private(set) var commands = 0
    private(set) var events = 0
    private(set) var failure: (any Error)?
    private var pending = PostgresBindings()
    private var pendingRows = 0
    private var isOpen = true

    init(log: PostgresEventLog, check: VerbatimCheck) {
        self.log = log
        self.check = check
    }

    func close() { isOpen = false }

    func append(_ event: StoredEvent) throws {
        try usable()
        do {
            let (date, version) = try check.check(event)
            pending.append(event.sequence)
            pending.append(date)
            pending.append(event.envelope.type)
            pending.append(version)
            pending.append(ByteBuffer(bytes: event.envelope.payload))
            pending.append(event.commandID)
            pending.append(event.recordedAt)
            pending.append(ByteBuffer(bytes: event.hash))
            pendingRows += 1
            if pendingRows >= log.rowsPerInsert { try flush() }
        } catch { throw record(error) }
        events += 1
    }

    func endCommand(_ record: CommandRecord) throws {
        try usable()
        do {
            try check.end(record)
            if record.eventCount == 0,
                try VerbatimCheck.isSameEmptyCommand(record, existing: log.command(id: record.commandID))
            {
                return
            }
            try flush()  // the trigger finds the command's events
            try log.insertCommandRecord(record)
        } catch { throw self.record(error) }
        commands += 1
    }

    /// After the body: nothing refused, no command left without its row.
    func finish() throws {
        if let failure { throw failure }
        try check.checkComplete()
    }

    private func usable() throws {
        guard isOpen else { throw StoreError.misusedLog("a verbatim sink used after its transaction ended") }
        if let failure { throw failure }
    }

    private func flush() throws {
        guard pendingRows > 0 else { return }
        let query = PostgresQuery(unsafeSQL: PostgresEventLog.insertEventsSQL(rows: pendingRows), binds: pending)
        pending = PostgresBindings()
        pendingRows = 0
        try log.session.query(query)
    }

    /// Remembers the first failure so that a body that swallows it still gets its transaction rolled back.
    private func record(_ error: any Error) -> any Error {
        if failure == nil { failure = error }
        return error
    }
}

/// The `VerbatimSink` a body feeds through; copies share the writer.
struct PostgresVerbatimSink: VerbatimSink {
    let writer: PostgresVerbatimWriter

    mutating func append(_ event: StoredEvent) throws { try writer.append(event) }
    mutating func endCommand(_ record: CommandRecord) throws { try writer.endCommand(record) }
    var lastSequence: Int64 { writer.check.lastSequence }
}
