/// Events as `subledger events --json` shows them (also each `data:` of the HTTP event stream).
public enum EventJSON {
    /// One event: sequence, date, type, version, reference, command, when, chain hash and its fields.
    public static func event(_ row: EventRow) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("sequence", JSONFields.int(row.stored.sequence))
        o.add("date", .string(row.stored.envelope.date.description))
        o.add("type", .string(row.stored.envelope.type))
        o.add("version", JSONFields.int(row.stored.envelope.version))
        o.add("reference", .string(EventRendering.reference(row.event)))
        o.add("command_id", .string(row.stored.commandID))
        // Only when there is one, so a ledger without actors prints what it printed before (DR-25).
        if let actor = row.actor { o.add("actor", .string(actor)) }
        o.add("recorded_at", .string(JSONFields.utcTimestamp(milliseconds: row.stored.recordedAt)))
        o.add("hash", .string(JSONFields.hex(row.stored.hash)))
        o.add("data", EventRendering.json(row.event))
        return o.value
    }

    /// `{"events": [...]}`.
    public static func document(_ rows: [EventRow]) -> JSONValue {
        ["events": .array(rows.map(event))]
    }
}
