// Snapshot management (DR-22): a close keeps the newest period snapshots and prunes the rest, and a
// reversal deletes the snapshots it superseded (they hold the evictions of a close it reversed).

import SubledgerCore
internal import SubledgerStore

extension Ledger {
    /// Deletes every snapshot but the newest `count`; returns how many it deleted.
    @discardableResult
    public func pruneSnapshots(keeping count: Int) throws -> Int {
        let listed = try snapshots().sorted { $0.sequence > $1.sequence }
        let old = listed.dropFirst(max(count, 0))
        let store = try snapshotSource.snapshots
        for snapshot in old {
            try storeCall { () throws(StoreError) in try store.deleteSnapshot(sequence: snapshot.sequence) }
        }
        return old.count
    }

    /// Deletes the snapshots that folded a close reversed after them: the ledger never uses them again.
    func deleteSupersededSnapshots() throws {
        let source = try snapshotSource
        let store = source.snapshots
        for snapshot in try snapshots()
        where try CloseReversals.read(source.log, after: snapshot.sequence)
            .staleClose(forSnapshotAt: snapshot.sequence, pending: []) != nil
        {
            try storeCall { () throws(StoreError) in try store.deleteSnapshot(sequence: snapshot.sequence) }
        }
    }
}
