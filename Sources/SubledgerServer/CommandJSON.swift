// The documents the write routes answer with: the fields of the CLI's `post`, `import`, `close`,
// `recalculate` and `reverse-close` --json. Built here from the library's rows until the CLI's builders
// move into the library (branch `queries`, Sources/Subledger/Views); then these call them.
//
// A replayed response is rendered from the log as the first one was: `duplicate` is false and `appended`
// counts the first run's events, so the same key gets the same body (the header says it is a replay).

import Subledger

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum CommandJSON {
    static func result(_ result: CommandResult, events: [EventRow]? = nil) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("command_id", .string(result.commandID))
        o.add("duplicate", .bool(false))
        o.add("content_hash", result.contentHash.map(JSONValue.string) ?? .null)
        o.add("event_count", int(result.eventCount))
        o.add("first_sequence", int(result.firstSequence))
        o.add("last_sequence", int(result.lastSequence))
        if let events { o.add("events", .array(events.map(event))) }
        return o.value
    }

    static func batch(_ result: CommandResult, bytes: Int) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("bytes", int(bytes))
        o.add("appended", int(result.eventCount))
        o.add("result", self.result(result))
        return o.value
    }

    /// A close or recalculation (with its close record and settlement entries) or a reversal (with the
    /// runs it reversed), as `close --json` and `reverse-close --json` print them.
    static func period(_ command: LedgerCommand, _ result: CommandResult, ledger: Ledger) throws -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("result", self.result(result))
        o.add("appended", int(result.eventCount))
        if case .reverseClose = command {
            let range = result.firstSequence...result.lastSequence
            let (reversed, entries) = result.eventCount == 0 ? ([], []) : try ledger.reversals(in: range)
            o.add("reversed", .array(reversed.map(close)))
            o.add("settlements", .array(entries.map(settlement)))
            o.add("closed_through", ledger.state.closedThrough.map { .string($0.description) } ?? .null)
        } else {
            let (record, entries) =
                result.eventCount == 0 ? (nil, []) : try ledger.closeWithSettlements(sequence: result.lastSequence)
            o.add("close", record.map(close) ?? .null)
            o.add("settlements", .array(entries.map(settlement)))
        }
        return o.value
    }

    static func event(_ row: EventRow) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("sequence", int(row.stored.sequence))
        o.add("date", .string(row.stored.envelope.date.description))
        o.add("type", .string(row.stored.envelope.type))
        o.add("version", int(row.stored.envelope.version))
        o.add("reference", .string(EventRendering.reference(row.event)))
        o.add("command_id", .string(row.stored.commandID))
        o.add("recorded_at", .string(utcTimestamp(milliseconds: row.stored.recordedAt)))
        o.add("hash", .string(hex(row.stored.hash)))
        o.add("data", EventRendering.json(row.event))
        return o.value
    }

    static func settlement(_ row: SettlementRow) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("date", .string(row.date.description))
        o.add("close_sequence", row.closeSequence.map(int) ?? .null)
        o.add("sequence", int(row.sequence))
        o.add("mode", .string(row.mode.name))
        o.add("item", .string(row.item))
        return .object(o.members + EventRendering.entryMembers(row.entry))
    }

    static func close(_ close: CloseRow) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("sequence", int(close.sequence))
        o.add("date", .string(close.date.description))
        o.add("mode", .string(close.mode.name))
        o.add("reversed_by", close.reversedBy.map(int) ?? .null)
        o.add("settlement_entries", int(close.entryCount))
        o.add("settled", int(close.settledCount))
        o.add("total_adjustment", .string(close.issueAdjustment.description))
        o.add("receipt_adjustment", .string(close.receiptAdjustment.description))
        o.add("log", .array(close.log.map { .string($0) }))
        o.add("notes", .array(close.notes.map(\.json)))
        o.add("unsettled", .array(close.unsettled.map { .string($0) }))
        o.add("zero_cost", .array(close.zeroCost.map { .string($0) }))
        o.add("negative_onhand", .array(close.negativeOnHand.map { .string($0) }))
        return o.value
    }

    static func int<T: BinaryInteger>(_ value: T) -> JSONValue { .number(String(value)) }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
    }

    static func utcTimestamp(milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
