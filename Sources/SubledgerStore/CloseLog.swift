// CloseLog: the events of closes, recalculations and their reversals, read from the log without folding
// it. The log is the only home of a close's `settlement.posted` events (the projection keeps only where
// they are: `CloseRecord.firstSequence..<sequence`), so `closes`, `settlements` and a reversal read them
// here. A partial index over just those event types makes the list of them cheap on a long log; without
// it (a file opened read-only before its migration) the same query scans the table, same answer.
//
// Every event handed out is chain-checked like any read: a run of consecutive events from the stored hash
// of the event before it.

import CSQLite
import SubledgerCore

enum CloseLogSchema {
    /// The index behind `forEachCloseLogEvent`: a few rows per close, none per posting.
    static let migration = """
        CREATE INDEX IF NOT EXISTS events_close_log ON events(sequence)
            WHERE type IN ('settlement.posted', 'close.posted', 'close.reversed');
        """

    /// The same index filtered by comparisons. SQLite evaluates an index's `type IN (...)` on every
    /// inserted row by building a temporary b-tree of the list (about 25,000 instructions and a zeroed
    /// page per event: a third of an import's instructions); three comparisons cost a few dozen.
    static let comparisonFilter =
        "(type = 'settlement.posted' OR type = 'close.posted' OR type = 'close.reversed')"
    static let comparisonMigration = """
        DROP INDEX IF EXISTS events_close_log;
        CREATE INDEX events_close_log ON events(sequence) WHERE \(comparisonFilter);
        """

    /// A query's WHERE term that lets SQLite use the index: a partial index serves a query only when the
    /// query repeats its filter. Both filters, so that a file opened read-only before the second
    /// migration (which still has the first index) is not scanned either.
    static let filter =
        "type IN ('settlement.posted', 'close.posted', 'close.reversed') AND \(comparisonFilter)"
}

extension EventStore {
    /// Calls `body` with every `settlement.posted`, `close.posted` and `close.reversed` event from event
    /// `first` on, in log order.
    public func forEachCloseLogEvent(from first: Int64 = 1, _ body: (StoredEvent) throws -> Void) throws {
        // The WHERE term repeats the index's own, so that SQLite can use the partial index.
        let statement = try connection.prepare(
            """
            SELECT sequence, business_date, type, version, payload, command_id, recorded_at, hash
            FROM events WHERE \(CloseLogSchema.filter) AND sequence >= ?1
            ORDER BY sequence
            """)
        try statement.bind(first, at: 1)
        var chain: ChainCheck?
        while try statement.step() {
            let sequence = statement.int64(at: 0)
            if chain?.checkedThrough != sequence - 1 { chain = try ChainCheck(connection, after: sequence - 1) }
            _ = try chain!.check(statement)
            try body(try Self.storedEvent(statement, sequence: sequence))
        }
    }

}

extension EventLog {
    /// The `settlement.posted` events of the close whose `close.posted` is event `closeSequence` and whose
    /// first settlement event is `firstSequence`, decoded, in log order. Anything else in that range, or a
    /// range the log does not hold, is damage: `StoreError.corrupt`, never a partial answer.
    public func settlementEvents(first firstSequence: Int64, close closeSequence: Int64) throws -> [SettlementPosted] {
        var events: [SettlementPosted] = []
        var expected = firstSequence
        try forEachEvent(after: firstSequence - 1, through: closeSequence) { stored in
            let event = try EventStore.decoded(stored)
            switch (stored.sequence < closeSequence, event) {
            case (true, .settlementPosted(let posted)) where posted.mode != .reversal:
                events.append(posted)
            case (false, .closePosted):
                break
            default:
                throw StoreError.corrupt(
                    "event \(stored.sequence) (\(stored.envelope.type)) is not a settlement of the close at "
                        + "\(closeSequence); run `subledger verify`")
            }
            expected = stored.sequence + 1
        }
        guard firstSequence >= 1, expected == closeSequence + 1 else {
            throw StoreError.corrupt(
                "the log does not hold the events \(firstSequence)...\(closeSequence) of a close; "
                    + "run `subledger verify`")
        }
        return events
    }

}

extension EventStore {
    private static func storedEvent(_ statement: Statement, sequence: Int64) throws(StoreError) -> StoredEvent {
        let raw = statement.int64(at: 1)
        guard let value = Int32(exactly: raw), let date = LedgerDate(yyyymmdd: value) else {
            throw StoreError.corrupt("event \(sequence) has an invalid business_date \(raw)")
        }
        return StoredEvent(
            sequence: sequence,
            envelope: EventEnvelope(
                date: date, type: statement.text(at: 2), version: Int(statement.int64(at: 3)),
                payload: statement.blob(at: 4)),
            commandID: statement.text(at: 5), recordedAt: statement.int64(at: 6), hash: statement.blob(at: 7))
    }

    /// An event decoded from the log, or a corrupt-store error naming it.
    public static func decoded(_ stored: StoredEvent) throws(StoreError) -> LedgerEvent {
        do throws(PayloadDecodingError) {
            return try EventCatalog.decode(stored.envelope)
        } catch {
            throw StoreError.corrupt("event \(stored.sequence) cannot be decoded: \(error); run `subledger verify`")
        }
    }
}
