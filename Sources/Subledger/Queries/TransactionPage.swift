import SubledgerCore

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
    public func transactionPage(
        item: String? = nil, from: LedgerDate? = nil, to: LedgerDate? = nil, after cursor: TransactionCursor?,
        limit: Int
    ) throws -> TransactionPage {
        let all = try transactions(item: item)
        // The rows are sorted by the cursor's key: find the first after it by bisection.
        var low = 0
        var high = all.count
        if let cursor {
            while low < high {
                let middle = (low + high) / 2
                if TransactionCursor(all[middle].record) <= cursor { low = middle + 1 } else { high = middle }
            }
        }
        var rows: [TransactionRow] = []
        var index = low
        while index < all.count && rows.count < limit {
            let date = all[index].record.date
            if from.map({ date >= $0 }) ?? true, to.map({ date <= $0 }) ?? true { rows.append(all[index]) }
            index += 1
        }
        let more = all[index...].contains { row in
            (from.map { row.record.date >= $0 } ?? true) && (to.map { row.record.date <= $0 } ?? true)
        }
        return TransactionPage(rows: rows, next: more ? rows.last.map { TransactionCursor($0.record) } : nil)
    }
}
