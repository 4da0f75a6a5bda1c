import SubledgerCore
internal import SubledgerStore

extension Ledger {
    /// Every snapshot's checksum, checked (`LedgerLog.snapshotChecksums` for an open ledger: the server's
    /// `GET /v1/verify`).
    public func snapshotChecksums() throws -> [SnapshotChecksum] {
        guard let store = snapshotStore else { return [] }  // a log alone has no snapshots to check
        return try LedgerError.sealing { try store.checkSnapshotChecksums() }.map {
            SnapshotChecksum(sequence: $0.sequence, damaged: $0.damaged)
        }
    }
}
