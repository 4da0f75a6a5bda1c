/// The event catalog: the one place that maps domain events to stable wire names and schema versions
/// and back. Names are never derived from Swift type names; a golden test pins every encoding.
public enum EventCatalog {
    public enum Kind: String, Sendable, CaseIterable {
        case itemDefined = "item.defined"
        case accountsSet = "accounts.set"
        case receiptPosted = "receipt.posted"
        case issuePosted = "issue.posted"
        case invoicePosted = "invoice.posted"
        case markPosted = "mark.posted"
        case transferPosted = "transfer.posted"
        case standardCostActivated = "standard-cost.activated"
        case movingAverageRevalued = "moving-average.revalued"
        case receiptAdjusted = "receipt.adjusted"
        case settlementPosted = "settlement.posted"
        case closePosted = "close.posted"
        case closeReversed = "close.reversed"

        /// Current schema version written for this type. Older versions stay readable: the log is never
        /// rewritten. `settlement.posted` 2 added each entry's issue part; `close.posted` 2 made the log
        /// typed notes (version 1's text lines decode as `CloseNote.recorded`).
        public var version: Int { self == .settlementPosted || self == .closePosted ? 2 : 1 }
    }

    /// Setup events (items, posting profiles) have no business date; they are stored on this one.
    public static let setupDate = LedgerDate(yyyymmdd: 1_01_01)!

    public static func kind(of event: LedgerEvent) -> Kind {
        switch event {
        case .itemDefined: return .itemDefined
        case .accountsSet: return .accountsSet
        case .receiptPosted: return .receiptPosted
        case .issuePosted: return .issuePosted
        case .invoicePosted: return .invoicePosted
        case .markPosted: return .markPosted
        case .transferPosted: return .transferPosted
        case .standardCostActivated: return .standardCostActivated
        case .movingAverageRevalued: return .movingAverageRevalued
        case .receiptAdjusted: return .receiptAdjusted
        case .settlementPosted: return .settlementPosted
        case .closePosted: return .closePosted
        case .closeReversed: return .closeReversed
        }
    }

    /// Recognizes a wire name given as raw UTF-8 bytes without allocating.
    public static func kind(typeBytes: UnsafeRawBufferPointer) -> Kind? {
        for (kind, name) in wireNames where name.count == typeBytes.count {
            if name.withUnsafeBufferPointer({ memoryEqual($0, typeBytes) }) { return kind }
        }
        return nil
    }

    /// Every kind with its wire name's bytes, made once: replay looks up every event's type, and making
    /// each name's String and its UTF-8 view again per candidate was 2% of the replay's instructions.
    private static let wireNames: [(kind: Kind, name: [UInt8])] = Kind.allCases.map { ($0, Array($0.rawValue.utf8)) }

    public static func envelope(_ event: LedgerEvent, date: LedgerDate) -> EventEnvelope {
        envelope(event, date: date, reusing: [])
    }

    /// `envelope(_:date:)` with the payload encoded into `buffer`'s memory (emptied first): an import's
    /// writer thread hands back each payload it wrote, so that no payload is allocated on one thread and
    /// freed on the other per event (DR-69). The bytes are the same whatever the buffer held.
    public static func envelope(_ event: LedgerEvent, date: LedgerDate, reusing buffer: consuming [UInt8])
        -> EventEnvelope
    {
        let kind = kind(of: event)
        return EventEnvelope(
            date: date, type: kind.rawValue, version: kind.version, payload: encode(event, reusing: buffer))
    }

    public static func encode(_ event: LedgerEvent) -> [UInt8] { encode(event, reusing: []) }

