// A group that takes the lock first and catches up under it (DR-46). Its first pipeline is BEGIN, the
// advisory lock, the log's end, the group's command ids looked up together (`= ANY`), and the events
// from the one the caller folded last on (the chain's start and the tail it has not seen, a page of them):
// one wait, all read under the lock, so the tail is exactly what other nodes committed before it and no
// other node can append until this group's COMMIT. The caller folds the tail, then decides; its INSERTs,
// NOTIFY and COMMIT are the second wait (DR-45). Only a tail longer than a page reads on, page by page.
// The caller asks for the tail's close reversals before it folds any of it (rule R, DR-22); a tail that fits
// its page answers that from the page, not from a third wait under the lock (DR-49).

import PostgresNIO
import SubledgerCore
import SubledgerStore

extension PostgresEventLog {
    public func appendCommandGroup(
        after folded: Int64, commandIDs: [String], catchingUp: (borrowing EventView) throws -> Void,
        _ body: (inout any CommandSink) throws -> Void
    ) throws {
        let ids = Array(Set(commandIDs))
        let lookup = Self.commandsQuery(ids: ids)
        let tail: PostgresQuery = """
            SELECT \(unescaped: Self.eventColumns) FROM events
            WHERE sequence >= \(folded) ORDER BY sequence LIMIT \(Self.pageSize + 1)
            """
        defer { tailReversals = nil }
        try writeTransaction("appendGroup", reading: [lookup, tail]) { last, lastHash, reads, commit in
            guard last >= folded else {
                throw StoreError.damagedLog(
                    "the log ends at event \(last), before the \(folded) already read from it: the database was "
                        + "replaced or damaged; run `subledger verify`")
            }
            let group = PostgresGroupState(lastSequence: last, lastHash: lastHash)
            group.lookedUp = Set(ids)
            for row in reads[0] {
                let record = try Self.commandRecord(row, session, sql: lookup.sql)
                group.recorded[record.commandID] = record
            }
            if last > folded { try catchUp(after: folded, through: last, reads[1], sql: tail.sql, catchingUp) }
            try runGroup(group, body, commit)
        }
    }

    /// Hands `body` the events `after + 1 ... last`: from `rows` (read from event `after` on, the chain's
    /// start), then page by page if they end short of `last`.
    private func catchUp(
        after: Int64, through last: Int64, _ rows: PostgresQueryResult, sql: String,
        _ body: (borrowing EventView) throws -> Void
    ) throws {
        var chain: EventChain? = after == 0 ? EventChain(after: 0, hash: .zero) : nil
        var reached = after
        let page = try rows.map { row throws(StoreError) in try EventRow(row, session, sql: sql) }
        if page.contains(where: { $0.sequence == last }) {
            tailReversals = (after, Self.closeReversals(in: page, after))
        }
        for event in page {
            guard chain != nil else {
                guard event.sequence == after, let hash = SHA256.Digest(Array(event.hash.readableBytesView)) else {
                    break  // the chain's start is missing: said below
                }
                chain = EventChain(after: after, hash: hash)
                continue
            }
            guard event.sequence <= last else { break }
            let date = try event.check(&chain!)
            try event.withView(date: date, body)
            reached = event.sequence
        }
        guard let chain else {
            throw StoreError.damagedLog("event \(after) is missing or has no valid hash; run `subledger verify`")
        }
        if reached < last {
            reached = try pages(after: reached, through: last, chain) { row, date in try row.withView(date: date, body)
            }
        }
        guard reached == last else {
            throw StoreError.damagedLog(
                "the log holds events through \(last) but reading stopped after \(reached): the log is damaged; "
                    + "run `subledger verify`")
        }
    }

    /// The `close.reversed` events of `page` after `after`, as `closeReversals(after:)` answers them.
    private static func closeReversals(in page: [EventRow], _ after: Int64) -> [(Int64, Int, [UInt8])] {
        page.filter { $0.sequence > after && $0.type.readableBytesView.elementsEqual("close.reversed".utf8) }
            .map { ($0.sequence, Int($0.version), Array($0.payload.readableBytesView)) }
    }
}
