/// On-hand per cost pool as `subledger onhand --json` shows it.
public enum OnHandJSON {
    /// `{"onhand": [...], "total_value": "..."}`.
    public static func document(_ rows: [OnHandRow]) -> JSONValue {
        ["onhand": Self.rows(rows), "total_value": JSONFields.number(rows.total(\.pool.value))]
    }

    /// The one JSON shape of an on-hand row (`onhand`, `demo`, `replay`, `GET /v1/onhand`).
    public static func rows(_ rows: [OnHandRow]) -> JSONValue {
        .array(rows.map(row))
    }

    public static func row(_ row: OnHandRow) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("item", .string(row.item))
        o.add("model", .string(row.model.rawValue))
        o.add("dimensions", EventRendering.dimensions(row.dimensions))
        o.add("qty", JSONFields.number(row.pool.quantity))
        o.add("value", JSONFields.number(row.pool.value))
        o.add("average_cost", JSONFields.number(row.averageCost))
        o.add("financial_qty", JSONFields.number(row.pool.financialQuantity))
        o.add("financial_value", JSONFields.number(row.pool.financialValue))
        o.add("physical_qty", JSONFields.number(row.pool.physicalQuantity))
        o.add("physical_value", JSONFields.number(row.pool.physicalValue))
        return o.value
    }
}
