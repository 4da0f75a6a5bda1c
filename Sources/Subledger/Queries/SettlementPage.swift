import SubledgerCore

/// Where a page of settlement entries ends: the `settlement.posted` event of its last entry and that
/// entry's place among the event's entries in the listing. Clients see it as an opaque token.
public struct SettlementCursor: Sendable, Equatable, Comparable {
    public var sequence: Int64
    public var position: Int

    public static func < (a: Self, b: Self) -> Bool { (a.sequence, a.position) < (b.sequence, b.position) }

    /// `sequence.position` as lowercase hex, like a transaction cursor's token.
    public var token: String { JSONFields.hex(Array("\(sequence).\(position)".utf8)) }

    init(sequence: Int64, position: Int) {
        self.sequence = sequence
        self.position = position
    }

    /// The cursor of a token `token` gave; nil for anything else.
    public init?(token: String) {
        let digits = Array(token.utf8)
        guard !digits.isEmpty, digits.count % 2 == 0, digits.count <= 80 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < digits.count {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let sequence = Int64(parts[0]), sequence >= 0, let position = Int(parts[1]),
            position >= 0
        else { return nil }
        self.init(sequence: sequence, position: position)
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}

/// One page of `settlements`, and the cursor of the next one (nil on the last page).
public struct SettlementPage: Sendable {
    public var rows: [SettlementRow]
    public var next: SettlementCursor?

    /// The entries of `listing` (in its order: the log's) after `cursor`, at most `limit`.
    public init(_ listing: [SettlementRow], after cursor: SettlementCursor?, limit: Int) {
        rows = []
        next = nil
        var previous: Int64?
        var position = 0
        var last: SettlementCursor?
        for row in listing {
            position = row.sequence == previous ? position + 1 : 0
            previous = row.sequence
            let key = SettlementCursor(sequence: row.sequence, position: position)
            guard cursor.map({ key > $0 }) ?? true else { continue }
            guard rows.count < limit else {
                next = last
                return
            }
            rows.append(row)
            last = key
        }
    }
}
