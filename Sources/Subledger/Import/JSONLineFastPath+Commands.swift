import SubledgerCore

// The commands of the fast path, each built as `CommandDecoder` builds it from the same fields. Every check
// here mirrors one of `FieldReader`'s, and a value it would refuse gives nil instead of an error: the
// general path then refuses the line with its own words.
extension JSONLineFastPath {
    /// The keys `CommandName.allowedKeys` gives each command, as bits.
    static let receiveKeys: UInt16 = (1 << 12) - 1
    static let issueKeys: UInt16 = receiveKeys & ~Key.cost.bit
    static let invoiceKeys: UInt16 = Key.command.bit | Key.date.bit | Key.tx.bit | Key.qty.bit | Key.cost.bit
    static let dimensionKeys: [(Key, Dimension)] = [
        (.site, .site), (.warehouse, .warehouse), (.batch, .batch), (.serial, .serial),
    ]

    static func receive(_ bytes: UnsafeRawBufferPointer, _ members: Members) -> LedgerCommand? {
        guard members.given & ~receiveKeys == 0,
            let date = date(bytes, members), let item = name(bytes, members, .item),
            let transaction = name(bytes, members, .tx), let quantity = quantity(bytes, members),
            let price = price(bytes, members), let physical = physical(bytes, members),
            let dimensions = dimensions(bytes, members)
        else { return nil }
        var kind = LedgerCommand.ReceiptKind.purchase
        if members.has(.kind) {
            guard let given = LedgerCommand.ReceiptKind(rawValue: text(bytes, members[.kind])) else { return nil }
            kind = given
        }
        return .receive(
            .init(
                date: date, item: item, transaction: transaction, quantity: quantity, unitPrice: price,
                physicalOnly: physical, kind: kind, dimensions: dimensions))
    }

    static func issue(_ bytes: UnsafeRawBufferPointer, _ members: Members) -> LedgerCommand? {
        guard members.given & ~issueKeys == 0,
            let date = date(bytes, members), let item = name(bytes, members, .item),
            let transaction = name(bytes, members, .tx), let quantity = quantity(bytes, members),
            let physical = physical(bytes, members), let dimensions = dimensions(bytes, members)
        else { return nil }
        var kind = LedgerCommand.IssueKind.sale
        if members.has(.kind) {
            guard let given = LedgerCommand.IssueKind(rawValue: text(bytes, members[.kind])) else { return nil }
            kind = given
        }
        return .issue(
            .init(
                date: date, item: item, transaction: transaction, quantity: quantity, physicalOnly: physical,
                kind: kind, dimensions: dimensions))
    }

    /// An invoice's quantity and cost are optional: absent is "all of it" and "the receipt's price".
    static func invoice(_ bytes: UnsafeRawBufferPointer, _ members: Members) -> LedgerCommand? {
        guard members.given & ~invoiceKeys == 0,
            let date = date(bytes, members), let transaction = name(bytes, members, .tx)
        else { return nil }
        var quantity: Quantity?
        if members.has(.qty) {
            guard let given = self.quantity(bytes, members) else { return nil }
            quantity = given
        }
        var price: UnitPrice?
        if members.has(.cost) {
            guard let given = self.price(bytes, members) else { return nil }
            price = given
        }
        return .invoice(.init(date: date, transaction: transaction, quantity: quantity, unitPrice: price))
    }

    static func text(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// Exactly `YYYY-MM-DD` of a calendar date, as `LedgerDate(_:)` reads it.
    static func date(_ bytes: UnsafeRawBufferPointer, _ members: Members) -> LedgerDate? {
        guard members.has(.date) else { return nil }
        let range = members[.date]
        guard range.count == 10 else { return nil }
        var value: Int32 = 0
        for offset in 0..<10 {
            let byte = bytes[range.lowerBound + offset]
            if offset == 4 || offset == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int32(byte - UInt8(ascii: "0"))
            }
        }
        return LedgerDate(yyyymmdd: value)
    }

    /// A name as `FieldReader.isValidName` allows it: 1-64 of A-Z a-z 0-9 _ . -
    static func name(_ bytes: UnsafeRawBufferPointer, _ members: Members, _ key: Key) -> String? {
        guard members.has(key) else { return nil }
        return name(bytes, members[key])
    }

    static func name(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String? {
        guard !range.isEmpty, range.count <= 64 else { return nil }
        for byte in UnsafeRawBufferPointer(rebasing: bytes[range]) {
            let valid =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x2E || byte == 0x2D
            guard valid else { return nil }
        }
        return text(bytes, range)
    }

    /// `qty`: parsed by the ledger's own fixed-point parser, positive and within `Limits`.
    static func quantity(_ bytes: UnsafeRawBufferPointer, _ members: Members) -> Quantity? {
        guard members.has(.qty), let quantity = try? Quantity(parsing: text(bytes, members[.qty])),
            quantity.isPositive, Limits.contains(quantity)
        else { return nil }
        return quantity
    }

    /// `cost`: parsed by the ledger's own fixed-point parser, not negative and within `Limits`.
    static func price(_ bytes: UnsafeRawBufferPointer, _ members: Members) -> UnitPrice? {
        guard members.has(.cost), let price = try? UnitPrice(parsing: text(bytes, members[.cost])),
            !price.isNegative, Limits.contains(price)
        else { return nil }
        return price
    }

    /// `physical`: false when absent; yes/true or no/false, as `FieldReader.flag` reads it.
    static func physical(_ bytes: UnsafeRawBufferPointer, _ members: Members) -> Bool? {
        guard members.has(.physical) else { return false }
        let range = members[.physical]
        if equals(bytes, range, "yes") || equals(bytes, range, "true") { return true }
        if equals(bytes, range, "no") || equals(bytes, range, "false") { return false }
        return nil
    }

    static func dimensions(_ bytes: UnsafeRawBufferPointer, _ members: Members) -> DimensionValues? {
        var values = DimensionValues()
        for (key, dimension) in dimensionKeys where members.has(key) {
            guard let value = name(bytes, members[key]) else { return nil }
            values[dimension] = value
        }
        return values
    }
}
