// Reads: events in sequence order, either as owned `StoredEvent` values (convenient, allocates per row)
// or as borrowed `EventView`s that point into SQLite's row buffers (the replay fast path: no per-row
// allocation). Each read is one statement, so it sees one consistent snapshot of the log.
//
// Every read checks the hash chain as it goes (`ChainCheck`): an event is handed out only if its
// sequence follows the previous one and its stored hash is the hash of its bytes and the previous hash.
// A damaged byte in an event that still decodes would otherwise fold into different figures with no
// error; the chain is the one thing that says the log is as written. It costs one SHA-256 of the row
// (about the cost of decoding it), and a read after event N starts from event N's stored hash, which
// a snapshot of event N has already matched against its own record.

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
    public func forEachEvent(after sequence: Int64, through last: Int64? = nil,
                             _ body: (StoredEvent) throws -> Void) throws {
        let statement = try readStatement(scan: false)
        defer { statement.reset(); statement.clearBindings() }
        try statement.bind(sequence, at: 1)
        try statement.bind(last ?? Int64.max, at: 2)
        var chain = try ChainCheck(self, after: sequence)
        while try statement.step() {
            let sequence = try chain.check(statement)
            let envelope = EventEnvelope(date: try EventStore.date(statement, sequence: sequence),
                                         type: statement.text(at: 2), version: Int(statement.int64(at: 3)),
                                         payload: statement.blob(at: 4))
            let event = StoredEvent(sequence: sequence, envelope: envelope, commandID: statement.text(at: 5),
                                    recordedAt: statement.int64(at: 6), hash: statement.blob(at: 7))
            try body(event)
        }
    }

    /// Like `forEachEvent`, but hands out views into SQLite's buffers: no allocation per row.
    public func scan(after sequence: Int64, through last: Int64? = nil,
                     _ body: (borrowing EventView) throws -> Void) throws {
        let statement = try readStatement(scan: true)
        defer { statement.reset(); statement.clearBindings() }
        try statement.bind(sequence, at: 1)
        try statement.bind(last ?? Int64.max, at: 2)
        var chain = try ChainCheck(self, after: sequence)
        while try statement.step() {
            let sequence = try chain.check(statement)
            let view = EventView(sequence: sequence, date: try EventStore.date(statement, sequence: sequence),
                                 version: Int(statement.int64(at: 3)), type: statement.textBuffer(at: 2),
                                 payload: statement.blobBuffer(at: 4))
            try body(view)
        }
    }

    /// The cached read statement, or a fresh one when the cached one is in use (a read nested in a read).
    private func readStatement(scan: Bool) throws(StoreError) -> Statement {
        let cached = scan ? cachedEventScan : cachedEventRead
        if let cached, !cached.isBusy { return cached }
        // Every column: the chain check hashes the whole row.
        let statement = try connection.prepare("""
            SELECT sequence, business_date, type, version, payload, command_id, recorded_at, hash
            FROM events WHERE sequence > ?1 AND sequence <= ?2 ORDER BY sequence
            """)
        if cached == nil {
            if scan { cachedEventScan = statement } else { cachedEventRead = statement }
        }
        return statement
    }

    private static func date(_ statement: Statement, sequence: Int64) throws(StoreError) -> LedgerDate {
        let raw = statement.int64(at: 1)
        guard let value = Int32(exactly: raw), let date = LedgerDate(yyyymmdd: value) else {
            throw StoreError.corrupt("event \(sequence) has an invalid business_date \(raw)", sql: statement.sql)
        }
        return date
    }
}

/// The hash chain checked along a read: columns as in `readStatement` (sequence, business_date, type,
/// version, payload, command_id, recorded_at, hash).
struct ChainCheck {
    private var previous: SHA256.Digest
    private var expected: Int64

    /// Starts after event `sequence`, from its stored hash (the zero hash before event 1).
    init(_ store: EventStore, after sequence: Int64) throws(StoreError) {
        expected = sequence + 1
        guard sequence > 0 else { previous = .zero; return }
        guard let stored = try store.hash(at: sequence), let digest = SHA256.Digest(stored) else {
            throw StoreError.corrupt("event \(sequence) is missing or has no valid hash; run `subledger verify`")
        }
        previous = digest
    }

    /// The row's sequence, once its place and hash check out.
    @inline(__always)
    mutating func check(_ row: Statement) throws(StoreError) -> Int64 {
        let sequence = row.int64(at: 0)
        guard sequence == expected else {
            throw StoreError.corrupt("event \(expected) is missing from the log (next stored: \(sequence)); run `subledger verify`")
        }
        guard let date = Int32(exactly: row.int64(at: 1)), let version = Int32(exactly: row.int64(at: 3)) else {
            throw StoreError.corrupt("event \(sequence) has a business_date or version out of range; run `subledger verify`")
        }
        let computed = EventHash.compute(previous: previous, sequence: sequence, businessDate: date,
                                         type: row.textBuffer(at: 2), version: version,
                                         commandID: row.textBuffer(at: 5), recordedAt: row.int64(at: 6),
                                         payload: row.blobBuffer(at: 4))
        guard computed.matches(row.blobBuffer(at: 7)) else {
            throw StoreError.corrupt("event \(sequence)'s hash does not match its contents: the log is damaged; run `subledger verify`")
        }
        previous = computed
        expected += 1
        return sequence
    }
}
