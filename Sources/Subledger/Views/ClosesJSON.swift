/// Closes, recalculations and their settlement entries as `closes --json`, `settlements --json` and
/// the close commands' `--json` show them.
public enum ClosesJSON {
    /// `{"closed_through", "closes"}`.
    public static func document(_ closes: [CloseRow], closedThrough: LedgerDate?) -> JSONValue {
        [
            "closed_through": JSONFields.string(closedThrough?.description),
            "closes": .array(closes.map(close)),
        ]
    }

    /// One close or recalculation: totals, whether it was reversed, and its log as lines and typed notes.
    public static func close(_ close: CloseRow) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("sequence", JSONFields.int(close.sequence))
        o.add("date", .string(close.date.description))
        o.add("mode", .string(close.mode.name))
        o.add("reversed_by", close.reversedBy.map(JSONFields.int) ?? .null)
        o.add("settlement_entries", JSONFields.int(close.entryCount))
        o.add("settled", JSONFields.int(close.settledCount))
        o.add("total_adjustment", JSONFields.number(close.issueAdjustment))
        o.add("receipt_adjustment", JSONFields.number(close.receiptAdjustment))
        o.add("log", .array(close.log.map { .string($0) }))
        o.add("notes", .array(close.notes.map(\.json)))
        o.add("unsettled", .array(close.unsettled.map { .string($0) }))
        o.add("zero_cost", .array(close.zeroCost.map { .string($0) }))
        o.add("negative_onhand", .array(close.negativeOnHand.map { .string($0) }))
        return o.value
    }
}
