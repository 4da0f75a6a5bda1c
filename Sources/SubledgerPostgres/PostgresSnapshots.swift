// PostgresSnapshots: a PostgreSQL ledger's period snapshots (DR-40), in a `snapshots` table beside its
// log with the columns of SQLite's (Snapshots.swift in SubledgerStore), bytea for the blobs, and the same
// checksum over the same canonical form. It works on the log's own connection, so it is used from the
// log's thread (one at a time, like the log).
//
// A cache, unlike the log: no append-only triggers, and the ledger's role may DELETE (a close prunes all
// but the newest few). It is not granted UPDATE: replacing the snapshot of a sequence is a DELETE and an
// INSERT in one transaction, and of two nodes replacing the same one the second's INSERT does nothing.

import PostgresNIO
import SubledgerStore

public final class PostgresSnapshots {
    let session: PostgresSession

    /// The snapshots of the ledger `log` is on (its connection and schema).
    public init(_ log: PostgresEventLog) {
        session = log.session
    }

    /// Migration 2: the table. Every row has its checksum (SQLite's rows before its migration 4 did not).
    static let migration = [
        """
        CREATE TABLE IF NOT EXISTS snapshots(
            sequence bigint PRIMARY KEY CHECK(sequence >= 1),
            chain_hash bytea NOT NULL,
            business_date bigint NOT NULL,
            created_at bigint NOT NULL,
            format bigint NOT NULL,
            state bytea NOT NULL,
            checksum bytea NOT NULL CHECK(length(checksum) = 32)
        )
        """
    ]

    /// What the ledger's role (`role` and `schema` quoted) may do to the snapshots: read, store and prune.
    static func grants(role: String, schema: String) -> [String] {
        [
            "REVOKE ALL ON \(schema).snapshots FROM \(role)",
            "GRANT SELECT, INSERT, DELETE ON \(schema).snapshots TO \(role)",
        ]
    }

    static let listColumns = "sequence, chain_hash, business_date, created_at, format, octet_length(state)"
    static let rowColumns = listColumns + ", state, checksum"
}

extension PostgresSnapshots: SnapshotStore {
    public func saveSnapshot(
        sequence: Int64, chainHash: [UInt8], businessDate: Int64, createdAt: Int64,
        format: Int64, state: [UInt8]
    ) throws(StoreError) {
        let checksum = SnapshotRecord.checksum(
            sequence: sequence, chainHash: chainHash, businessDate: businessDate, createdAt: createdAt,
            format: format, state: state)
        let insert: PostgresQuery = """
            INSERT INTO snapshots(sequence, chain_hash, business_date, created_at, format, state, checksum)
            VALUES (\(sequence), \(ByteBuffer(bytes: chainHash)), \(businessDate), \(createdAt), \(format),
            \(ByteBuffer(bytes: state)), \(ByteBuffer(bytes: checksum)))
            ON CONFLICT (sequence) DO NOTHING
            """
        try session.execute("BEGIN")
        do throws(StoreError) {
            try session.query("DELETE FROM snapshots WHERE sequence = \(sequence)")
            try session.query(insert)
            try session.execute("COMMIT")
        } catch {
            _ = try? session.execute("ROLLBACK")
            throw error
        }
    }

    public func snapshots() throws(StoreError) -> [SnapshotRecord] {
        try records("SELECT \(unescaped: Self.listColumns) FROM snapshots ORDER BY sequence", withState: false)
    }

    public func snapshot(sequence: Int64) throws(StoreError) -> SnapshotRecord? {
        try records(
            "SELECT \(unescaped: Self.rowColumns) FROM snapshots WHERE sequence = \(sequence)", withState: true
        ).first
    }

    public func latestSnapshot(atOrBefore sequence: Int64) throws(StoreError) -> SnapshotRecord? {
        try records(
            """
            SELECT \(unescaped: Self.rowColumns) FROM snapshots WHERE sequence <= \(sequence)
            ORDER BY sequence DESC LIMIT 1
            """, withState: true
        ).first
    }

    public func deleteSnapshot(sequence: Int64) throws(StoreError) {
        try session.query("DELETE FROM snapshots WHERE sequence = \(sequence)")
    }

    @discardableResult
    public func deleteSnapshots() throws(StoreError) -> Int {
        // One statement: the count is of the rows this DELETE removed, whatever another node does meanwhile.
        Int(try session.scalarInt64("WITH gone AS (DELETE FROM snapshots RETURNING 1) SELECT count(*) FROM gone") ?? 0)
    }

    public func hash(at sequence: Int64) throws(StoreError) -> [UInt8]? {
        let query: PostgresQuery = "SELECT hash FROM events WHERE sequence = \(sequence)"
        guard let row = try session.query(query).first(where: { _ in true }) else { return nil }
        do { return Array(try row.decode(ByteBuffer.self).readableBytesView) } catch {
            throw session.storeError(error, sql: query.sql)
        }
    }

    /// Each row read whole, one at a time, and its checksum recomputed (every row has one: `damaged`).
    public func checkSnapshotChecksums() throws(StoreError) -> [(sequence: Int64, damaged: Bool)] {
        var found: [(sequence: Int64, damaged: Bool)] = []
        for listed in try snapshots() {
            guard let record = try snapshot(sequence: listed.sequence) else { continue }  // pruned meanwhile
            if !record.checksumMatches { found.append((record.sequence, true)) }
        }
        return found
    }

    /// The rows `query` selects (`listColumns`, then with `withState` the state and checksum).
    private func records(_ query: PostgresQuery, withState: Bool) throws(StoreError) -> [SnapshotRecord] {
        var records: [SnapshotRecord] = []
        for row in try session.query(query) {
            do {
                let columns = try row.decode((Int64, ByteBuffer, Int64, Int64, Int64, Int32).self)
                var record = SnapshotRecord(
                    sequence: columns.0, chainHash: Array(columns.1.readableBytesView), businessDate: columns.2,
                    createdAt: columns.3, format: columns.4, size: Int(columns.5), state: [])
                if withState {
                    let (_, _, _, _, _, _, state, checksum) = try row.decode(
                        (Int64, ByteBuffer, Int64, Int64, Int64, Int32, ByteBuffer, ByteBuffer?).self)
                    record.state = Array(state.readableBytesView)
                    record.checksum = checksum.map { Array($0.readableBytesView) }
                }
                records.append(record)
            } catch {
                throw session.storeError(error, sql: query.sql)
            }
        }
        return records
    }
}
