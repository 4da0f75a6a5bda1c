// The filter of closed ids (DR-52) as any store holds it (DR-53): the file's tables and PostgreSQL's have the
// same rows (segment, capacity, count, bits as little-endian words, checksum), checked by the same codec,
// and the same rules (a filter that does not cover its history is not read; a save fills it from the
// table's ids once). The ledger asks its history store through `ClosedIDFilterSource`, whichever it is.

/// A store whose history of transactions has a filter of its ids beside it.
public protocol ClosedIDFilterSource: AnyObject {
    /// The stored filter when it covers every history row and every segment matches its checksum; nil
    /// otherwise (the caller then looks every id up).
    func closedIDFilter() throws(StoreError) -> ClosedIDFilter?
    /// The first history id the stored filter misses, or a segment that fails its checksum; nil when it
    /// holds them all or is not yet filled (`replay --verify`).
    func closedIDFilterDifference() throws(StoreError) -> String?
}

extension EventStore: ClosedIDFilterSource {}

/// One stored segment, as both stores' tables hold it.
public struct ClosedIDFilterRow: Sendable, Equatable {
    public var segment: Int64, capacity: Int64, count: Int64, bits: [UInt8], checksum: Int64

    public init(segment: Int64, capacity: Int64, count: Int64, bits: [UInt8], checksum: Int64) {
        (self.segment, self.capacity, self.count, self.bits, self.checksum) = (segment, capacity, count, bits, checksum)
    }
}

/// The codec and the update rule the file follows (ClosedIDFilterStore.swift), for another store.
public enum ClosedIDFilterRows {
    /// The filter of rows read in segment order, or the first segment that is out of place, not whole
    /// blocks, or fails its checksum.
    public static func filter(_ rows: [ClosedIDFilterRow]) -> Result<ClosedIDFilter, DamagedSegment> {
        var segments: [ClosedIDFilter.Segment] = []
        for row in rows {
            let valid =
                row.segment == Int64(segments.count) && row.bits.count % 8 == 0
                && row.bits.withUnsafeBytes { EventStore.filterChecksum($0) } == row.checksum
            let words = !valid ? [] : (0..<row.bits.count / 8).map { index in
                row.bits.withUnsafeBytes {
                    UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
                }
            }
            guard valid, let segment = ClosedIDFilter.Segment(
                capacity: Int(row.capacity), count: Int(row.count), words: words)
            else { return .failure(DamagedSegment(segment: row.segment)) }
            segments.append(segment)
        }
        return .success(ClosedIDFilter(segments: segments))
    }

    public struct DamagedSegment: Error, Equatable {
        public var segment: Int64
        /// What `replay --verify` reports, on either store.
        public var message: String { "history_id_filter: segment \(segment) does not match its checksum" }
    }

    /// The rows of the segments `changed` (every segment when nil).
    public static func rows(_ filter: ClosedIDFilter, changed: [Int]?) -> [ClosedIDFilterRow] {
        (changed ?? Array(filter.segments.indices)).map { index in
            let segment = filter.segments[index]
            let bytes = segment.words.map(\.littleEndian).withUnsafeBytes { Array($0) }
            return ClosedIDFilterRow(
                segment: Int64(index), capacity: Int64(segment.capacity), count: Int64(segment.count), bits: bytes,
                checksum: bytes.withUnsafeBytes { EventStore.filterChecksum($0) })
        }
    }

    /// The filter after a save of rows with `ids`: the stored one with them added (only its changed
    /// segments to write), or, when none is usable (`stored` nil), one made from every id of the table
    /// (`tableIDs`, the rows just saved included; every segment to write, the old rows deleted).
    public static func adding(
        _ ids: [String], to stored: ClosedIDFilter?, tableIDs: () throws(StoreError) -> [String]
    ) throws(StoreError) -> (filter: ClosedIDFilter, changed: [Int]?) {
        guard let stored else {
            let all = try tableIDs()
            var filter = ClosedIDFilter()
            for (index, id) in all.enumerated() { filter.insert(id, expected: all.count - index) }
            return (filter, nil)
        }
        var filter = stored
        for (index, id) in ids.enumerated() { filter.insert(id, expected: ids.count - index) }
        return (filter, filter.changedSegments(since: stored))
    }

    /// `replay --verify`'s words when `filter` misses `id` (a history row's); nil when it may hold it.
    public static func missing(_ filter: ClosedIDFilter, _ id: String) -> String? {
        filter.mayContain(id) ? nil : "history_id_filter: transaction '\(id.prefix(80))' is not in the filter"
    }
}
