// Reads: events in sequence order, a page of `pageSize` rows per statement (keyset on the sequence), so a
// read of any length holds one page in memory. Pages need no shared snapshot: the log is append-only and
// appends commit in sequence order (the advisory lock), so a later page can only add events after the
// earlier ones. Every row is checked against the hash chain before it is handed out, as on SQLite.

import PostgresNIO
import SubledgerCore
import SubledgerStore

extension PostgresEventLog {
    static let pageSize = 2048

    public func forEachEvent(
        after sequence: Int64, through last: Int64? = nil, _ body: (StoredEvent) throws -> Void
    ) throws {
        let chain: EventChain
        do {
            chain = try chainStart(after: sequence)
        } catch {
            // Past the log's end there is nothing to read (a client paging ahead of the log), as on SQLite.
            if try lastSequence() < sequence { return }
            throw error
        }
        _ = try pages(after: sequence, through: last, chain) { row, date in
            let type = String(buffer: row.type), commandID = String(buffer: row.commandID)
            let envelope = EventEnvelope(
                date: date, type: type, version: Int(row.version), payload: Array(row.payload.readableBytesView))
            try body(
                StoredEvent(
                    sequence: row.sequence, envelope: envelope, commandID: commandID, recordedAt: row.recordedAt,
                    hash: Array(row.hash.readableBytesView)))
        }
    }

    @discardableResult
    public func scan(
        after sequence: Int64, through last: Int64? = nil, _ body: (borrowing EventView) throws -> Void
    ) throws -> Int64 {
        try pages(after: sequence, through: last, try chainStart(after: sequence)) { row, date in
            try row.withView(date: date, body)
        }
    }

    /// The chain's state after event `sequence`: its stored hash (the zero hash before event 1).
    func chainStart(after sequence: Int64) throws -> EventChain {
        guard sequence > 0 else { return EventChain(after: 0, hash: .zero) }
        let query: PostgresQuery = "SELECT hash FROM events WHERE sequence = \(sequence)"
        guard let row = try session.query(query).first(where: { _ in true }),
            let buffer = try? row.decode(ByteBuffer.self), let hash = SHA256.Digest(Array(buffer.readableBytesView))
        else {
            throw StoreError.damagedLog("event \(sequence) is missing or has no valid hash; run `subledger verify`")
        }
        return EventChain(after: sequence, hash: hash)
    }

    /// Reads events `after + 1 ... last` page by page, checks each against `chain`, calls `body` with it
    /// and its business date; returns the last sequence handed out.
    func pages(
        after: Int64, through last: Int64?, _ start: EventChain, _ body: (EventRow, LedgerDate) throws -> Void
    ) throws -> Int64 {
        var chain = start
        var cursor = after
        let end = last ?? Int64.max
        while cursor < end {
            let query: PostgresQuery = """
                SELECT \(unescaped: Self.eventColumns) FROM events
                WHERE sequence > \(cursor) AND sequence <= \(end) ORDER BY sequence LIMIT \(Self.pageSize)
                """
            let rows = try session.query(query)
            var count = 0
            for row in rows {
                let event = try EventRow(row, session, sql: query.sql)
                let date = try event.check(&chain)
                try body(event, date)
                cursor = event.sequence
                count += 1
            }
            if count < Self.pageSize { break }
        }
        return chain.expected - 1
    }
}

/// One row of `events`, its bytes in the buffers postgres-nio received.
struct EventRow {
    var sequence: Int64
    var businessDate: Int32
    var type: ByteBuffer
    var version: Int32
    var payload: ByteBuffer
    var commandID: ByteBuffer
    var recordedAt: Int64
    var hash: ByteBuffer

    init(_ row: PostgresRow, _ session: PostgresSession, sql: String) throws(StoreError) {
        do {
            (sequence, businessDate, type, version, payload, commandID, recordedAt, hash) = try row.decode(
                (Int64, Int32, ByteBuffer, Int32, ByteBuffer, ByteBuffer, Int64, ByteBuffer).self)
        } catch {
            throw session.storeError(error, sql: sql)
        }
    }

    /// Checks the row against the chain (its place and its hash); its business date.
    func check(_ chain: inout EventChain) throws -> LedgerDate {
        try withBytes { type, payload, commandID, hash in
            try chain.check(
                sequence: sequence, businessDate: Int64(businessDate), type: type, version: Int64(version),
                commandID: commandID, recordedAt: recordedAt, payload: payload, hash: hash)
        }
    }

    /// The row as an `EventView` into its buffers, valid while `body` runs (`date`: the checked date).
    func withView<T>(date: LedgerDate, _ body: (borrowing EventView) throws -> T) rethrows -> T {
        try type.withUnsafeReadableBytes { type in
            try payload.withUnsafeReadableBytes { payload in
                try body(EventView(event: sequence, date: date, version: Int(version), type: type, payload: payload))
            }
        }
    }

    /// The row's byte columns as raw buffers (type, payload, command id, hash), for the chain's checks.
    func withBytes<T>(
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer)
            throws -> T
    ) rethrows -> T {
        try type.withUnsafeReadableBytes { type in
            try payload.withUnsafeReadableBytes { payload in
                try commandID.withUnsafeReadableBytes { commandID in
                    try hash.withUnsafeReadableBytes { hash in try body(type, payload, commandID, hash) }
                }
            }
        }
    }
}
