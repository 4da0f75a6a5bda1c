// Verbatim appends on SQLite (EventLog+Verbatim.swift): one BEGIN IMMEDIATE transaction, the expected
// last sequence checked under the write lock, each row checked by `VerbatimCheck` and inserted through the
// store's prepared statements with every column as the source stored it. The tiling trigger checks each
// command row again.

import CSQLite
import SubledgerCore

extension EventStore {
    public func commands(firstSequenceIn range: ClosedRange<Int64>) throws -> [CommandRecord] {
        // rowid last: empty commands at one place come back in the order they were appended.
        let statement = try connection.prepare(
            "SELECT \(EventStore.commandSelectColumns(version: schemaVersion)) FROM commands "
                + "WHERE first_sequence BETWEEN ?1 AND ?2 ORDER BY first_sequence, last_sequence, rowid")
        try statement.bind(range.lowerBound, at: 1)
        try statement.bind(range.upperBound, at: 2)
        var records: [CommandRecord] = []
        while try statement.step() { records.append(EventStore.readCommand(statement)) }
        return records
    }

    public func appendVerbatim(
        expectedLastSequence: Int64, _ body: (inout any VerbatimSink) throws -> Void
    ) throws -> VerbatimOutcome {
        try appendTransaction("appendVerbatim") { commit in
            let (last, lastHash) = try lastEvent()
            if last != expectedLastSequence { return .conflict(actualLastSequence: last) }
            let writer = SQLiteVerbatimWriter(store: self, check: VerbatimCheck(after: last, hash: lastHash))
            defer { writer.close() }
            var sink: any VerbatimSink = SQLiteVerbatimSink(writer: writer)
            try body(&sink)
            if let failure = writer.failure { throw failure }  // the body swallowed a refusal
            try writer.check.checkComplete()
            try commit()
            return .appended(
                commands: writer.commands, events: writer.events, lastSequence: writer.check.lastSequence,
                lastHash: writer.check.lastHash)
        }
    }
}

/// One verbatim transaction's state; a class so that a copied-out sink writes through the same state.
final class SQLiteVerbatimWriter {
    let store: EventStore
    var check: VerbatimCheck
    private(set) var commands = 0
    private(set) var events = 0
    private(set) var failure: (any Error)?
    private var isOpen = true

    init(store: EventStore, check: VerbatimCheck) {
        self.store = store
        self.check = check
    }

    func close() {
        isOpen = false
        store.insertEvent.reset()
        store.insertEvent.clearBindings()
    }

    func append(_ event: StoredEvent) throws {
        try usable()
        do {
            let (date, version) = try check.check(event)
            try insert(event, date: date, version: version)
        } catch { throw record(error) }
        events += 1
    }

    func endCommand(_ record: CommandRecord) throws {
        try usable()
        do {
            try check.end(record)
            if try VerbatimCheck.isSameEmptyCommand(record, existing: store.command(id: record.commandID)) { return }
            try store.insertCommandRecord(record)
        } catch { throw self.record(error) }
        commands += 1
    }

    private func usable() throws {
        guard isOpen else { throw StoreError.misuse("a verbatim sink used after its transaction ended") }
        if let failure { throw failure }
    }

    private func insert(_ event: StoredEvent, date: Int32, version: Int32) throws(StoreError) {
        let insert = store.insertEvent
        try insert.bind(event.sequence, at: 1)
        try insert.bind(Int64(date), at: 2)
        try insert.bind(event.envelope.type, at: 3)
        try insert.bind(Int64(version), at: 4)
        try insert.bind(event.envelope.payload, at: 5)
        try insert.bind(event.commandID, at: 6)
        try insert.bind(event.recordedAt, at: 7)
        try insert.bind(event.hash, at: 8)
        try insert.run()
    }

    /// Remembers the first failure so that a body that swallows it still gets its transaction rolled back.
    private func record(_ error: any Error) -> any Error {
        if failure == nil { failure = error }
        return error
    }
}

/// The `VerbatimSink` a body feeds through; copies share the writer.
struct SQLiteVerbatimSink: VerbatimSink {
    let writer: SQLiteVerbatimWriter

    mutating func append(_ event: StoredEvent) throws { try writer.append(event) }
    mutating func endCommand(_ record: CommandRecord) throws { try writer.endCommand(record) }
    var lastSequence: Int64 { writer.check.lastSequence }
}
