/// The inventory value report as `subledger value --json` shows it.
public enum ValueJSON {
    public static func document(_ report: InventoryValueReport) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("as_of", .string(report.asOf.description))
        o.add("item", JSONFields.string(report.item))
        o.add("rows", .array(report.rows.map(row)))
        o.add(
            "total",
            [
                "financial_qty": JSONFields.number(report.financialQuantity),
                "financial_value": JSONFields.number(report.financialValue),
                "physical_qty": JSONFields.number(report.physicalQuantity),
                "physical_value": JSONFields.number(report.physicalValue),
                "qty": JSONFields.number(report.quantity),
                "value": JSONFields.number(report.value),
            ])
        o.add(
            "gl_inventory_accounts",
            .array(
                report.ledgerAccounts.map { account in
                    ["account": .string(account.account), "balance": JSONFields.number(account.balance)]
                }))
        o.add("gl_inventory_total", JSONFields.number(report.ledgerValue))
        return o.value
    }

    static func row(_ row: InventoryValueRow) -> JSONValue {
        var r = JSONObjectBuilder()
        r.add("item", .string(row.item))
        r.add("model", .string(row.model.rawValue))
        r.add("dimensions", EventRendering.dimensions(row.dimensions))
        r.add("financial_qty", JSONFields.number(row.financialQuantity))
        r.add("financial_value", JSONFields.number(row.financialValue))
        r.add("physical_qty", JSONFields.number(row.physicalQuantity))
        r.add("physical_value", JSONFields.number(row.physicalValue))
        r.add("qty", JSONFields.number(row.quantity))
        r.add("value", JSONFields.number(row.value))
        r.add("average_unit_cost", JSONFields.number(row.averageUnitCost))
        return r.value
    }
}
