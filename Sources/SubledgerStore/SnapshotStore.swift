// SnapshotStore: where a ledger keeps its period snapshots (DR-22, DR-40), whichever database holds its
// log. SQLite's `EventStore` keeps them in the ledger file's `snapshots` table; `PostgresSnapshots` in the
// PostgreSQL database's. The rows and their checksum are the same on both (`SnapshotRecord`), so a
// snapshot's bytes do not depend on where it is kept.
//
// A snapshot is a cache beside the log, never part of it: rows are replaced and deleted (a close prunes
// all but the newest few), and deleting every row loses nothing (replay rebuilds the state). Whoever reads
// one checks it first (its checksum, then the log's chain hash at its sequence, `SnapshotLoader`).

/// The operations a ledger needs on its period snapshots.
public protocol SnapshotStore: AnyObject {
    /// Stores (or replaces) the snapshot of the state after event `sequence`, with its checksum.
    func saveSnapshot(
        sequence: Int64, chainHash: [UInt8], businessDate: Int64, createdAt: Int64,
        format: Int64, state: [UInt8]
    ) throws(StoreError)

    /// Every snapshot, oldest first, without its state (`size` says how big the state is).
    func snapshots() throws(StoreError) -> [SnapshotRecord]

    /// The snapshot of event `sequence`, with its state and checksum.
    func snapshot(sequence: Int64) throws(StoreError) -> SnapshotRecord?

    /// The newest snapshot at or before `sequence`, with its state and checksum.
    func latestSnapshot(atOrBefore sequence: Int64) throws(StoreError) -> SnapshotRecord?

    /// Deletes the snapshot after event `sequence`, if there is one.
    func deleteSnapshot(sequence: Int64) throws(StoreError)

    /// Deletes every snapshot; returns how many there were.
    @discardableResult
    func deleteSnapshots() throws(StoreError) -> Int

    /// The log's stored chain hash of event `sequence` (nil when there is no such event): a snapshot is
    /// usable only while this is the hash it recorded.
    func hash(at sequence: Int64) throws(StoreError) -> [UInt8]?

    /// Every snapshot whose stored checksum is missing or does not match its row (`damaged` false only for
    /// a row from before checksums, in a ledger that cannot be migrated).
    func checkSnapshotChecksums() throws(StoreError) -> [(sequence: Int64, damaged: Bool)]
}
