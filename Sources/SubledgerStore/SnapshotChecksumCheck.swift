// Every snapshot's checksum checked (for `verify`) by streaming its state through the hasher in pieces
// with SQLite's incremental blob reads: a period snapshot of a long log is over 100 MB, and reading it
// whole held it twice in memory (SQLite's copy and the array), 233 MB peak for `verify` of a million
// events. The canonical form hashed is the one of `SnapshotRecord.checksum` (Snapshots.swift).

import CSQLite

extension EventStore {
    /// Bytes of a snapshot's state read per piece.
    static let snapshotReadPiece = 1 << 20

    /// Every snapshot whose stored checksum is missing or does not match its row. `damaged` is false
    /// only for a missing checksum in a ledger from before the checksum migration opened read-only;
    /// since then every row has one, so a row without one is damaged too.
    public func checkSnapshotChecksums() throws(StoreError) -> [(sequence: Int64, damaged: Bool)] {
        let hasChecksums = schemaVersion >= SnapshotSchema.checksumVersion
        let statement = try connection.prepare(
            """
            SELECT sequence, chain_hash, business_date, created_at, format, length(state),
                \(hasChecksums ? "checksum" : "NULL")
            FROM snapshots ORDER BY sequence
            """)
        var found: [(sequence: Int64, damaged: Bool)] = []
        var piece = [UInt8](repeating: 0, count: EventStore.snapshotReadPiece)
        while try statement.step() {
            let sequence = statement.int64(at: 0)
            guard !statement.isNull(at: 6) else {
                found.append((sequence, hasChecksums))
                continue
            }
            var hasher = SnapshotRecord.checksumHasher(
                sequence: sequence, chainHash: statement.blob(at: 1), businessDate: statement.int64(at: 2),
                createdAt: statement.int64(at: 3), format: statement.int64(at: 4),
                stateCount: Int(statement.int64(at: 5)))
            try feedState(ofSnapshot: sequence, to: &hasher, through: &piece)
            if !hasher.finalize().matches(statement.blobBuffer(at: 6)) { found.append((sequence, true)) }
        }
        return found
    }

    /// Feeds the state column of snapshot `sequence` (its rowid) to `hasher`, a piece at a time.
    private func feedState(
        ofSnapshot sequence: Int64, to hasher: inout SHA256, through piece: inout [UInt8]
    ) throws(StoreError) {
        var blob: OpaquePointer?
        guard sqlite3_blob_open(connection.handle, "main", "snapshots", "state", sequence, 0, &blob) == SQLITE_OK,
            let blob
        else {
            sqlite3_blob_close(blob)
            throw connection.lastError(sql: "blob open: snapshots.state of \(sequence)")
        }
        defer { sqlite3_blob_close(blob) }
        let total = Int(sqlite3_blob_bytes(blob))
        var offset = 0
        while offset < total {
            let count = min(piece.count, total - offset)
            let rc = piece.withUnsafeMutableBytes { buffer in
                sqlite3_blob_read(blob, buffer.baseAddress, Int32(count), Int32(offset))
            }
            guard rc == SQLITE_OK else { throw connection.lastError(sql: "blob read: snapshots.state of \(sequence)") }
            piece.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            offset += count
        }
    }
}
