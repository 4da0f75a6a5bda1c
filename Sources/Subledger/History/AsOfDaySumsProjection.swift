// The as-of day sums (DR-35; on PostgreSQL too, DR-56): filled by the history projection for every close in
// force that has none (the close just projected, or every close of a file from before migration 15 or a
// database from before its migration 7), from the period snapshot of
// the close in force before it and the events after that snapshot; deleted for a close no longer in force;
// read by the reconciliation as of a date a close in force covers.

import SubledgerCore
internal import SubledgerStore

extension HistoryTables {
    /// Stores the day sums of every close in force (through `last`) that has none, in one transaction, and
    /// deletes those of closes no longer in force. `schema` names a verification's scratch database.
    static func fillAsOfDaySums(_ store: EventStore, schema: String = "main", through last: Int64? = nil) throws {
        guard !store.isReadOnly, let table = store.asOfDaySums(schema: schema) else { return }
        let closes = try closesInForce(store, through: last)
        try fillAsOfDaySums(log: store, snapshots: store, closes: closes, table: table, write: store.inWriteTransaction)
    }

    /// The same for the tables of another database (PostgreSQL, DR-56): when a close in force lacks its
    /// rows (or rows of a close no longer in force remain), the fill runs in a transaction of its own that
    /// holds the projector's lock, reading the closes again under it, so two nodes never write a row twice.
    static func fillAsOfDaySums(
        _ log: any QueryableEventLog, _ tables: any HistoryTableStore, snapshots: (any SnapshotStore)?
    ) throws {
        guard let reads = tables as? any HistoryTableReads, let table = tables.asOfDaySums(scratch: false) else {
            return
        }
        let stored = try call { () throws(StoreError) in try table.segments() }
        guard try stored != Set(closesInForce(reads, through: nil).map(\.sequence)) else { return }
        try LedgerError.sealing {
            try tables.writeHistory(fresh: false, scratch: false) { _, from, latestDay in
                let closes = try closesInForce(reads, through: nil)
                try fillAsOfDaySums(log: log, snapshots: snapshots, closes: closes, table: table) { try $0() }
                return (from, latestDay)
            }
        }
    }

    /// The closes in force (not recalculations, not reversed) the history holds, through `last`.
    static func closesInForce(_ reads: any HistoryTableReads, through last: Int64?) throws -> [HistoryClose] {
        let limit = last ?? Int64.max
        return try call { () throws(StoreError) in try reads.historyCloses() }.filter {
            $0.mode == CloseMode.close.name && $0.reversedBy == nil && $0.sequence <= limit
        }
    }

    /// The one fold of both stores: the rows of `closes` that `table` lacks, from the period snapshot of the
    /// close before the first of them (else from the first event), written by `write`'s transaction.
    static func fillAsOfDaySums(
        log: any QueryableEventLog, snapshots: (any SnapshotStore)?, closes: [HistoryClose],
        table: any AsOfDaySumsStore, write: (() throws -> Void) throws -> Void
    ) throws {
        let stored = try call { () throws(StoreError) in try table.segments() }
        guard stored != Set(closes.map(\.sequence)) else { return }
        let first = closes.firstIndex { !stored.contains($0.sequence) }
        var segments: [(Int64, AsOfDaySegment)] = []
        var restart = false
        if let first {
            if first > 0, let snapshots, let start = try closeState(log, snapshots, closes[first - 1]) {
                // A snapshot whose fold fails (a transaction it lacks): the fold from the first event has all.
                segments = (try? daySegments(log, from: start, closes: closes, first: first)) ?? []
            }
            if segments.isEmpty {
                restart = true
                segments = try daySegments(log, from: nil, closes: closes, first: 0)
            }
        }
        try write {
            try call { () throws(StoreError) in
                if restart { try table.deleteAll() }
                for close in stored where restart || !closes.contains(where: { $0.sequence == close }) {
                    try table.delete(close: close)
                }
                for (close, segment) in segments { try table.save(close: close, segment) }
            }
        }
    }

    /// The open state the period snapshot of `close` holds (with its sequence), or nil.
    private static func closeState(
        _ log: any QueryableEventLog, _ snapshots: any SnapshotStore, _ close: HistoryClose
    ) throws -> (LedgerState, Int64)? {
        let last = try LedgerError.sealing { try log.checkedLastSequence() }
        guard let record = try call({ () throws(StoreError) in try snapshots.snapshot(sequence: close.sequence) }),
            var state = try SnapshotLoader.unusableReason(record, snapshots, tail: last - close.sequence).state
        else { return nil }
        state.evicts = false
        return (state, close.sequence)
    }

    /// The segments of `closes[first...]`, folded from `start` (a close's open state and its sequence) or
    /// from the first event. Their rows must add up to what the fold changed: a mismatch is a defect here,
    /// never stored.
    private static func daySegments(
        _ log: any QueryableEventLog, from start: (LedgerState, Int64)?, closes: [HistoryClose], first: Int
    ) throws -> [(Int64, AsOfDaySegment)] {
        var state = start?.0 ?? LedgerState()
        state.evicts = false
        let begin = AsOfDayTotals(state)
        var tracker = AsOfDayTracker()
        if first > 0 { _ = tracker.cut(at: closes[first - 1]) }
        var targets = closes[first...].makeIterator()
        var next = targets.next()
        var segments: [(Int64, AsOfDaySegment)] = []
        guard let through = closes.last?.sequence else { return [] }
        try log.scanThrough(after: start?.1 ?? 0, through) { view in
            try tracker.fold(try Replay.decode(view), view, into: &state)
            if let close = next, close.sequence == view.sequence {
                segments.append((close.sequence, tracker.cut(at: close)))
                next = targets.next()
            }
        }
        guard AsOfDayTotals(segments.map(\.1)) == AsOfDayTotals.change(from: begin, to: AsOfDayTotals(state)) else {
            throw LedgerError.storage("the as-of day sums do not add up to the fold's figures (a defect)")
        }
        return segments
    }
}

extension Ledger {
    /// The figures as of `date` from the day sums, when they stand for it: the history is current, every
    /// close in force has its rows, `date` is on or before the latest close in force (no later event is
    /// dated through it) and in no gap. Nil otherwise (the caller replays).
    func asOfDayFigures(_ date: LedgerDate) throws -> AsOfDayFigures? {
        guard let reads = historyReads, let table = reads.asOfDaySumsStore, try historyIsCurrent() else {
            return nil
        }
        return try storeCall { () throws(StoreError) -> AsOfDayFigures? in
            let closes = try reads.historyCloses().filter { $0.mode == CloseMode.close.name && $0.reversedBy == nil }
            guard let latest = closes.last, date <= latest.day,
                try table.segments() == Set(closes.map(\.sequence)), try !table.isGap(date)
            else { return nil }
            return try table.figures(through: date)
        }
    }
}

extension Ledger {
    /// The business dates of the settlement events that hold an entry, by key; nil when the history tables
    /// do not hold every event (the caller reads the log).
    func historySettlementDays() throws -> [LedgerDate]? {
        guard let reads = historyReads, try historyIsCurrent() else { return nil }
        return try storeCall { () throws(StoreError) in try reads.historySettlementDays() }
    }
}
