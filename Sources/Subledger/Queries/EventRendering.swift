import SubledgerCodec
import SubledgerCore

/// Renders events as JSON for `events --json` and audits: the readable face of the binary payloads.
public enum EventRendering {
    /// The transaction id (or item) an event is about.
    public static func reference(_ event: LedgerEvent) -> String {
        switch event {
        case .itemDefined(let s): return s.id
        case .accountsSet(let group, _): return group.isEmpty ? "default" : group
        case .receiptPosted(let e): return e.transaction
        case .issuePosted(let e): return e.transaction
        case .invoicePosted(let e): return e.transaction
        case .markPosted(let e): return e.issue
        case .transferPosted(let e): return e.transaction
        case .standardCostActivated(let e): return e.item
        case .movingAverageRevalued(let e): return e.item
        case .receiptAdjusted(let e): return e.transaction
        case .settlementPosted(let e): return e.item
        case .closePosted(let e): return e.mode.name
        case .closeReversed(let e): return String(e.closeSequence)
        }
    }

    public static func json(_ event: LedgerEvent) -> JSONValue {
        var o = JSONObjectBuilder()
        switch event {
        case .itemDefined(let s):
            o.add("item", .string(s.id)); o.add("model", .string(s.model.rawValue))
            o.add("include_physical", .bool(s.includePhysicalValue))
            o.addIfPresent("price", s.defaultPrice.map(number)); o.addIfPresent("standard", s.standardCost.map(number))
            o.add("group", .string(s.postingGroup))
            o.add("dimensions", .array(s.dimensions.dimensions.map { .string($0.rawValue) }))
            o.add("negative", .bool(s.negativeInventoryAllowed));
            o.add("fixed_receipt_price", .bool(s.fixedReceiptPrice))
        case .accountsSet(let group, let accounts):
            o.add("group", .string(group))
            o.add(
                "accounts",
                .object(accounts.map { JSONMember(key: $0.postingType.rawValue, value: .string($0.account)) }))
        case .receiptPosted(let e):
            o.add("tx", .string(e.transaction)); o.add("item", .string(e.item)); o.add("kind", .string(e.kind.rawValue))
            o.add("dimensions", dimensions(e.dimensions)); o.add("qty", number(e.quantity))
            o.add("unit_price", number(e.unitPrice)); o.add("physical_only", .bool(e.physicalOnly))
            o.add("inventory_value", number(e.inventoryValue)); o.add("offset_value", number(e.offsetValue))
            o.add("lines", lines(e.lines))
        case .issuePosted(let e):
            o.add("tx", .string(e.transaction)); o.add("item", .string(e.item)); o.add("kind", .string(e.kind.rawValue))
            o.add("dimensions", dimensions(e.dimensions)); o.add("qty", number(e.quantity))
            o.add("physical_only", .bool(e.physicalOnly)); o.add("cost_amount", number(e.costAmount))
            o.add("cost_source", .string(e.costSource.name)); o.add("lines", lines(e.lines))
        case .invoicePosted(let e):
            o.add("tx", .string(e.transaction)); o.add("qty", number(e.quantity));
            o.add("unit_price", number(e.unitPrice))
            o.add("physical_value_reversed", number(e.physicalValueReversed))
            o.add("physical_offset_reversed", number(e.physicalOffsetReversed))
            o.add("financial_value", number(e.financialValue)); o.add("cost_source", .string(e.costSource.name))
            o.add("lines", lines(e.lines))
        case .markPosted(let e):
            o.add("issue", .string(e.issue)); o.add("receipt", .string(e.receipt)); o.add("qty", number(e.quantity))
        case .transferPosted(let e):
            o.add("tx", .string(e.transaction)); o.add("item", .string(e.item)); o.add("qty", number(e.quantity))
            o.add("from", dimensions(e.from)); o.add("to", dimensions(e.to)); o.add("amount", number(e.amount))
            o.add("cost_source", .string(e.costSource.name)); o.add("lines", lines(e.lines))
        case .standardCostActivated(let e):
            o.add("item", .string(e.item)); o.add("unit_cost", number(e.unitCost))
            o.add(
                "revaluations",
                .array(
                    e.revaluations.map {
                        [
                            "dimensions": dimensions($0.dimensions), "physical_delta": number($0.physicalDelta),
                            "financial_delta": number($0.financialDelta),
                        ]
                    }))
            o.add("lines", lines(e.lines))
        case .movingAverageRevalued(let e):
            o.add("item", .string(e.item)); o.add("dimensions", dimensions(e.dimensions))
            o.add("unit_cost", number(e.unitCost)); o.add("amount", number(e.amount)); o.add("lines", lines(e.lines))
        case .receiptAdjusted(let e):
            o.add("tx", .string(e.transaction)); o.add("amount", number(e.amount)); o.add("lines", lines(e.lines))
        case .settlementPosted(let e):
            o.add("mode", .string(e.mode.name)); o.add("item", .string(e.item));
            o.add("dimensions", dimensions(e.dimensions))
            o.add(
                "closing_receipts",
                .array(
                    e.closingReceipts.map {
                        ["id": .string($0.id), "qty": number($0.quantity), "value": number($0.value)]
                    }))
            o.add("entries", .array(e.entries.map(eventEntry)))
            o.add("lines", lines(e.lines))
        case .closePosted(let e): addCloseLog(e, to: &o)
        case .closeReversed(let e):
            o.add("close_sequence", .number(String(e.closeSequence)))
        }
        return o.value
    }

