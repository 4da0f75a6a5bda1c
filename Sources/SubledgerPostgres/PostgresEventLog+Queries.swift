// The ledger's queries of the log on PostgreSQL (`QueryableEventLog`): the command rows, their actors,
// and the close log's events, each the SQL of the SQLite store's query of the same name. The close log's
// events are chain-checked like every read: a run of consecutive events from the stored hash of the event
// before it.

import PostgresNIO
import SubledgerCore
import SubledgerStore

extension PostgresEventLog: QueryableEventLog {
    public func commands() throws -> [CommandRecord] {
        let sql = "SELECT \(Self.commandColumns) FROM commands ORDER BY first_sequence, last_sequence"
        var records: [CommandRecord] = []
        for row in try session.execute(sql) { records.append(try Self.commandRecord(row, session, sql: sql)) }
        return records
    }

    public func commandActors(after: Int64, through: Int64) throws -> [CommandActorSpan] {
        guard through > after else { return [] }
        let query: PostgresQuery = """
            SELECT first_sequence, last_sequence, actor FROM commands
            WHERE first_sequence <= \(through) AND last_sequence > \(after) AND actor IS NOT NULL
            ORDER BY first_sequence
            """
        var spans: [CommandActorSpan] = []
        for row in try session.query(query) {
            do {
                let (first, last, actor) = try row.decode((Int64, Int64, String).self)
                spans.append(CommandActorSpan(first: first, last: last, actor: actor))
            } catch {
                throw session.storeError(error, sql: query.sql)
            }
        }
        return spans
    }

    public func forEachCloseLogEvent(from first: Int64 = 1, _ body: (StoredEvent) throws -> Void) throws {
        let query: PostgresQuery = """
            SELECT \(unescaped: Self.eventColumns) FROM events
            WHERE type IN ('settlement.posted', 'close.posted', 'close.reversed') AND sequence >= \(first)
            ORDER BY sequence
            """
        var chain: EventChain?
        for row in try session.query(query) {
            let event = try EventRow(row, session, sql: query.sql)
            if chain?.expected != event.sequence { chain = try chainStart(after: event.sequence - 1) }
            let date = try event.check(&chain!)
            try body(
                StoredEvent(
                    sequence: event.sequence,
                    envelope: EventEnvelope(
                        date: date, type: String(buffer: event.type), version: Int(event.version),
                        payload: Array(event.payload.readableBytesView)),
                    commandID: String(buffer: event.commandID), recordedAt: event.recordedAt,
                    hash: Array(event.hash.readableBytesView)))
        }
    }

    public func closeReversals(after sequence: Int64) throws -> [(Int64, Int, [UInt8])] {
        // Under a group's lock the tail read already holds every event after `after`: nothing can be added.
        if isAppending, let known = tailReversals, known.after == sequence { return known.rows }
        let query: PostgresQuery = """
            SELECT sequence, version, payload FROM events
            WHERE type = 'close.reversed' AND sequence > \(sequence) ORDER BY sequence
            """
        var rows: [(Int64, Int, [UInt8])] = []
        for row in try session.query(query) {
            do {
                let (event, version, payload) = try row.decode((Int64, Int32, ByteBuffer).self)
                rows.append((event, Int(version), Array(payload.readableBytesView)))
            } catch {
                throw session.storeError(error, sql: query.sql)
            }
        }
        return rows
    }
}
