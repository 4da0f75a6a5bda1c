// Period snapshots: the encoded projection after event N, with the chain hash of event N, so that
// opening a ledger can start from it and fold only the log's tail. A snapshot is a cache, not part of the
// log: the table has no append-only triggers, and deleting every row loses nothing (replay rebuilds it).
// A snapshot is usable only while the hash it recorded is still the hash of event N in the log.
//
// Each row also carries a checksum of itself (migration 4): SHA-256 over the canonical form below, checked
// before the state is decoded. The chain hash only ties a snapshot to the log's prefix; without the
// checksum, a changed byte inside the state could decode into plausible wrong figures that no check sees.
// Rows written before migration 4 have no checksum and are never trusted.
//
//   checksum = SHA-256( "SLSNAP1" || Int64 sequence || UInt32 length, chain_hash || Int64 business_date
//                       || Int64 created_at || Int64 format || UInt64 length, state )   (big-endian)

import CSQLite
import SubledgerCore

enum SnapshotSchema {
    /// The schema version from which every snapshot row has a checksum (its place in `Schema.migrations`).
    static let checksumVersion = Int64(
        (Schema.migrations.firstIndex(of: checksumMigration) ?? Schema.migrations.count - 1) + 1)

    /// Migration 4: each snapshot's checksum of itself; NULL (untrusted) for rows written before it.
    /// The rows already there could never be trusted, so they go (a cache: the ledger replays instead).
    static let checksumMigration = """
        ALTER TABLE snapshots ADD COLUMN checksum BLOB;
        DELETE FROM snapshots;
        """

    /// Migration 2.
    static let migration = """
        CREATE TABLE snapshots(
            sequence INTEGER PRIMARY KEY,
            chain_hash BLOB NOT NULL,
            business_date INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            format INTEGER NOT NULL,
            state BLOB NOT NULL
        ) STRICT;
        """
}

/// A stored snapshot; `state` is empty in listings (`SnapshotStore.snapshots()`).
public struct SnapshotRecord: Sendable, Equatable {
    public var sequence: Int64
    public var chainHash: [UInt8]
    /// The business date it is labelled with (yyyymmdd).
    public var businessDate: Int64
    /// Milliseconds since the epoch.
    public var createdAt: Int64
    public var format: Int64
    /// Size of the encoded state in bytes.
    public var size: Int
    public var state: [UInt8]
    /// The row's stored checksum (nil for rows written before migration 4).
    public var checksum: [UInt8]? = nil

    public init(
        sequence: Int64, chainHash: [UInt8], businessDate: Int64, createdAt: Int64, format: Int64, size: Int,
        state: [UInt8], checksum: [UInt8]? = nil
    ) {
        self.sequence = sequence
        self.chainHash = chainHash
        self.businessDate = businessDate
        self.createdAt = createdAt
        self.format = format
        self.size = size
        self.state = state
        self.checksum = checksum
    }

    /// SHA-256 over the row's canonical form (see the file comment).
    public static func checksum(
        sequence: Int64, chainHash: [UInt8], businessDate: Int64, createdAt: Int64,
        format: Int64, state: [UInt8]
    ) -> [UInt8] {
        var hasher = checksumHasher(
            sequence: sequence, chainHash: chainHash, businessDate: businessDate, createdAt: createdAt,
            format: format, stateCount: state.count)
        state.withUnsafeBytes { hasher.update($0) }
        return hasher.finalize().bytes
    }

    /// The checksum's hasher fed with everything before the state's bytes, which the caller feeds.
    static func checksumHasher(
        sequence: Int64, chainHash: [UInt8], businessDate: Int64, createdAt: Int64, format: Int64, stateCount: Int
    ) -> SHA256 {
        var hasher = SHA256()
        var header: [UInt8] = Array("SLSNAP1".utf8)
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.bigEndian) { header += $0 } }
        put(sequence)
        put(UInt32(chainHash.count))
        header += chainHash
        put(businessDate)
        put(createdAt)
        put(format)
        put(UInt64(stateCount))
        header.withUnsafeBytes { hasher.update($0) }
        return hasher
    }

    /// True when the stored checksum is present and matches the row (read with its state).
    public var checksumMatches: Bool {
        checksum
            == SnapshotRecord.checksum(
                sequence: sequence, chainHash: chainHash, businessDate: businessDate,
                createdAt: createdAt, format: format, state: state)
    }
}