    /// A close's mode and log: the text lines a person reads and the notes with the stable codes a program
    /// matches on.
    static func addCloseLog(_ e: ClosePosted, to o: inout JSONObjectBuilder) {
        o.add("mode", .string(e.mode.name))
        o.add("log", .array(e.log.map { .string($0.message) }))
        o.add("notes", .array(e.log.map(\.json)))
    }

    /// The one JSON shape of a settlement entry: in a close event (`events --json`) and, after the row's
    /// date, close and item, in `settlements`, `close` and `reverse-close`.
    public static func entry(_ e: SettlementEntry) -> JSONValue { .object(entryMembers(e)) }

    public static func entryMembers(_ e: SettlementEntry) -> [JSONMember] {
        var o = JSONObjectBuilder()
        o.add("kind", .string(SettlementRow.kindName(e.kind)))
        o.add("model", .string(e.model.name))
        o.add("tx", .string(e.transaction))
        o.add("counterpart", .string(e.counterpart))
        o.add("qty", number(e.quantity))
        o.add("settled_amount", number(e.settledAmount))
        o.add("adjustment", number(e.adjustment))
        o.add("physical", .bool(e.physical))
        return o.members
    }

    /// An entry as its event carries it: the shape above, then which financial part of the receipt and of
    /// the issue it settled (0 for a transaction in one part).
    static func eventEntry(_ e: SettlementEntry) -> JSONValue {
        var o = JSONObjectBuilder()
        for member in entryMembers(e) { o.add(member.key, member.value) }
        o.add("part", .number(String(e.part)))
        o.add("issue_part", .number(String(e.issuePart)))
        return o.value
    }

    public static func number<T: FixedPoint>(_ value: T) -> JSONValue { .string(value.description) }

    public static func dimensions(_ values: DimensionValues) -> JSONValue {
        .object(
            Dimension.allCases.compactMap {
                values[$0].isEmpty ? nil : JSONMember(key: $0.rawValue, value: .string(values[$0]))
            })
    }

    public static func lines(_ lines: [VoucherLine]) -> JSONValue {
        .array(
            lines.map {
                [
                    "posting_type": .string($0.postingType.rawValue), "account": .string($0.account),
                    "amount": number($0.amount),
                ]
            })
    }
}
