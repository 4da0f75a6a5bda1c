// The hash chain for event logs outside this module (PostgreSQL): the same EventHash bytes, the same
// checks as ChainCheck on every read, and the same walk as `EventStore.verifyChain`, fed with row values
// instead of SQLite statements. A log that computes its hashes here stores the same chain as SQLite, so
// a ledger copied between the two keeps its hashes.

import SubledgerCore

/// The hash chain checked along a read, from the hash of the event before the first one read.
public struct EventChain {
    public private(set) var previous: SHA256.Digest
    /// The sequence the next row must have.
    public private(set) var expected: Int64

    /// Starts after event `sequence`, whose stored hash is `hash` (the zero hash before event 1).
    public init(after sequence: Int64, hash: SHA256.Digest) {
        previous = hash
        expected = sequence &+ 1
    }

    /// hash(n) = SHA-256(hash(n-1) || canonical(n)), as EventHash.swift lays it out.
    public static func hash(
        previous: SHA256.Digest, sequence: Int64, businessDate: Int32, type: UnsafeRawBufferPointer,
        version: Int32, commandID: UnsafeRawBufferPointer, recordedAt: Int64, payload: UnsafeRawBufferPointer
    ) -> SHA256.Digest {
        EventHash.compute(
            previous: previous, sequence: sequence, businessDate: businessDate, type: type, version: version,
            commandID: commandID, recordedAt: recordedAt, payload: payload)
    }

    /// Checks one row (its place, its fields' ranges and its stored hash) and returns its business date.
    public mutating func check(
        sequence: Int64, businessDate: Int64, type: UnsafeRawBufferPointer, version: Int64,
        commandID: UnsafeRawBufferPointer, recordedAt: Int64, payload: UnsafeRawBufferPointer,
        hash: UnsafeRawBufferPointer
    ) throws(StoreError) -> LedgerDate {
        guard sequence == expected else { throw StoreError.missingEvent(expected, next: sequence) }
        guard let rawDate = Int32(exactly: businessDate), let date = LedgerDate(yyyymmdd: rawDate),
            let rawVersion = Int32(exactly: version), rawVersion >= 1
        else {
            throw StoreError.corrupt(
                "event \(sequence) has a business_date or version out of range; run `subledger verify`")
        }
        let computed = EventChain.hash(
            previous: previous, sequence: sequence, businessDate: rawDate, type: type, version: rawVersion,
            commandID: commandID, recordedAt: recordedAt, payload: payload)
        guard computed.matches(hash) else {
            throw StoreError.corrupt(
                "event \(sequence)'s hash does not match its contents: the log is damaged; run `subledger verify`")
        }
        previous = computed
        expected += 1
        return date
    }
}
