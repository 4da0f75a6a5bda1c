// The filter of closed ids (ClosedIDFilter.swift, DR-52) kept in the file beside `history_transactions`: a
// projection of that table, written in the same SQLite transaction as its rows by every save, so the
// filter holds every id the table holds (it may hold more: a reversal deletes rows, never bits).
// `history_id_filter_coverage` says whether it does: migration 17 finds a file with history rows but no
// filter and marks it not covered; the next save (a close, a backfill, a rebuild) fills the filter from
// the table's ids once. Until then, and for a segment whose checksum fails, a reader gets no filter and
// looks every id up, as before, and `replay --verify` reports a damaged segment (not a filter not yet
// filled: nothing reads that one).


/// The filter as the file holds it.
enum StoredClosedIDFilter {
    case usable(ClosedIDFilter)
    /// Not filled since migration 17 found history rows: nothing may trust it, the next save fills it.
    case notCovering
    case damaged(segment: Int64)
}

enum ClosedIDFilterSchema {
    /// The schema version that has the tables (its place in `Schema.migrations`).
    static let version = Int64((Schema.migrations.firstIndex(of: migration) ?? Int(Int32.max) - 1) + 1)

    /// Migration 17. Re-run on a migrated file, it keeps what is there.
    static let migration = """
        CREATE TABLE IF NOT EXISTS history_id_filter(
            segment INTEGER PRIMARY KEY,
            capacity INTEGER NOT NULL CHECK(capacity > 0),
            count INTEGER NOT NULL CHECK(count >= 0),
            bits BLOB NOT NULL,
            checksum INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE IF NOT EXISTS history_id_filter_coverage(
            id INTEGER PRIMARY KEY CHECK(id = 1),
            covered INTEGER NOT NULL CHECK(covered IN (0, 1))
        ) STRICT;
        INSERT OR IGNORE INTO history_id_filter_coverage(id, covered)
            SELECT 1, NOT EXISTS (SELECT 1 FROM history_transactions);
        """
}

extension EventStore {
    /// Whether the file has the filter's tables (a ledger of an older schema opened read-only has not).
    var hasClosedIDFilter: Bool { schemaVersion >= ClosedIDFilterSchema.version }

    /// The stored filter when it covers every history row and every segment matches its checksum; nil
    /// otherwise (the caller then looks every id up).
    public func closedIDFilter() throws(StoreError) -> ClosedIDFilter? {
        if case .usable(let filter) = try storedClosedIDFilter() { return filter }
        return nil
    }

    /// What the file holds: a filter covering the table, none yet (an older file's history), or a damaged one.
    func storedClosedIDFilter() throws(StoreError) -> StoredClosedIDFilter {
        guard hasClosedIDFilter,
            try connection.scalarInt64("SELECT covered FROM history_id_filter_coverage WHERE id = 1") == 1
        else { return .notCovering }
        let select = try connection.prepare(
            "SELECT segment, capacity, count, bits, checksum FROM history_id_filter ORDER BY segment")
        var segments: [ClosedIDFilter.Segment] = []
        while try select.step() {
            let bytes = select.blobBuffer(at: 3)
            guard select.int64(at: 0) == Int64(segments.count), bytes.count % 8 == 0,
                Self.filterChecksum(bytes) == select.int64(at: 4)
            else { return .damaged(segment: select.int64(at: 0)) }
            let words = (0..<bytes.count / 8).map {
                UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))
            }
            guard let segment = ClosedIDFilter.Segment(
                capacity: Int(select.int64(at: 1)), count: Int(select.int64(at: 2)), words: words)
            else { return .damaged(segment: select.int64(at: 0)) }
            segments.append(segment)
        }
        return .usable(ClosedIDFilter(segments: segments))
    }

    /// Adds `ids` (rows just written to `history_transactions`) to the stored filter, in the caller's
    /// transaction. A filter that does not cover the table, or fails its checksum, is made again from every
    /// id of the table instead (the rows just written included).
    func addClosedIDs(_ ids: [String]) throws(StoreError) {
        guard hasClosedIDFilter else { return }
        let stored = try closedIDFilter()
        var filter = stored ?? ClosedIDFilter()
        if stored == nil {
            let select = try connection.prepare("SELECT tx FROM history_transactions")
            let total = try historyTransactionCount()
            while try select.step() { filter.insert(select.text(at: 0), expected: total - filter.count) }
        } else {
            for (index, id) in ids.enumerated() { filter.insert(id, expected: ids.count - index) }
        }
        try saveClosedIDFilter(filter, changed: stored.map { filter.changedSegments(since: $0) })
    }

    /// Writes the segments `changed` (all when nil) and marks the filter covering the table.
    private func saveClosedIDFilter(_ filter: ClosedIDFilter, changed: [Int]?) throws(StoreError) {
        if changed == nil { try connection.execute("DELETE FROM history_id_filter") }
        let insert = try connection.prepare(
            "INSERT OR REPLACE INTO history_id_filter(segment, capacity, count, bits, checksum) VALUES (?,?,?,?,?)")
        for index in changed ?? Array(filter.segments.indices) {
            let segment = filter.segments[index]
            let bytes = segment.words.map(\.littleEndian).withUnsafeBytes { Array($0) }
            try insert.bind(Int64(index), at: 1)
            try insert.bind(Int64(segment.capacity), at: 2)
            try insert.bind(Int64(segment.count), at: 3)
            try insert.bind(bytes, at: 4)
            try insert.bind(bytes.withUnsafeBytes { Self.filterChecksum($0) }, at: 5)
            try insert.run()
        }
        try connection.execute("INSERT OR REPLACE INTO history_id_filter_coverage(id, covered) VALUES (1, 1)")
    }

    /// Empties the filter, covering the (emptied) table: `rebuild` refills both.
    func clearClosedIDFilter() throws(StoreError) {
        guard hasClosedIDFilter else { return }
        try saveClosedIDFilter(ClosedIDFilter(), changed: nil)
    }

    /// The first history id the stored filter misses, or a segment that fails its checksum; nil when it
    /// holds them all (`replay --verify`).
    /// A file whose filter is not yet filled has nothing to compare: nothing reads it.
    public func closedIDFilterDifference() throws(StoreError) -> String? {
        guard hasTransactionHistory else { return nil }
        let filter: ClosedIDFilter
        switch try storedClosedIDFilter() {
        case .notCovering: return nil
        case .damaged(let segment): return "history_id_filter: segment \(segment) does not match its checksum"
        case .usable(let usable): filter = usable
        }
        let select = try connection.prepare("SELECT tx FROM history_transactions")
        while try select.step() {
            let id = select.text(at: 0)
            guard filter.mayContain(id) else {
                return "history_id_filter: transaction '\(id.prefix(80))' is not in the filter"
            }
        }
        return nil
    }

    /// FNV-1a's step over 64-bit words (little-endian; a tail of bytes alone): one changed word always
    /// changes it.
    static func filterChecksum(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        let words = bytes.count / 8
        for index in 0..<words {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
            hash = (hash ^ word) &* 0x0000_0100_0000_01B3
        }
        for index in (words * 8)..<bytes.count { hash = (hash ^ UInt64(bytes[index])) &* 0x0000_0100_0000_01B3 }
        return Int64(bitPattern: hash)
    }
}
