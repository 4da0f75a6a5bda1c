// The bytes of one transaction record as the history table stores it (DR-22): the same fields, in the
// same order and with the same primitives, as a record inside a snapshot (StateCodec). Kept as one pair
// of functions so that a canonical record encoding can take their place in one spot.

extension TransactionRecord {
    /// Version of `historyEncoded()`; `init(historyDecoding:)` reads only this version.
    static let historyFormat: Int64 = 1

    public func historyEncoded() -> [UInt8] {
        var w = PayloadWriter(capacity: 160)
        w.int(Self.historyFormat)
        w.string(id); w.int(sequence); w.string(item); w.code(kind)
        w.dimensions(dimensions); w.int(Int64(date.yyyymmdd))
        w.bool(financialDate != nil)
        if let financialDate { w.int(Int64(financialDate.yyyymmdd)) }
        w.int(financialSequence)
        w.quantity(quantity); w.price(unitPrice)
        w.quantity(physicalOpenQuantity); w.money(physicalOpenValue); w.money(physicalOpenOffset)
        w.quantity(financialQuantity); w.money(financialValue)
        w.money(adjustment); w.money(physicalAdjustment)
        w.quantity(settledQuantity); w.money(settledValue)
        w.int(Int64(parts.count))
        for p in parts {
            w.int(Int64(p.date.yyyymmdd)); w.int(p.sequence); w.quantity(p.quantity); w.money(p.value)
            w.money(p.adjustment); w.quantity(p.settledQuantity); w.money(p.settledValue)
        }
        w.code(costSource)
        w.int(Int64(postedAccounts)); w.int(Int64(invoiceAccounts))
        return w.bytes
    }

    public init(historyDecoding bytes: [UInt8]) throws(PayloadDecodingError) {
        var decoded: TransactionRecord?
        var failure: PayloadDecodingError?
        bytes.withUnsafeBytes { buffer in
            var r = PayloadReader(buffer)
            do throws(PayloadDecodingError) {
                let record = try Self.readHistory(&r)
                guard r.isAtEnd else { throw r.fail("trailing bytes after the transaction record") }
                decoded = record
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        self = decoded!
    }

    private static func readHistory(_ r: inout PayloadReader) throws(PayloadDecodingError) -> TransactionRecord {
        let format = try r.int()
        guard format == historyFormat else { throw r.fail("transaction record format \(format) is not known") }
        let id = try r.string(), sequence = try r.int(), item = try r.string()
        let kind: TransactionKind = try r.code()
        let dimensions = try r.dimensions()
        let date = try historyDate(&r)
        let financialDate = try r.bool() ? try historyDate(&r) : nil
        let financialSequence = try r.int()
        var t = TransactionRecord(
            id: id, sequence: sequence, item: item, kind: kind, dimensions: dimensions, date: date,
            financialDate: financialDate, quantity: try r.quantity(), unitPrice: try r.price(),
            costSource: .receiptPrice, postedAccounts: -1)
        t.financialSequence = financialSequence
        t.physicalOpenQuantity = try r.quantity(); t.physicalOpenValue = try r.money()
        t.physicalOpenOffset = try r.money()
        t.financialQuantity = try r.quantity(); t.financialValue = try r.money()
        t.adjustment = try r.money(); t.physicalAdjustment = try r.money()
        t.settledQuantity = try r.quantity(); t.settledValue = try r.money()
        for _ in 0..<(try r.count()) {
            t.parts.append(
                FinancialPart(
                    date: try historyDate(&r), sequence: try r.int(), quantity: try r.quantity(), value: try r.money(),
                    adjustment: try r.money(), settledQuantity: try r.quantity(), settledValue: try r.money()))
        }
        t.costSource = try r.code()
        t.postedAccounts = try historyInt32(&r)
        t.invoiceAccounts = try historyInt32(&r)
        return t
    }

    private static func historyDate(_ r: inout PayloadReader) throws(PayloadDecodingError) -> LedgerDate {
        let raw = try r.int()
        guard let value = Int32(exactly: raw), let date = LedgerDate(yyyymmdd: value) else {
            throw r.fail("invalid date \(raw)")
        }
        return date
    }

    private static func historyInt32(_ r: inout PayloadReader) throws(PayloadDecodingError) -> Int32 {
        let raw = try r.int()
        guard let value = Int32(exactly: raw) else { throw r.fail("value \(raw) out of range") }
        return value
    }
}
