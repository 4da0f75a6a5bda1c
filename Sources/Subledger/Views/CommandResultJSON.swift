/// What a command appended, as `post`, `import`, `close`, `recalculate`, `reverse-close` and `demo`
/// show it with `--json` (and the HTTP API answers a command with).
public enum CommandResultJSON {
    /// The command's id, whether it was a re-sent duplicate, its content hash and sequences; with
    /// `events`, the events it appended as `events --json` shows them.
    public static func result(_ result: CommandResult, events: [EventRow]? = nil) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("command_id", .string(result.commandID))
        o.add("duplicate", .bool(result.duplicate))
        o.add("content_hash", result.contentHash.map(JSONValue.string) ?? .null)
        o.add("event_count", JSONFields.int(result.eventCount))
        o.add("first_sequence", JSONFields.int(result.firstSequence))
        o.add("last_sequence", JSONFields.int(result.lastSequence))
        if let events { o.add("events", .array(events.map(EventJSON.event))) }
        return o.value
    }

    /// The events a command appended: none for a re-sent duplicate.
    public static func appended(_ result: CommandResult) -> JSONValue {
        JSONFields.int(result.duplicate ? 0 : result.eventCount)
    }

    /// `import --json`: the file, its size, the events appended, time and rate, and the result.
    public static func importDocument(
        file: String, bytes: Int, result: CommandResult, milliseconds: Int64, eventsPerSecond: Int64?
    ) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("file", .string(file))
        o.add("bytes", JSONFields.int(bytes))
        o.add("appended", appended(result))
        o.add("milliseconds", JSONFields.int(milliseconds))
        o.add("events_per_second", eventsPerSecond.map(JSONFields.int) ?? .null)
        o.add("result", Self.result(result))
        return o.value
    }

    /// `close --json` and `recalculate --json`: the result, the run (nil when the command recorded none),
    /// its settlement entries and the sequence of the period snapshot stored after it.
    public static func closeDocument(
        _ result: CommandResult, milliseconds: Int64, close: CloseRow?, settlements: [SettlementRow],
        snapshotSequence: Int64?
    ) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("result", Self.result(result))
        o.add("appended", appended(result))
        o.add("milliseconds", JSONFields.int(milliseconds))
        o.add("close", close.map(ClosesJSON.close) ?? .null)
        o.add("settlements", SettlementsJSON.rows(settlements))
        o.add("snapshot_sequence", snapshotSequence.map { JSONFields.int($0) } ?? .null)
        return o.value
    }

    /// `reverse-close --json`: the result, the runs reversed (newest first), the compensating entries and
    /// the date the period is still locked through.
    public static func reversalDocument(
        _ result: CommandResult, reversed: [CloseRow], settlements: [SettlementRow], closedThrough: LedgerDate?
    ) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("result", Self.result(result))
        o.add("appended", appended(result))
        o.add("reversed", .array(reversed.map(ClosesJSON.close)))
        o.add("settlements", SettlementsJSON.rows(settlements))
        o.add("closed_through", JSONFields.string(closedThrough?.description))
        return o.value
    }
}
