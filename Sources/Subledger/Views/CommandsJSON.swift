/// The commands of the log as `subledger commands --json` shows them.
public enum CommandsJSON {
    /// `{"commands": [...]}`.
    public static func document(_ records: [CommandEntry]) -> JSONValue {
        ["commands": .array(records.map(command))]
    }

    /// One command; `actor` only when it has one, so a ledger without actors prints as before (DR-25).
    public static func command(_ record: CommandEntry) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("command_id", .string(record.commandID))
        o.add("kind", .string(record.kind))
        o.add("first_sequence", JSONFields.int(record.firstSequence))
        o.add("last_sequence", JSONFields.int(record.lastSequence))
        o.add("event_count", JSONFields.int(record.eventCount))
        o.add("recorded_at", .string(JSONFields.utcTimestamp(milliseconds: record.recordedAt)))
        o.add("result", .string(record.result))
        o.add("content_hash", record.contentHash.map { .string($0) } ?? .null)
        if let actor = record.actor { o.add("actor", .string(actor)) }
        return o.value
    }
}
