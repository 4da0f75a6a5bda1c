// The history tables of a store other than the SQLite file (PostgreSQL, DR-47): projected after a close,
// rebuilt and verified through the same fold (`HistoryProjection`) as the file's, so both stores hold the
// same rows. The rows of what closes evicted (DR-50) are written by the close itself, as on the file, so an
// incremental run is the fold alone: ONE transaction from the watermark to the log's end, under the store's
// projector lock; a rebuild or verification replays with eviction and writes them too.
// Its appends take another lock, so a long run never holds up a post, and there is no need to cut it into
// chunks as on the file (where the projector's write lock is the appends' lock).

import SubledgerCore
internal import SubledgerStore

extension HistoryTables {
    /// The events after the watermark of `tables`, projected in one transaction; returns how many. A
    /// close's on-hand comes from `onHand` when it knows it (the closing process's live state), else from a
    /// replay of the log through the close.
    /// The as-of day sums follow (`fillAsOfDaySums`), from the period snapshot in `snapshots` of the close
    /// in force before a close they lack; unless `fillsAsOfDaySums` is false (a ledger fills them itself,
    /// remembering a failure).
    @discardableResult
    static func project(
        _ log: any QueryableEventLog, _ tables: any HistoryTableStore, snapshots: (any SnapshotStore)? = nil,
        onHand: (Int64) -> [HistoryOnHandRow]? = { _ in nil }, fillsAsOfDaySums: Bool = true
    ) throws -> Int64 {
        guard tables.hasHistoryTables else { return 0 }
        let last = try LedgerError.sealing { try log.checkedLastSequence() }
        var projected: Int64 = 0
        if try call({ () throws(StoreError) in try tables.historyWatermark() }) < last {
            projected = try projectEvents(log, tables, through: last, onHand: onHand)
        }
        if fillsAsOfDaySums { try fillAsOfDaySums(log, tables, snapshots: snapshots) }
        return projected
    }

    /// The events after the watermark through `last`, in one transaction; returns how many.
    private static func projectEvents(
        _ log: any QueryableEventLog, _ tables: any HistoryTableStore, through last: Int64,
        onHand: (Int64) -> [HistoryOnHandRow]?
    ) throws -> Int64 {
        var projected: Int64 = 0
        try LedgerError.sealing {
            try tables.writeHistory(fresh: false, scratch: false) { writer, from, latestDay in
                guard from < last else { return (from, latestDay) }  // another node projected meanwhile
                var projection = HistoryProjection(latestDay: latestDay)
                try log.scanThrough(after: from, last) { view in
                    try projection.add(try Replay.decode(view), sequence: view.sequence, date: view.date, to: writer)
                }
                for close in projection.closes {
                    let rows =
                        try onHand(close)
                        ?? HistoryProjection.onHand(
                            Replay.fold(log, through: close, evicting: false, progress: nil).state)
                    try writer.onHand(closeSequence: close, rows)
                }
                projected = last - from
                return (last, projection.latestDay)
            }
        }
        return projected
    }

    /// Empties the tables of `tables` and projects the whole log again, in one transaction.
    static func rebuild(
        _ log: any QueryableEventLog, _ tables: any HistoryTableStore, progress: ((Int64, Int64) -> Void)?
    ) throws -> HistoryRebuild {
        guard tables.hasHistoryTables else {
            throw LedgerError.readOnly("the ledger's schema is older than its history tables: nothing to rebuild")
        }
        var events: Int64 = 0
        try LedgerError.sealing {
            try tables.writeHistory(fresh: true, scratch: false) { writer, _, _ in
                events = try log.checkedLastSequence()  // under the projector's lock: no run moves it meanwhile
                return (events, try fold(log, through: events, into: writer, progress: progress))
            }
        }
        try fillAsOfDaySums(log, tables, snapshots: nil)  // emptied with the others: from the first event
        let counts = try call { () throws(StoreError) in try tables.historyRowCounts() }
        return HistoryRebuild(rows: counts.map { HistoryTableCount(table: $0.table, rows: $0.rows) }, events: events)
    }

    /// The tables of `tables` compared with a fresh projection of the log through their watermark, written
    /// into scratch tables of the same shape (the stored tables are brought up to date first).
    static func verify(_ log: any QueryableEventLog, _ tables: any HistoryTableStore) throws -> HistoryVerification {
        guard tables.hasHistoryTables else { return HistoryVerification(checked: false) }
        try project(log, tables)
        try call { () throws(StoreError) in try tables.createHistoryScratch() }
        defer { tables.dropHistoryScratch() }
        try LedgerError.sealing {
            try tables.writeHistory(fresh: true, scratch: true) { writer, _, _ in
                // Read under the projector's lock: the stored tables stand at this watermark until the end.
                let through = try tables.historyWatermark()
                let latestDay = try fold(log, through: through, into: writer, progress: nil)
                // The day sums of the stored closes in force (the stored tables stand at `through`).
                if let scratch = tables.asOfDaySums(scratch: true), let reads = tables as? any HistoryTableReads {
                    let closes = try closesInForce(reads, through: through)
                    try fillAsOfDaySums(log: log, snapshots: nil, closes: closes, table: scratch) { try $0() }
                }
                return (through, latestDay)
            }
        }
        let difference = try call { () throws(StoreError) -> String? in
            if let difference = try tables.historyScratchDifference() { return difference }
            // The filter of closed ids (DR-53) holds every id of `history_transactions`, as on the file.
            return try (tables as? any ClosedIDFilterSource)?.closedIDFilterDifference()
        }
        return HistoryVerification(checked: true, difference: difference)
    }

    /// Events 1...`last` into `writer`, with a replay alongside for the on-hand at each close; returns the
    /// latest business date through them. A writer that takes evicted rows (the store's ledger evicts,
    /// DR-50) gets what that replay's closes moved out (rule R), as the file's rebuild writes them; else
    /// the replay keeps every transaction, as the store's ledger then does.
    private static func fold(
        _ log: any QueryableEventLog, through last: Int64, into writer: some HistoryRowWriter,
        progress: ((Int64, Int64) -> Void)?
    ) throws -> Int32 {
        var projection = HistoryProjection(latestDay: 0)
        var state = LedgerState()
        let evicts = (log as? any TransactionHistory)?.hasTransactionHistory == true
        let eviction = evicts ? writer as? any EvictionRowWriter : nil
        state.evicts = eviction != nil
        state.keepsEvicted = eviction != nil
        state.reversedCloses = try CloseReversals.read(log).closes(through: last)
        var seen = 0
        if last > 0 {
            try log.scanThrough(after: 0, last) { view in
                let event = try Replay.decode(view)
                try Replay.apply(event, view, to: &state)
                try projection.add(event, sequence: view.sequence, date: view.date, to: writer)
                if let eviction {
                    try EvictedGroups.project(
                        event, sequence: view.sequence, state: state, seen: &seen, into: eviction.evictedSums)
                }
                if case .closePosted(let posted) = event, posted.mode != .reversal {
                    try writer.onHand(closeSequence: view.sequence, HistoryProjection.onHand(state))
                }
                if let progress, view.sequence % Replay.progressStride == 0 { progress(view.sequence, last) }
            }
        }
        try eviction?.historyTransactions(state.evicted.map { HistoryTransactionRow($0.record, closedBy: $0.closedBy) })
        progress?(last, last)
        return projection.latestDay
    }
}
