/// Settlement entries as `subledger settlements --json` shows them.
public enum SettlementsJSON {
    /// `{"settlements": [...]}`.
    public static func document(_ rows: [SettlementRow]) -> JSONValue {
        ["settlements": Self.rows(rows)]
    }

    /// A page of them (`GET /v1/settlements`): the entries and the cursor of the next page (null on the last).
    public static func page(_ page: SettlementPage) -> JSONValue {
        ["settlements": Self.rows(page.rows), "next_cursor": JSONFields.string(page.next?.token)]
    }

    public static func rows(_ rows: [SettlementRow]) -> JSONValue {
        .array(rows.map(row))
    }

    /// One entry: its close (date, sequence, mode), item, and the entry's own fields.
    public static func row(_ row: SettlementRow) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("date", .string(row.date.description))
        o.add("close_sequence", row.closeSequence.map(JSONFields.int) ?? .null)
        o.add("sequence", JSONFields.int(row.sequence))
        o.add("mode", .string(row.mode.name))
        o.add("item", .string(row.item))
        return .object(o.members + EventRendering.entryMembers(row.entry))
    }
}