    static func encode(_ event: LedgerEvent, reusing buffer: consuming [UInt8]) -> [UInt8] {
        var w = PayloadWriter(reusing: buffer)
        switch event {
        case .itemDefined(let s):
            w.string(s.id); w.string(s.model.rawValue); w.bool(s.includePhysicalValue)
            w.optionalPrice(s.defaultPrice); w.optionalPrice(s.standardCost); w.string(s.postingGroup)
            w.byte(s.dimensions.bits); w.bool(s.negativeInventoryAllowed); w.bool(s.fixedReceiptPrice)
        case .accountsSet(let group, let accounts):
            w.string(group); w.int(Int64(accounts.count))
            for a in accounts { w.code(a.postingType); w.string(a.account) }
        case .receiptPosted(let e):
            w.string(e.transaction); w.string(e.item); w.code(e.kind); w.dimensions(e.dimensions)
            w.quantity(e.quantity); w.price(e.unitPrice); w.bool(e.physicalOnly)
            w.money(e.inventoryValue); w.money(e.offsetValue); w.lines(e.lines)
        case .issuePosted(let e):
            w.string(e.transaction); w.string(e.item); w.code(e.kind); w.dimensions(e.dimensions)
            w.quantity(e.quantity); w.bool(e.physicalOnly); w.money(e.costAmount); w.code(e.costSource)
            w.lines(e.lines)
        case .invoicePosted(let e):
            w.string(e.transaction); w.quantity(e.quantity); w.price(e.unitPrice)
            w.money(e.physicalValueReversed); w.money(e.physicalOffsetReversed); w.money(e.financialValue)
            w.code(e.costSource); w.lines(e.lines)
        case .markPosted(let e):
            w.string(e.issue); w.string(e.receipt); w.quantity(e.quantity)
        case .transferPosted(let e):
            w.string(e.transaction); w.string(e.item); w.quantity(e.quantity); w.dimensions(e.from)
            w.dimensions(e.to); w.money(e.amount); w.code(e.costSource); w.lines(e.lines)
        case .standardCostActivated(let e):
            w.string(e.item); w.price(e.unitCost); w.int(Int64(e.revaluations.count))
            for r in e.revaluations { w.dimensions(r.dimensions); w.money(r.physicalDelta); w.money(r.financialDelta) }
            w.int(Int64(e.transactions.count))
            for t in e.transactions { w.string(t.transaction); w.money(t.delta) }
            w.lines(e.lines)
        case .movingAverageRevalued(let e):
            w.string(e.item); w.dimensions(e.dimensions); w.price(e.unitCost); w.money(e.amount); w.lines(e.lines)
        case .receiptAdjusted(let e):
            w.string(e.transaction); w.money(e.amount); w.lines(e.lines)
        case .settlementPosted(let e):
            w.code(e.mode); w.string(e.item); w.dimensions(e.dimensions)
            w.int(Int64(e.closingReceipts.count))
            for r in e.closingReceipts { w.string(r.id); w.quantity(r.quantity); w.money(r.value) }
            w.int(Int64(e.entries.count))
            for x in e.entries {
                w.code(x.kind); w.code(x.model); w.string(x.transaction); w.string(x.counterpart)
                w.int(Int64(x.part)); w.int(Int64(x.issuePart))
                w.quantity(x.quantity); w.money(x.settledAmount); w.money(x.adjustment); w.bool(x.physical)
            }
            w.lines(e.lines)
        case .closePosted(let e):
            w.code(e.mode); w.int(Int64(e.log.count))
            for note in e.log { w.closeNote(note) }
        case .closeReversed(let e):
            w.int(e.closeSequence)
        }
        return w.take()
    }

