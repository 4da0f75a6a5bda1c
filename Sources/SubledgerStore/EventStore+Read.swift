// Reads: events in sequence order, either as owned `StoredEvent` values (convenient, allocates per row)
// or as borrowed `EventView`s that point into SQLite's row buffers (the replay fast path: no per-row
// allocation). Each read is one statement, so it sees one consistent snapshot of the log.
//
// Every read checks the hash chain (ChainCheck.swift): an event is handed out only if its sequence
// follows the previous one and its stored hash is the hash of its bytes and the previous hash. A long
// scan reads, checks and copies the rows on a second thread and folds them on the caller's
// (EventPipeline.swift).

import CSQLite
import SubledgerCore

/// One event seen in place during `scan`. Its buffers are valid only inside the callback; it is
/// non-copyable so that the view itself cannot escape.
public struct EventView: ~Copyable {
    public let sequence: Int64
    public let date: LedgerDate
    public let version: Int
    /// The event type's UTF-8 bytes (the catalog's wire name).
    public let type: UnsafeRawBufferPointer
    public let payload: UnsafeRawBufferPointer

    /// True when the type's bytes equal `name`'s UTF-8 (no allocation for native strings).
    public func hasType(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { type.elementsEqual($0) }
    }

    /// The type as a String (allocates).
    public var typeName: String { String(decoding: type, as: UTF8.self) }

    /// Copies the payload out (allocates).
    public var payloadBytes: [UInt8] { Array(payload) }
}

extension EventStore {
    /// Calls `body` with every event whose sequence is in `sequence + 1 ... last` (to the end when nil), in order.
    public func forEachEvent(
        after sequence: Int64, through last: Int64? = nil,
        _ body: (StoredEvent) throws -> Void
    ) throws {
        let statement = try readStatement(scan: false)
        defer { statement.reset(); statement.clearBindings() }
        try statement.bind(sequence, at: 1)
        try statement.bind(last ?? Int64.max, at: 2)
        var chain: ChainCheck
        do {
            chain = try ChainCheck(connection, after: sequence)
        } catch {
            // Past the log's end there is nothing to read: an empty page for a client paging ahead of the
            // log, not a chain error about an event never written. Asked only when the start is missing.
            if try lastSequence() < sequence { return }
            throw error
        }
        while try statement.step() {
            let sequence = try chain.check(statement)
            let envelope = EventEnvelope(
                date: try EventStore.date(statement, sequence: sequence),
                type: statement.text(at: 2), version: Int(statement.int64(at: 3)),
                payload: statement.blob(at: 4))
            let event = StoredEvent(
                sequence: sequence, envelope: envelope, commandID: statement.text(at: 5),
                recordedAt: statement.int64(at: 6), hash: statement.blob(at: 7))
            try body(event)
        }
    }

    /// Like `forEachEvent`, but hands out views into SQLite's buffers: no allocation per row. Returns
    /// the last sequence handed out (`sequence` when none): a caller that knows event `last` exists
    /// checks it was reached (`scanThrough`).
    @discardableResult
    public func scan(
        after sequence: Int64, through last: Int64? = nil,
        _ body: (borrowing EventView) throws -> Void
    ) throws -> Int64 {
        if let last, let pipeline = EventPipeline(self, after: sequence, through: last) {
            return try pipeline.drain(after: sequence, body)
        }
        let statement = try readStatement(scan: true)
        defer { statement.reset(); statement.clearBindings() }
        try statement.bind(sequence, at: 1)
        try statement.bind(last ?? Int64.max, at: 2)
        var chain = try ChainCheck(connection, after: sequence)
        while try statement.step() {
            let sequence = try chain.check(statement)
            try body(EventStore.view(statement, sequence: sequence))
        }
        return chain.checkedThrough
    }

    /// `scan` of events `sequence + 1 ... last`, all of which the log holds (`last` came from
    /// `checkedLastSequence`): ending early means rows SQLite can no longer reach, a damaged file.
    public func scanThrough(after sequence: Int64, _ last: Int64, _ body: (borrowing EventView) throws -> Void) throws {
        let reached = try scan(after: sequence, through: last, body)
        guard reached == last else {
            throw StoreError.corrupt(
                "the log holds events through \(last) but reading stopped after \(reached): the file is damaged; run `subledger verify`"
            )
        }
    }

    private static func view(_ statement: Statement, sequence: Int64) throws(StoreError) -> EventView {
        EventView(
            sequence: sequence, date: try EventStore.date(statement, sequence: sequence),
            version: Int(statement.int64(at: 3)), type: statement.textBuffer(at: 2),
            payload: statement.blobBuffer(at: 4))
    }

    /// The cached read statement, or a fresh one when the cached one is in use (a read nested in a read).
    private func readStatement(scan: Bool) throws(StoreError) -> Statement {
        let cached = scan ? cachedEventScan : cachedEventRead
        if let cached, !cached.isBusy { return cached }
        // Every column: the chain check hashes the whole row.
        let statement = try connection.prepare(
            """
            SELECT sequence, business_date, type, version, payload, command_id, recorded_at, hash
            FROM events WHERE sequence > ?1 AND sequence <= ?2 ORDER BY sequence
            """)
        if cached == nil {
            if scan { cachedEventScan = statement } else { cachedEventRead = statement }
        }
        return statement
    }

    static func date(_ statement: Statement, sequence: Int64) throws(StoreError) -> LedgerDate {
        let raw = statement.int64(at: 1)
        guard let value = Int32(exactly: raw), let date = LedgerDate(yyyymmdd: value) else {
            throw StoreError.corrupt("event \(sequence) has an invalid business_date \(raw)", sql: statement.sql)
        }
        return date
    }
}
