// ChainCheck: the hash chain checked along every read of the log, so that no figure is ever folded from
// an event whose bytes changed since it was appended.
//
// Why every read and not only `verify`: a damaged byte in an event that still decodes folds into
// different figures with no error, and a query that trusted the rows would show them with exit 0. The
// chain is the one thing that says the log is as written. It costs one SHA-256 of each row (with the
// CPU's SHA instructions about +0.5 s CPU per million events inline on the replay benchmark, +1.1 s
// with the portable code); so a scan of a long range reads and hashes the rows on a second thread with
// its own read-only connection and hands the checked events to the fold in batches (`EventPipeline`).
// A read after event N starts from event N's stored hash, which a snapshot of event N has already
// matched against its own checksummed record, so opening from a snapshot hashes only the tail.

import CSQLite

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

extension StoreError {
    static func missingEvent(_ expected: Int64, next: Int64) -> StoreError {
        .corrupt("event \(expected) is missing from the log (next stored: \(next)); run `subledger verify`")
    }
}
