// ChainCheck: the hash chain checked along every read of the log, so that no figure is ever folded from
// an event whose bytes changed since it was appended.
//
// Why every read and not only `verify`: a damaged byte in an event that still decodes folds into
// different figures with no error, and a query that trusted the rows would show them with exit 0. The
// chain is the one thing that says the log is as written. It costs one SHA-256 of each row (with the
// CPU's SHA instructions about +0.5 s CPU per million events inline on the replay benchmark, +1.1 s
// with the portable code); so a scan of a long range hands the hashing to a second thread with its own
// read-only connection (`BackgroundChainCheck`), which reads the same immutable rows 1...N while the
// fold runs, and the scan succeeds only if that thread checked every row the fold was given (it reads
// the rows twice, +0.15 s CPU, for about 15% less wall time than hashing inline). A read after event N starts from
// event N's stored hash, which a snapshot of event N has already matched against its own checksummed
// record, so opening from a snapshot hashes only the tail.

import CSQLite
import Dispatch
import Synchronization

/// The hash chain checked along a read: columns as in `readStatement` (sequence, business_date, type,
/// version, payload, command_id, recorded_at, hash).
struct ChainCheck {
    private var previous: SHA256.Digest
    private var expected: Int64

    /// Starts after event `sequence`, from its stored hash (the zero hash before event 1).
    init(_ connection: Connection, after sequence: Int64) throws(StoreError) {
        // No event can follow the largest sequence: reported like any other start past the log's end.
        guard sequence < Int64.max else {
            throw StoreError.corrupt("event \(sequence) is missing or has no valid hash")
        }
        expected = sequence + 1
        guard sequence > 0 else { previous = .zero; return }
        let statement = try connection.prepare("SELECT hash FROM events WHERE sequence = ?1")
        try statement.bind(sequence, at: 1)
        guard try statement.step(), let digest = SHA256.Digest(bytes: statement.blobBuffer(at: 0)) else {
            throw StoreError.corrupt("event \(sequence) is missing or has no valid hash; run `subledger verify`")
        }
        previous = digest
    }

    /// The last sequence checked.
    var checkedThrough: Int64 { expected - 1 }

    /// The row's sequence, once its place and hash check out.
    @inline(__always)
    mutating func check(_ row: Statement) throws(StoreError) -> Int64 {
        let sequence = row.int64(at: 0)
        guard sequence == expected else { throw StoreError.missingEvent(expected, next: sequence) }
        guard let date = Int32(exactly: row.int64(at: 1)), let version = Int32(exactly: row.int64(at: 3)) else {
            throw StoreError.corrupt(
                "event \(sequence) has a business_date or version out of range; run `subledger verify`")
        }
        let computed = EventHash.compute(
            previous: previous, sequence: sequence, businessDate: date,
            type: row.textBuffer(at: 2), version: version,
            commandID: row.textBuffer(at: 5), recordedAt: row.int64(at: 6),
            payload: row.blobBuffer(at: 4))
        guard computed.matches(row.blobBuffer(at: 7)) else {
            throw StoreError.corrupt(
                "event \(sequence)'s hash does not match its contents: the log is damaged; run `subledger verify`")
        }
        previous = computed
        expected += 1
        return sequence
    }
}

/// The chain of rows after..through checked on a global queue, on a connection of its own.
final class BackgroundChainCheck: @unchecked Sendable {
    /// Shorter scans hash inline: a thread and a connection cost more than a few thousand hashes.
    static let minimumEvents: Int64 = 8_192

    private let group = DispatchGroup()
    /// Where the worker may stop: the last row a failed scan handed out (`Int64.max` while it runs).
    private let stopAfter = Atomic<Int64>(.max)
    // Written by the worker before `group.leave()`, read after `group.wait()`.
    private var failure: StoreError?
    private var checkedThrough: Int64

    /// Starts the check, or nil when the scan should hash inline (a short range, an in-memory database,
    /// or a read inside a transaction whose rows another connection would not see).
    init?(_ store: EventStore, after sequence: Int64, through last: Int64) {
        let path = store.connection.path
        guard last - sequence >= Self.minimumEvents, !Connection.isInMemory(path), !path.hasPrefix("file:"),
            !store.connection.isInTransaction
        else { return nil }
        checkedThrough = sequence
        group.enter()
        DispatchQueue.global().async { [self] in
            defer { group.leave() }
            do throws(StoreError) {
                try run(path: path, after: sequence, through: last)
            } catch {
                failure = error
            }
        }
    }

    private func run(path: String, after sequence: Int64, through last: Int64) throws(StoreError) {
        let connection = try Connection(path: path, create: false, readOnly: true)
        let statement = try connection.prepare(
            """
            SELECT sequence, business_date, type, version, payload, command_id, recorded_at, hash
            FROM events WHERE sequence > ?1 AND sequence <= ?2 ORDER BY sequence
            """)
        try statement.bind(sequence, at: 1)
        try statement.bind(last, at: 2)
        var chain = try ChainCheck(connection, after: sequence)
        defer { checkedThrough = chain.checkedThrough }
        while try statement.step() {
            _ = try chain.check(statement)
            if chain.checkedThrough & 0xFFF == 0, chain.checkedThrough >= stopAfter.load(ordering: .relaxed) { return }
        }
    }

    /// Waits until the check has covered `through` (the last row the scan handed out; a failed scan
    /// needs no more) and throws its error, if any: a damaged row is reported as such even when the fold
    /// failed on it first.
    func finish(through last: Int64, scanFailed: Bool) throws(StoreError) {
        if scanFailed { stopAfter.store(last, ordering: .relaxed) }
        group.wait()
        if let failure { throw failure }
        if !scanFailed && checkedThrough < last {
            throw StoreError.corrupt(
                "the hash chain was checked through event \(checkedThrough) but \(last) events were read; run `subledger verify`"
            )
        }
    }
}

extension StoreError {
    static func missingEvent(_ expected: Int64, next: Int64) -> StoreError {
        .corrupt("event \(expected) is missing from the log (next stored: \(next)); run `subledger verify`")
    }
}
