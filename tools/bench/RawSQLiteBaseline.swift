// RawSQLiteBaseline: what SQLite itself can do on this machine, for the benchmark to compare the event
// store against. `rawSQLiteBaseline` inserts rows shaped like `events` (same columns and sizes, no
// triggers, no hashing) over the bare C API with reused buffers, 1,000 rows per transaction, WAL and
// synchronous=FULL, then scans them reading every column. `eventStoreAppendRate` pushes the same rows
// through EventStore (commands of 1,000 events, and one command of all of them) and times its reads.
// Timing uses Double seconds; nothing here touches money.

import CSQLite
import SubledgerCore
import SubledgerStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct RawSQLiteBaselineResult: Sendable {
    public var rows: Int
    public var insertsPerSecond: Double
    public var scansPerSecond: Double
    /// Folded from every column read, so the scan cannot be optimized away.
    public var checksum: Int64
}

public struct EventStoreRates: Sendable {
    public var rows: Int
    /// EventStore.append, one command (one transaction) per 1,000 events.
    public var batchedAppendsPerSecond: Double
    /// EventStore.append, all rows in one command.
    public var singleCommandAppendsPerSecond: Double
    /// EventStore.scan (borrowed EventView, no per-row allocation).
    public var scansPerSecond: Double
    /// EventStore.forEachEvent (owned StoredEvent per row).
    public var forEachPerSecond: Double
    /// EventStore.verifyChain (recomputes every hash).
    public var verifiesPerSecond: Double
}

let benchRowsPerTransaction = 1_000

/// Raw C API baseline: insert `rows` rows of about `payloadBytes` + 90 bytes in transactions of 1,000, then scan.
public func rawSQLiteBaseline(path: String, rows: Int, payloadBytes: Int) throws -> RawSQLiteBaselineResult {
    removeDatabase(path)
    defer { removeDatabase(path) }
    var db: OpaquePointer?
    guard
        sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
        let db
    else { throw StoreError(code: SQLITE_CANTOPEN, message: "cannot open \(path)") }
    defer { sqlite3_close_v2(db) }
    try exec(db, "PRAGMA journal_mode = WAL")
    try exec(db, "PRAGMA synchronous = FULL")
    try exec(
        db,
        """
        CREATE TABLE events(sequence INTEGER PRIMARY KEY, business_date INTEGER NOT NULL, type TEXT NOT NULL,
            version INTEGER NOT NULL, payload BLOB NOT NULL, command_id TEXT NOT NULL,
            recorded_at INTEGER NOT NULL, hash BLOB NOT NULL) STRICT
        """)

    let insert = try prepare(db, "INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
    defer { sqlite3_finalize(insert) }
    let types = ["receipt.posted", "issue.posted"].map { Array($0.utf8) }
    var payload = [UInt8](repeating: 0x5A, count: payloadBytes)
    var hash = [UInt8](repeating: 0xA5, count: 32)
    var commandID = Array("bench-command-00000000000000000000000".utf8)  // 36 bytes, like a UUID

    let insertSeconds = try seconds {
        var sequence: Int64 = 0
        while sequence < Int64(rows) {
            try exec(db, "BEGIN")
            writeDigits(sequence / Int64(benchRowsPerTransaction), into: &commandID)
            let end = min(sequence + Int64(benchRowsPerTransaction), Int64(rows))
            while sequence < end {
                sequence += 1
                stamp(sequence, into: &payload)
                stamp(sequence, into: &hash)
                let type = types[Int(sequence & 1)]
                var rc = sqlite3_bind_int64(insert, 1, sequence)
                rc |= sqlite3_bind_int64(insert, 2, 2024_01_01 + sequence % 28)
                rc |= type.withUnsafeBufferPointer {
                    sqlite3_bind_text(
                        insert, 3, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self),
                        Int32($0.count), nil)
                }
                rc |= sqlite3_bind_int64(insert, 4, 1)
                rc |= payload.withUnsafeBytes { sqlite3_bind_blob(insert, 5, $0.baseAddress, Int32($0.count), nil) }
                rc |= commandID.withUnsafeBufferPointer {
                    sqlite3_bind_text(
                        insert, 6, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self),
                        Int32($0.count), nil)
                }
                rc |= sqlite3_bind_int64(insert, 7, 1_700_000_000_000)
                rc |= hash.withUnsafeBytes { sqlite3_bind_blob(insert, 8, $0.baseAddress, 32, nil) }
                guard rc == SQLITE_OK, sqlite3_step(insert) == SQLITE_DONE else { throw lastError(db, "INSERT") }
                sqlite3_reset(insert)
            }
            try exec(db, "COMMIT")
        }
    }

    let scan = try prepare(
        db,
        "SELECT sequence, business_date, type, version, payload, command_id, recorded_at, hash FROM events ORDER BY sequence"
    )
    defer { sqlite3_finalize(scan) }
    var checksum: Int64 = 0
    var scanned = 0
    let scanSeconds = try seconds {
        while true {
            let rc = sqlite3_step(scan)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw lastError(db, "SELECT") }
            checksum &+= sqlite3_column_int64(scan, 0) &+ sqlite3_column_int64(scan, 1) &+ sqlite3_column_int64(scan, 3)
            checksum &+= sqlite3_column_int64(scan, 6)
            for column: Int32 in [2, 5] {
                if let text = sqlite3_column_text(scan, column) { checksum &+= Int64(text[0]) }
                checksum &+= Int64(sqlite3_column_bytes(scan, column))
            }
            for column: Int32 in [4, 7] {
                if let blob = sqlite3_column_blob(scan, column) { checksum &+= Int64(blob.load(as: UInt8.self)) }
                checksum &+= Int64(sqlite3_column_bytes(scan, column))
            }
            scanned += 1
        }
        sqlite3_reset(scan)
    }
    guard scanned == rows else { throw StoreError(code: SQLITE_ERROR, message: "scanned \(scanned) of \(rows) rows") }
    return RawSQLiteBaselineResult(
        rows: rows, insertsPerSecond: Double(rows) / insertSeconds,
        scansPerSecond: Double(rows) / scanSeconds, checksum: checksum)
}

