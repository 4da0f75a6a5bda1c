/// The commands of the log as `subledger commands --json` shows them.
public enum CommandsJSON {
    /// `{"commands": [...]}`.
    public static func document(_ records: [CommandEntry]) -> JSONValue {
        ["commands": .array(records.map(command))]
    }

    public static func command(_ record: CommandEntry) -> JSONValue {
        [
            "command_id": .string(record.commandID),
            "kind": .string(record.kind),
            "first_sequence": JSONFields.int(record.firstSequence),
            "last_sequence": JSONFields.int(record.lastSequence),
            "event_count": JSONFields.int(record.eventCount),
            "recorded_at": .string(JSONFields.utcTimestamp(milliseconds: record.recordedAt)),
            "result": .string(record.result),
            "content_hash": record.contentHash.map { .string($0.description) } ?? .null,
        ]
    }
}