extension EventStore: SnapshotStore {
    /// Stores (or replaces) the snapshot of the state after event `sequence`.
    public func saveSnapshot(
        sequence: Int64, chainHash: [UInt8], businessDate: Int64, createdAt: Int64,
        format: Int64, state: [UInt8]
    ) throws(StoreError) {
        try checkWritable()
        let statement = try connection.prepare(
            """
            INSERT OR REPLACE INTO snapshots(sequence, chain_hash, business_date, created_at, format, state, checksum)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """)
        try statement.bind(
            SnapshotRecord.checksum(
                sequence: sequence, chainHash: chainHash, businessDate: businessDate,
                createdAt: createdAt, format: format, state: state), at: 7)
        try statement.bind(sequence, at: 1)
        try statement.bind(chainHash, at: 2)
        try statement.bind(businessDate, at: 3)
        try statement.bind(createdAt, at: 4)
        try statement.bind(format, at: 5)
        // The state can be tens of megabytes: bound without a copy, alive until the step returns.
        let rc = state.withUnsafeBytes { statement.bindBlobNoCopy($0, at: 6) }
        try statement.check(rc)
        try statement.run()
        statement.clearBindings()
    }

    /// The newest snapshot at or before `sequence`, with its state.
    public func latestSnapshot(atOrBefore sequence: Int64) throws(StoreError) -> SnapshotRecord? {
        let statement = try connection.prepare(
            """
            SELECT sequence, chain_hash, business_date, created_at, format, length(state), state, \(checksumColumn)
            FROM snapshots WHERE sequence <= ?1 ORDER BY sequence DESC LIMIT 1
            """)
        try statement.bind(sequence, at: 1)
        guard try statement.step() else { return nil }
        return EventStore.readSnapshot(statement, withState: true)
    }

    /// The snapshot of event `sequence`, with its state and checksum.
    public func snapshot(sequence: Int64) throws(StoreError) -> SnapshotRecord? {
        let statement = try connection.prepare(
            """
            SELECT sequence, chain_hash, business_date, created_at, format, length(state), state, \(checksumColumn)
            FROM snapshots WHERE sequence = ?1
            """)
        try statement.bind(sequence, at: 1)
        guard try statement.step() else { return nil }
        return EventStore.readSnapshot(statement, withState: true)
    }

    /// The checksum column, or NULL (untrusted) in a ledger from before migration 4 opened read-only.
    private var checksumColumn: String { schemaVersion >= SnapshotSchema.checksumVersion ? "checksum" : "NULL" }

    /// Every snapshot, oldest first, without its state.
    public func snapshots() throws(StoreError) -> [SnapshotRecord] {
        let statement = try connection.prepare(
            """
            SELECT sequence, chain_hash, business_date, created_at, format, length(state) FROM snapshots
            ORDER BY sequence
            """)
        var records: [SnapshotRecord] = []
        while try statement.step() { records.append(EventStore.readSnapshot(statement, withState: false)) }
        return records
    }

    /// Deletes every snapshot; returns how many there were.
    @discardableResult
    public func deleteSnapshots() throws(StoreError) -> Int {
        try checkWritable()
        let count = try connection.scalarInt64("SELECT count(*) FROM snapshots") ?? 0
        try connection.execute("DELETE FROM snapshots")
        return Int(count)
    }

    /// Deletes the snapshot after event `sequence`, if there is one.
    public func deleteSnapshot(sequence: Int64) throws(StoreError) {
        try checkWritable()
        let delete = try connection.prepare("DELETE FROM snapshots WHERE sequence = ?1")
        try delete.bind(sequence, at: 1)
        try delete.run()
    }

    /// The stored chain hash of event `sequence`, nil when there is no such event.
    public func hash(at sequence: Int64) throws(StoreError) -> [UInt8]? {
        let statement = try connection.prepare("SELECT hash FROM events WHERE sequence = ?1")
        try statement.bind(sequence, at: 1)
        return try statement.step() ? statement.blob(at: 0) : nil
    }

    static func readSnapshot(_ statement: Statement, withState: Bool) -> SnapshotRecord {
        SnapshotRecord(
            sequence: statement.int64(at: 0), chainHash: statement.blob(at: 1),
            businessDate: statement.int64(at: 2), createdAt: statement.int64(at: 3),
            format: statement.int64(at: 4), size: Int(statement.int64(at: 5)),
            state: withState ? statement.blob(at: 6) : [],
            checksum: withState && !statement.isNull(at: 7) ? statement.blob(at: 7) : nil)
    }
}
