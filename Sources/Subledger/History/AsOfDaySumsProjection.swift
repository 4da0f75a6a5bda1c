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
    /// `ahead` is the fold started before the projection (DR-67), taken when it folded these closes.
    static func fillAsOfDaySums(
        _ store: EventStore, schema: String = "main", through last: Int64? = nil, ahead: AsOfDayAhead? = nil
    ) throws {
        guard !store.isReadOnly, let table = store.asOfDaySums(schema: schema) else { return }
        let closes = try closesInForce(store, through: last)
        try fillAsOfDaySums(
            log: store, snapshots: store, closes: closes, table: table, ahead: ahead, write: store.inWriteTransaction)
    }

    /// The same for the tables of another database (PostgreSQL, DR-56): when a close in force lacks its
    /// rows (or rows of a close no longer in force remain), the fold runs first, outside any lock (other
    /// nodes' projections never wait for it), then a transaction that holds the projector's lock reads the
    /// closes and stored rows again under it and writes the fold's rows when neither moved meanwhile, else
    /// folds again there (DR-56, revised): two nodes never write a row twice.
    static func fillAsOfDaySums(
        _ log: any QueryableEventLog, _ tables: any HistoryTableStore, snapshots: (any SnapshotStore)?
    ) throws {
        guard let reads = tables as? any HistoryTableReads, let table = tables.asOfDaySums(scratch: false) else {
            return
        }
        let stored = try call { () throws(StoreError) in try table.segments() }
        let closes = try closesInForce(reads, through: nil)
        guard stored != Set(closes.map(\.sequence)) else { return }
        let plan = try asOfDayPlan(log: log, snapshots: snapshots, closes: closes, stored: stored)
        try LedgerError.sealing {
            try tables.writeHistory(fresh: false, scratch: false) { _, from, latestDay in
                let locked = try closesInForce(reads, through: nil)
                let lockedStored = try call { () throws(StoreError) in try table.segments() }
                if locked.map(\.sequence) == closes.map(\.sequence) && lockedStored == stored {
                    try call { () throws(StoreError) in try plan.write(to: table) }
                } else {
                    try fillAsOfDaySums(log: log, snapshots: snapshots, closes: locked, table: table) { try $0() }
                }
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
        table: any AsOfDaySumsStore, ahead: AsOfDayAhead? = nil, write: (() throws -> Void) throws -> Void
    ) throws {
        let stored = try call { () throws(StoreError) in try table.segments() }
        guard stored != Set(closes.map(\.sequence)) else { return }
        let plan =
            try ahead?.plan(for: closes, stored: stored)
            ?? asOfDayPlan(log: log, snapshots: snapshots, closes: closes, stored: stored)
        try write { try call { () throws(StoreError) in try plan.write(to: table) } }
    }

    /// What a fill writes: the segments folded for `closes` over the `stored` closes' rows.
    struct AsOfDayPlan {
        var closes: [HistoryClose]
        var stored: Set<Int64>
        var segments: [(Int64, AsOfDaySegment)]
        /// Folded from the first event: every stored row goes.
        var restart: Bool

        func write(to table: any AsOfDaySumsStore) throws(StoreError) {
            if restart { try table.deleteAll() }
            for close in stored where restart || !closes.contains(where: { $0.sequence == close }) {
                try table.delete(close: close)
            }
            for (close, segment) in segments { try table.save(close: close, segment) }
        }
    }

    /// The fold of the rows of `closes` that the `stored` closes lack (see `fillAsOfDaySums`).
    static func asOfDayPlan(
        log: any QueryableEventLog, snapshots: (any SnapshotStore)?, closes: [HistoryClose], stored: Set<Int64>
    ) throws -> AsOfDayPlan {
        var plan = AsOfDayPlan(closes: closes, stored: stored, segments: [], restart: false)
        guard let first = closes.firstIndex(where: { !stored.contains($0.sequence) }) else { return plan }
        if first > 0, let snapshots, let start = try closeState(log, snapshots, closes[first - 1]) {
            // A snapshot whose fold fails (a transaction it lacks): the fold from the first event has all.
            plan.segments = (try? daySegments(log, from: start, closes: closes, first: first)) ?? []
        }
        if plan.segments.isEmpty {
            plan.restart = true
            plan.segments = try daySegments(log, from: nil, closes: closes, first: 0)
        }
        return plan
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
        // Room for what the fold adds (about one new transaction an event: a settlement names many, but
        // existing ones), instead of rehashing the tables twenty times as they grow to a month's.
        let events = Int(clamping: through - (start?.1 ?? 0))
        state.reserveCapacity(transactions: events)
        tracker.reserve(events: events)
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
    /// dated through it) and in no gap. Nil otherwise (the caller replays). The gate and the sums are read
    /// in one snapshot: another node's reversal and fill committing between them would leave a sum of
    /// part of the rows (DR-56, revised). `afterGate` runs between the two (a test's commit there).
    func asOfDayFigures(_ date: LedgerDate, afterGate: () throws -> Void = {}) throws -> AsOfDayFigures? {
        guard let reads = historyReads, let table = reads.asOfDaySumsStore, try historyIsCurrent() else {
            return nil
        }
        return try reads.inOneSnapshot { () throws -> AsOfDayFigures? in
            let stands = try storeCall { () throws(StoreError) -> Bool in
                let closes = try reads.historyCloses().filter {
                    $0.mode == CloseMode.close.name && $0.reversedBy == nil
                }
                guard let latest = closes.last, date <= latest.day,
                    try table.segments() == Set(closes.map(\.sequence))
                else { return false }
                return try !table.isGap(date)
            }
            guard stands else { return nil }
            try afterGate()
            return try storeCall { () throws(StoreError) in try table.figures(through: date) }
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
