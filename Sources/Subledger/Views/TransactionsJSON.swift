/// Inventory transactions as `subledger transactions --json` shows them.
public enum TransactionsJSON {
    /// `{"transactions": [...]}`.
    public static func document(_ rows: [TransactionRow]) -> JSONValue {
        ["transactions": .array(rows.map(row))]
    }

    /// The amount before adjustments: the current amount less every adjustment since posting.
    public static func postedAmount(_ r: TransactionRecord) -> Money { r.currentAmount - r.adjustment }

    /// One transaction: posted, adjusted and current cost; settled, open and physical quantities.
    public static func row(_ row: TransactionRow) -> JSONValue {
        let r = row.record
        var o = JSONObjectBuilder()
        o.add("sequence", JSONFields.int(r.sequence))
        o.add("tx", .string(r.id))
        o.add("item", .string(r.item))
        o.add("model", .string(row.model.rawValue))
        o.add("direction", .string(r.direction.rawValue))
        o.add("kind", .string(r.kindName))
        o.add("date", .string(r.date.description))
        o.add("financial_date", JSONFields.string(r.financialDate?.description))
        o.add("dimensions", EventRendering.dimensions(r.dimensions))
        o.addIfPresent("destination", row.destination.map(EventRendering.dimensions))
        o.add("qty", JSONFields.number(r.quantity))
        o.add("unit_price", JSONFields.number(r.unitPrice))
        o.add("posted_unit_cost", JSONFields.number(r.postedUnitCost))
        o.add("posted_amount", JSONFields.number(postedAmount(r)))
        o.add("adjustment", JSONFields.number(r.adjustment))
        o.add("current_amount", JSONFields.number(r.currentAmount))
        o.add("current_unit_cost", JSONFields.number(r.currentUnitCost))
        o.add("amount", JSONFields.number(r.currentAmount))
        o.add("financial_qty", JSONFields.number(r.financialQuantity))
        o.add("financial_value", JSONFields.number(r.financialValue))
        o.add("settled_qty", JSONFields.number(r.settledQuantity))
        o.add("settled_value", JSONFields.number(r.settledValue))
        o.add("open_qty", JSONFields.number(r.openQuantity))
        o.add("open_value", JSONFields.number(r.openValue))
        o.add("physical_open_qty", JSONFields.number(r.physicalOpenQuantity))
        o.add("physical_open_value", JSONFields.number(r.physicalOpenValue))
        o.add("cost_source", .string(r.costSource.name))
        o.add(
            "accounts",
            .object(
                row.accounts.sorted { $0.key.rawValue < $1.key.rawValue }
                    .map { JSONMember(key: $0.key.rawValue, value: .string($0.value)) }))
        return o.value
    }
}
