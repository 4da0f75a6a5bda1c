// The documents the write routes answer with: the fields of the CLI's `post`, `import`, `close`,
// `recalculate` and `reverse-close` --json, built by the library's views (Sources/Subledger/Views).
//
// A replayed response is rendered from the log as the first one was: `duplicate` is false and `appended`
// counts the first run's events, so the same key gets the same body (the header says it is a replay).
// For the same reason the CLI's `milliseconds` and `snapshot_sequence` are left out.

import Subledger

enum CommandJSON {
    static func result(_ result: CommandResult, events: [EventRow]? = nil) -> JSONValue {
        var first = result
        first.duplicate = false
        return CommandResultJSON.result(first, events: events)
    }

    static func batch(_ result: CommandResult, bytes: Int) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("bytes", JSONFields.int(bytes))
        o.add("appended", JSONFields.int(result.eventCount))
        o.add("result", self.result(result))
        return o.value
    }

    /// A close or recalculation (with its close record and settlement entries) or a reversal (with the
    /// runs it reversed), as `close --json` and `reverse-close --json` print them.
    static func period(_ command: LedgerCommand, _ result: CommandResult, ledger: Ledger) throws -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("result", self.result(result))
        o.add("appended", JSONFields.int(result.eventCount))
        if case .reverseClose = command {
            let range = result.firstSequence...result.lastSequence
            let (reversed, entries) = result.eventCount == 0 ? ([], []) : try ledger.reversals(in: range)
            o.add("reversed", .array(reversed.map(ClosesJSON.close)))
            o.add("settlements", SettlementsJSON.rows(entries))
            o.add("closed_through", JSONFields.string(ledger.state.closedThrough?.description))
        } else {
            let (record, entries) =
                result.eventCount == 0 ? (nil, []) : try ledger.closeWithSettlements(sequence: result.lastSequence)
            o.add("close", record.map(ClosesJSON.close) ?? .null)
            o.add("settlements", SettlementsJSON.rows(entries))
        }
        return o.value
    }
}