/// The same rows through EventStore. Uses `path` and `path + "-single"`, removing both before and after.
public func eventStoreAppendRate(path: String, rows: Int, payloadBytes: Int) throws -> EventStoreRates {
    let singlePath = path + "-single"
    removeDatabase(path); removeDatabase(singlePath)
    defer { removeDatabase(path); removeDatabase(singlePath) }
    let date = LedgerDate(yyyymmdd: 2024_01_01)!
    var event = EventEnvelope(
        date: date, type: "receipt.posted", version: 1,
        payload: [UInt8](repeating: 0x5A, count: payloadBytes))
    let types = ["receipt.posted", "issue.posted"]

    func fill(_ batch: inout AppendBatch, count: Int) throws {
        for _ in 0..<count {
            let sequence = batch.lastSequence + 1
            stamp(sequence, into: &event.payload)  // in place: the payload array is not shared
            event.type = types[Int(sequence & 1)]
            event.date = LedgerDate(yyyymmdd: 2024_01_01 + Int32(sequence % 28))!
            try batch.append(event)
        }
    }

    let store = try EventStore(path: path)
    let batchedSeconds = try seconds {
        var appended = 0, command = 0
        while appended < rows {
            let count = min(benchRowsPerTransaction, rows - appended)
            _ = try store.append(
                commandID: "bench-\(command)", kind: "bench", expectedLastSequence: Int64(appended),
                recordedAt: 1_700_000_000_000
            ) { batch in
                try fill(&batch, count: count); return ""
            }
            appended += count; command += 1
        }
    }
    var scanned = 0, bytes = 0
    let scanSeconds = try seconds {
        try store.scan(after: 0) { view in
            scanned += 1; bytes &+= view.payload.count &+ view.type.count &+ view.version
        }
    }
    var owned = 0
    let forEachSeconds = try seconds {
        try store.forEachEvent(after: 0) { owned += $0.envelope.payload.count > 0 ? 1 : 0 }
    }
    var verified: ChainVerification = .intact(eventCount: 0, lastHash: [])
    let verifySeconds = try seconds { verified = try store.verifyChain() }
    guard scanned == rows, owned == rows, verified == .intact(eventCount: Int64(rows), lastHash: verifiedHash(verified))
    else {
        throw StoreError(code: SQLITE_ERROR, message: "bench read back \(scanned)/\(owned) rows, chain \(verified)")
    }

    let single = try EventStore(path: singlePath)
    let singleSeconds = try seconds {
        _ = try single.append(
            commandID: "bench-all", kind: "bench", expectedLastSequence: 0,
            recordedAt: 1_700_000_000_000
        ) { batch in
            try fill(&batch, count: rows); return ""
        }
    }
    guard try single.lastSequence() == Int64(rows) else {
        throw StoreError(code: SQLITE_ERROR, message: "single command short")
    }

    let total = Double(rows)
    return EventStoreRates(
        rows: rows, batchedAppendsPerSecond: total / batchedSeconds,
        singleCommandAppendsPerSecond: total / singleSeconds, scansPerSecond: total / scanSeconds,
        forEachPerSecond: total / forEachSeconds, verifiesPerSecond: total / verifySeconds)
}

// MARK: Helpers

private func verifiedHash(_ verification: ChainVerification) -> [UInt8] {
    if case .intact(_, let hash) = verification { return hash }
    return []
}

private func seconds(_ body: () throws -> Void) throws -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    let elapsed = (clock.now - start).components
    return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
}

/// Writes `value` into the first 8 bytes (so rows differ) without allocating.
private func stamp(_ value: Int64, into bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { buffer in
        let count = min(8, buffer.count)
        withUnsafeBytes(of: value.bigEndian) { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
    }
}

/// Writes `value` as decimal digits right-aligned at the end of `bytes`.
private func writeDigits(_ value: Int64, into bytes: inout [UInt8]) {
    var rest = value, index = bytes.count - 1
    repeat {
        bytes[index] = UInt8(ascii: "0") + UInt8(rest % 10)
        rest /= 10; index -= 1
    } while rest > 0 && index >= 0
}

private func removeDatabase(_ path: String) {
    for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
}

private func exec(_ db: OpaquePointer, _ sql: String) throws {
    guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw lastError(db, sql) }
}

private func prepare(_ db: OpaquePointer, _ sql: String) throws -> OpaquePointer {
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else { throw lastError(db, sql) }
    return statement
}

private func lastError(_ db: OpaquePointer, _ sql: String) -> StoreError {
    StoreError(code: sqlite3_extended_errcode(db), message: String(cString: sqlite3_errmsg(db)), sql: sql)
}