    /// `strings` makes the repeated short strings once (a long replay: `StringTable`).
    public static func decode(
        _ kind: Kind, version: Int, payload: UnsafeRawBufferPointer, strings: StringTable? = nil
    )
        throws(PayloadDecodingError) -> LedgerEvent
    {
        guard version >= 1 && version <= kind.version else {
            throw PayloadDecodingError(offset: 0, message: "\(kind.rawValue) version \(version) is not known")
        }
        var r = PayloadReader(payload, strings: strings)
        let event: LedgerEvent
        switch kind {
        case .itemDefined:
            let id = try r.string()
            let model = try r.choice(ValuationModel.self)
            event = .itemDefined(
                ItemSetup(
                    id: id, model: model, includePhysicalValue: try r.bool(), defaultPrice: try r.optionalPrice(),
                    standardCost: try r.optionalPrice(), postingGroup: try r.string(),
                    dimensions: DimensionSet(bits: try r.byte()), negativeInventoryAllowed: try r.bool(),
                    fixedReceiptPrice: try r.bool()))
        case .accountsSet:
            let group = try r.string()
            let count = try r.count()
            var accounts: [LedgerCommand.AccountAssignment] = []
            for _ in 0..<count {
                accounts.append(.init(try r.code(), try r.string()))
            }
            event = .accountsSet(group: group, accounts: accounts)
        case .receiptPosted:
            event = .receiptPosted(
                ReceiptPosted(
                    transaction: try r.string(), item: try r.name(), kind: try r.code(),
                    dimensions: try r.dimensions(), quantity: try r.quantity(), unitPrice: try r.price(),
                    physicalOnly: try r.bool(), inventoryValue: try r.money(), offsetValue: try r.money(),
                    lines: try r.lines()))
        case .issuePosted:
            event = .issuePosted(
                IssuePosted(
                    transaction: try r.string(), item: try r.name(), kind: try r.code(),
                    dimensions: try r.dimensions(), quantity: try r.quantity(), physicalOnly: try r.bool(),
                    costAmount: try r.money(), costSource: try r.code(), lines: try r.lines()))
        case .invoicePosted:
            event = .invoicePosted(
                InvoicePosted(
                    transaction: try r.string(), quantity: try r.quantity(), unitPrice: try r.price(),
                    physicalValueReversed: try r.money(), physicalOffsetReversed: try r.money(),
                    financialValue: try r.money(), costSource: try r.code(), lines: try r.lines()))
        case .markPosted:
            event = .markPosted(MarkPosted(issue: try r.string(), receipt: try r.string(), quantity: try r.quantity()))
        case .transferPosted:
            event = .transferPosted(
                TransferPosted(
                    transaction: try r.string(), item: try r.name(), quantity: try r.quantity(),
                    from: try r.dimensions(), to: try r.dimensions(), amount: try r.money(),
                    costSource: try r.code(), lines: try r.lines()))
        case .standardCostActivated:
            let item = try r.name()
            let unitCost = try r.price()
            let count = try r.count()
            var revaluations: [PoolRevaluation] = []
            for _ in 0..<count {
                revaluations.append(
                    PoolRevaluation(
                        dimensions: try r.dimensions(), physicalDelta: try r.money(), financialDelta: try r.money()))
            }
            let transactionCount = try r.count()
            var transactions: [TransactionRevaluation] = []
            for _ in 0..<transactionCount {
                transactions.append(TransactionRevaluation(transaction: try r.string(), delta: try r.money()))
            }
            event = .standardCostActivated(
                StandardCostActivated(
                    item: item, unitCost: unitCost, revaluations: revaluations, transactions: transactions,
                    lines: try r.lines()))
        case .movingAverageRevalued:
            event = .movingAverageRevalued(
                MovingAverageRevalued(
                    item: try r.name(), dimensions: try r.dimensions(), unitCost: try r.price(),
                    amount: try r.money(), lines: try r.lines()))
        case .receiptAdjusted:
            event = .receiptAdjusted(
                ReceiptAdjusted(
                    transaction: try r.string(), amount: try r.money(), lines: try r.lines()))
        case .settlementPosted:
            let mode: CloseMode = try r.code()
            let item = try r.name()
            let dimensions = try r.dimensions()
            var receipts: [ClosingReceipt] = []
            for _ in 0..<(try r.count()) {
                receipts.append(ClosingReceipt(id: try r.string(), quantity: try r.quantity(), value: try r.money()))
            }
            var entries: [SettlementEntry] = []
            for _ in 0..<(try r.count()) {
                let kind: SettlementEntry.Kind = try r.code(), model: SettleModel = try r.code()
                let transaction = try r.string(), counterpart = try r.string(), part = Int(try r.int())
                let issuePart = version >= 2 ? Int(try r.int()) : 0
                guard part >= 0 && issuePart >= 0 else {
                    throw r.fail("negative financial part \(min(part, issuePart))")
                }
                entries.append(
                    SettlementEntry(
                        kind: kind, model: model, transaction: transaction, counterpart: counterpart,
                        part: part, issuePart: issuePart, quantity: try r.quantity(), settledAmount: try r.money(),
                        adjustment: try r.money(), physical: try r.bool()))
            }
            event = .settlementPosted(
                SettlementPosted(
                    mode: mode, item: item, dimensions: dimensions, closingReceipts: receipts, entries: entries,
                    lines: try r.lines()))
        case .closePosted:
            let mode: CloseMode = try r.code()
            var log: [CloseNote] = []
            for _ in 0..<(try r.count()) {
                if version >= 2 {
                    log.append(try r.closeNote())
                } else {
                    let line = try r.string()
                    log.append(.recorded(CloseNote.Kind(recordedText: line), line))
                }
            }
            event = .closePosted(ClosePosted(mode: mode, log: log))
        case .closeReversed:
            event = .closeReversed(CloseReversed(closeSequence: try r.int()))
        }
        guard r.isAtEnd else { throw r.fail("trailing bytes after \(kind.rawValue)") }
        return event
    }

    public static func decode(_ envelope: EventEnvelope) throws(PayloadDecodingError) -> LedgerEvent {
        guard let kind = Kind(rawValue: envelope.type) else {
            throw PayloadDecodingError(offset: 0, message: "unknown event type '\(envelope.type)'")
        }
        let result = envelope.payload.withUnsafeBytes { buffer in
            Result { () throws(PayloadDecodingError) -> LedgerEvent in
                try decode(kind, version: envelope.version, payload: buffer)
            }
        }
        return try result.get()
    }
}

@inline(__always)
func memoryEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeRawBufferPointer) -> Bool {
    for index in 0..<a.count where a[index] != b[index] { return false }
    return true
}
