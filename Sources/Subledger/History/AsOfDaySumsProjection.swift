// The as-of day sums (DR-35): filled by the history projection for every close in force that has none (the
// close just projected, or every close of a file from before migration 15), from the period snapshot of
// the close in force before it and the events after that snapshot; deleted for a close no longer in force;
// read by the reconciliation as of a date a close in force covers.

import SubledgerCore
internal import SubledgerStore

extension HistoryTables {
    /// Stores the day sums of every close in force (through `last`) that has none, in one transaction, and
    /// deletes those of closes no longer in force. `schema` names a verification's scratch database.
    static func fillAsOfDaySums(_ store: EventStore, schema: String = "main", through last: Int64? = nil) throws {
        guard !store.isReadOnly, let table = store.asOfDaySums(schema: schema) else { return }
        let limit = last ?? Int64.max
        let closes = try call { () throws(StoreError) in try store.historyCloses() }.filter {
            $0.mode == CloseMode.close.name && $0.reversedBy == nil && $0.sequence <= limit
        }
        let stored = try call { () throws(StoreError) in try table.segments() }
        guard stored != Set(closes.map(\.sequence)) else { return }
        let first = closes.firstIndex { !stored.contains($0.sequence) }
        var segments: [(Int64, AsOfDaySegment)] = []
        var restart = false
        if let first {
            if first > 0, let start = try closeState(store, closes[first - 1]) {
                // A snapshot whose fold fails (a transaction it lacks): the fold from the first event has all.
                segments = (try? daySegments(store, from: start, closes: closes, first: first)) ?? []
            }
            if segments.isEmpty {
                restart = true
                segments = try daySegments(store, from: nil, closes: closes, first: 0)
            }
        }
        try store.inWriteTransaction {
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
    private static func closeState(_ store: EventStore, _ close: HistoryClose) throws -> (LedgerState, Int64)? {
        let last = try call { () throws(StoreError) in try store.checkedLastSequence() }
        guard let record = try call({ () throws(StoreError) in try store.snapshot(sequence: close.sequence) }),
            var state = try SnapshotLoader.unusableReason(record, store, tail: last - close.sequence).state
        else { return nil }
        state.evicts = false
        return (state, close.sequence)
    }

    /// The segments of `closes[first...]`, folded from `start` (a close's open state and its sequence) or
    /// from the first event. Their rows must add up to what the fold changed: a mismatch is a defect here,
    /// never stored.
    private static func daySegments(
        _ store: EventStore, from start: (LedgerState, Int64)?, closes: [HistoryClose], first: Int
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
        try store.scanThrough(after: start?.1 ?? 0, through) { view in
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
        guard let store = sqlite, let table = store.asOfDaySums(), try historyIsCurrent() else { return nil }
        return try storeCall { () throws(StoreError) -> AsOfDayFigures? in
            let closes = try store.historyCloses().filter { $0.mode == CloseMode.close.name && $0.reversedBy == nil }
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
        guard let store = sqlite, try historyIsCurrent() else { return nil }
        return try storeCall { () throws(StoreError) in try store.historySettlementDays() }
    }
}
