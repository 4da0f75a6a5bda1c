import SubledgerCore
internal import SubledgerStore

/// Where a page of transactions ends: the listing's order key (sequence, issue leg before receipt leg,
/// id) of its last row. Clients see it only as an opaque token (`token`), which they send back as is.
public struct TransactionCursor: Sendable, Equatable, Comparable {
    public var sequence: Int64
    public var rank: Int
    public var id: String

    init(_ record: TransactionRecord) {
        sequence = record.sequence
        rank = record.direction == .issue ? 0 : 1
        id = record.id
    }

    init(sequence: Int64, rank: Int, id: String) {
        self.sequence = sequence
        self.rank = rank
        self.id = id
    }

    public static func < (a: Self, b: Self) -> Bool { (a.sequence, a.rank, a.id) < (b.sequence, b.rank, b.id) }

    /// `sequence.rank.id` as lowercase hex: opaque, URL-safe, and exact for any id.
    public var token: String { JSONFields.hex(Array("\(sequence).\(rank).\(id)".utf8)) }

    /// The cursor of a token `token` gave; nil for anything else.
    public init?(token: String) {
        let digits = Array(token.utf8)
        guard !digits.isEmpty, digits.count % 2 == 0, digits.count <= 4_096 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        let parts = String(decoding: bytes, as: UTF8.self).split(
            separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let sequence = Int64(parts[0]), sequence >= 0, let rank = Int(parts[1]),
            rank == 0 || rank == 1
        else { return nil }
        self.init(sequence: sequence, rank: rank, id: String(parts[2]))
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}

/// One page of `transactions`, and the cursor of the next one (nil on the last page).
public struct TransactionPage: Sendable {
    public var rows: [TransactionRow]
    public var next: TransactionCursor?
}

extension Ledger {
    /// The transactions (open or in history) of one item or all, dated `from...to` (inclusive, either
    /// optional), in the order `transactions` lists them, starting after `cursor`, at most `limit` rows.
    /// Read by key: the history rows from the cursor's sequence on (an index in the listing's order) merged
    /// with the open transactions after the cursor, so a page costs its own rows, not the whole ledger.
    public func transactionPage(
        item: String? = nil, from: LedgerDate? = nil, to: LedgerDate? = nil, after cursor: TransactionCursor?,
        limit: Int
    ) throws -> TransactionPage {
        let wanted = max(limit, 0) + 1  // one more than the page: whether a next page exists
        let inRange = { (record: TransactionRecord) -> Bool in
            (item == nil || record.item == item) && (from.map { record.date >= $0 } ?? true)
                && (to.map { record.date <= $0 } ?? true) && (cursor.map { TransactionCursor(record) > $0 } ?? true)
        }
        var open = PageCandidates(capacity: wanted)
        for record in state.transactions.values where inRange(record) { open.offer(record) }
        let closed = try historyPageRecords(
            from: cursor?.sequence ?? 0, item: item, dated: from, to, wanted: wanted, where: inRange)
        let merged = (open.records + closed).sorted { TransactionCursor($0) < TransactionCursor($1) }
        let rows = try merged.prefix(limit).map { try pageRow($0) }
        return TransactionPage(
            rows: rows, next: merged.count > limit ? rows.last.map { TransactionCursor($0.record) } : nil)
    }

    /// At least the first `wanted` history records (in the listing's order) from sequence `start` on that
    /// `include` admits, and the rest of the last one's sequence (a sequence's rows are ordered by
    /// direction, then id, which the table's (sequence, tx) order is not). Ids the open state holds are
    /// skipped: the open record wins.
    private func historyPageRecords(
        from start: Int64, item: String?, dated from: LedgerDate?, _ to: LedgerDate?, wanted: Int,
        where include: (TransactionRecord) -> Bool
    ) throws -> [TransactionRecord] {
        var records: [TransactionRecord] = []
        guard let store = history else { return records }  // a log alone evicts nothing
        var failure: (any Error)?
        let state = self.state
        try storeCall { () throws(StoreError) in
            try store.forEachHistoryTransaction(
                fromSequence: start, item: item, from: from.map { Int64($0.yyyymmdd) },
                to: to.map { Int64($0.yyyymmdd) }
            ) { id, sequence, bytes throws(StoreError) in
                if records.count >= wanted, let last = records.last, sequence > last.sequence { return false }
                guard state.transactions[id] == nil else { return true }
                do {
                    let record = try decodedHistory(bytes, against: state)
                    if include(record) { records.append(record) }
                    return true
                } catch {
                    failure = error
                    return false
                }
            }
        }
        if let failure { throw failure }
        return records
    }

    /// A page's row: as `transactions` shows it, a transfer's issue leg with its receipt leg's dimensions.
    private func pageRow(_ record: TransactionRecord) throws -> TransactionRow {
        let destination =
            record.kind == .transferOut ? try transaction(SyntheticID.transferReceipt(record.id))?.dimensions : nil
        return TransactionRow(
            record: record, model: state.items[record.item]!.model, accounts: state.accounts(of: record),
            destination: destination)
    }
}

/// The first `capacity` records offered, in the listing's order, without sorting all of them: an
/// offered record that sorts after the kept ones once they are full is dropped on one comparison.
private struct PageCandidates {
    let capacity: Int
    private(set) var records: [TransactionRecord] = []

    init(capacity: Int) { self.capacity = capacity }

    mutating func offer(_ record: TransactionRecord) {
        let key = TransactionCursor(record)
        if records.count == capacity {
            guard let last = records.last, key < TransactionCursor(last) else { return }
            records.removeLast()
        }
        var low = 0
        var high = records.count
        while low < high {
            let middle = (low + high) / 2
            if TransactionCursor(records[middle]) < key { low = middle + 1 } else { high = middle }
        }
        records.insert(record, at: low)
    }
}
