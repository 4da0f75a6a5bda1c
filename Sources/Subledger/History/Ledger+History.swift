// The facade's side of the history tables: the incremental projector (after a close, and before a query
// that reads the tables), the rebuild from the log, and the comparison with a fresh projection.

import SubledgerCore
internal import SubledgerStore

/// What `rebuildHistory` wrote.
public struct HistoryRebuild: Sendable, Equatable {
    /// Rows per table after the rebuild, in the order the tables are documented.
    public var rows: [HistoryTableCount]
    /// Events projected (the whole log).
    public var events: Int64
}

public struct HistoryTableCount: Sendable, Equatable {
    public var table: String
    public var rows: Int64
}

extension Ledger {
    /// Projects the events appended since the history's watermark into the history tables, in
    /// transactions that each move the watermark with their rows (`HistoryTables.project`). Returns the
    /// events projected (0 when the tables were up to date). A read-only ledger, or one whose file
    /// predates the tables, projects nothing.
    @discardableResult
    public func projectHistory() throws -> Int64 {
        guard let store = sqlite else {
            // Another database's tables (PostgreSQL, DR-47); a log without them projects nothing.
            guard projectsHistory, let tables = log as? any HistoryTableStore else { return 0 }
            let projected = try HistoryTables.project(
                log, tables, snapshots: snapshotStore, onHand: liveOnHand, fillsAsOfDaySums: false)
            try fillAsOfDaySums(tables)
            return projected
        }
        // The as-of day sums' fold of a large close runs beside the projection's writes (DR-67).
        let ahead = AsOfDayAhead.start(store, state: state, minimumEvents: asOfAheadMinimum)
        defer { if ahead?.taken == true { asOfAheadFolds += 1 } }
        return try HistoryTables.project(store, onHand: liveOnHand, asOfAhead: ahead)
    }

    /// The as-of day sums of a database's tables, but not again after a failed fill until the ledger has
    /// seen another event: every query asks for the fill (`historyIsCurrent` swallows its failure), and
    /// each would fold the log again, from the first event at worst.
    private func fillAsOfDaySums(_ tables: any HistoryTableStore) throws {
        let seen = state.lastSequence
        guard asOfDayFillFailedAt != seen else { return }
        do {
            try HistoryTables.fillAsOfDaySums(log, tables, snapshots: snapshotStore)
            asOfDayFillFailedAt = nil
        } catch {
            asOfDayFillFailedAt = seen
            throw error
        }
    }

    /// The on-hand right after the close at `closeSequence` from the live projection when it stands
    /// right after that event (the close this process just ran); nil otherwise (the projector replays).
    func liveOnHand(atClose closeSequence: Int64) -> [HistoryOnHandRow]? {
        state.lastSequence == closeSequence ? HistoryProjection.onHand(state) : nil
    }

    /// True when the history tables hold every event of the log (projecting the missing ones first when
    /// the ledger may be written). A projection that fails (the file busy past the timeout, a full disk)
    /// only makes the caller take its other way: a query never fails for want of a cache.
    /// The same on both stores (DR-56): the file's tables, or those of the log's database.
    func historyIsCurrent() throws -> Bool {
        guard let reads = historyReads, reads.hasHistoryTables else { return false }
        _ = try? projectHistory()
        let watermark = try storeCall { () throws(StoreError) in try reads.historyWatermark() }
        return watermark == (try LedgerError.sealing { try log.checkedLastSequence() })
    }

    /// The history tables the queries read: the file's, else those of the log's database (PostgreSQL,
    /// DR-56); nil for a log that keeps none.
    var historyReads: (any HistoryTableReads)? { HistoryTables.reads(file: sqlite, log: log) }

    /// After a close, recalculation or reversal has committed: project its events (the projector stores
    /// a close's on-hand with them, from this live state). The tables are a projection, so a failure here
    /// never undoes the command: the next run projects the events, the on-hand included.
    func recordHistory(after command: LedgerCommand, _ result: CommandResult) {
        guard !result.duplicate else { return }
        if let store = sqlite, store.isReadOnly || !store.hasHistoryTables { return }
        switch command {
        case .close, .recalculate, .reverseClose: break
        default: return
        }
        _ = try? projectHistory()
    }

    /// See `HistoryTables.rebuild`.
    public func rebuildHistory(progress: ((Int64, Int64) -> Void)? = nil) throws -> HistoryRebuild {
        try HistoryTables.rebuild(log: log, file: sqlite, progress: progress)
    }

    /// See `HistoryTables.verify`.
    public func verifyHistory() throws -> HistoryVerification { try HistoryTables.verify(log: log, file: sqlite) }
}

extension LedgerLog {
    /// See `HistoryTables.rebuild`.
    public func rebuildHistory(progress: ((Int64, Int64) -> Void)? = nil) throws -> HistoryRebuild {
        try HistoryTables.rebuild(log: log, file: sqlite, progress: progress)
    }

    /// See `HistoryTables.verify`.
    public func verifyHistory() throws -> HistoryVerification { try HistoryTables.verify(log: log, file: sqlite) }
}

/// The history tables compared with a fresh projection of the log.
public struct HistoryVerification: Sendable, Equatable {
    /// False when they could not be compared (a read-only ledger, or a file older than the tables).
    public var checked: Bool
    /// The first difference in words; nil when they are equal.
    public var difference: String?
}

/// The history tables of a store: projected, rebuilt and verified without a `Ledger`'s projection.
enum HistoryTables {
    /// The file's tables (`file`), else those of the database `log` is in; `not-on-postgresql` for a log
    /// that keeps none.
    static func rebuild(
        log: any QueryableEventLog, file: EventStore?, progress: ((Int64, Int64) -> Void)?
    ) throws -> HistoryRebuild {
        if let file { return try rebuild(file, progress: progress) }
        return try rebuild(log, try tables(of: log), progress: progress)
    }

    /// As `rebuild(log:file:progress:)`, for the comparison with a fresh projection.
    static func verify(log: any QueryableEventLog, file: EventStore?) throws -> HistoryVerification {
        if let file { return try verify(file) }
        return try verify(log, try tables(of: log))
    }

    private static func tables(of log: any QueryableEventLog) throws(LedgerError) -> any HistoryTableStore {
        guard let tables = log as? any HistoryTableStore else {
            throw LedgerError.notOnPostgreSQL(LedgerError.sqliteOnlyMessage)
        }
        return tables
    }

    /// The history tables a ledger's queries read: the file's, else those of the log's database (PostgreSQL,
    /// DR-56); nil for a log that keeps none. The one choice, for `Ledger` and `LedgerLog` alike.
    static func reads(file: EventStore?, log: any QueryableEventLog) -> (any HistoryTableReads)? {
        file ?? log as? any HistoryTableReads
    }

    static func call<T>(_ body: () throws(StoreError) -> T) throws -> T {
        do throws(StoreError) { return try body() } catch { throw LedgerError(error) }
    }

    /// Events per transaction of an incremental run: each commits and moves the watermark, so a writer
    /// waiting for the lock (a post during the projection after a large close) waits about a second,
    /// never the whole run (the busy timeout is 10 s).
    static let chunk: Int64 = 100_000

    /// The events after the watermark, projected in transactions of about `chunk` events; returns how many.
    /// A chunk ends only where no settlement entry waits for its close, so none is ever left behind.
    /// Every close (or recalculation) a chunk projects gets its on-hand in the same transaction, from
    /// `onHand` when it knows it, else from a replay of the log through the close: whichever process
    /// projects a close (the closing one, the next one after a close killed past its commit, the first
    /// one to open a file older than the tables), the table ends as a rebuild writes it.
    @discardableResult
    static func project(
        _ store: EventStore, chunk: Int64 = chunk, onHand: (Int64) -> [HistoryOnHandRow]? = { _ in nil },
        asOfAhead: AsOfDayAhead? = nil
    ) throws -> Int64 {
        guard !store.isReadOnly, store.hasHistoryTables else { return 0 }
        let last = try call { () throws(StoreError) in try store.checkedLastSequence() }
        let start = try call { () throws(StoreError) in try store.historyWatermark() }
        var watermark = start
        // The first long run (the first close after a large import) inserts without the secondary indexes
        // and builds them once at the end: inserting millions of keys in random order costs more. Never
        // later: building them again would sort the whole history at every close (a close's cost would
        // grow with every month before it).
        if start == 0, last > chunk { try call { () throws(StoreError) in try store.dropHistoryIndexes() } }
        defer { try? store.ensureHistoryIndexes() }
        while watermark < last {
            try LedgerError.sealing {
                try store.writeHistory { writer, from, latestDay in
                    guard from < last else {  // another process projected meanwhile
                        watermark = max(from, last)
                        return (from, latestDay)
                    }
                    var projection = HistoryProjection(latestDay: latestDay)
                    var end = from
                    repeat {
                        let next = min(end + (end == from ? chunk : min(chunk, 1_000)), last)
                        try store.scanThrough(after: end, next) { view in
                            let event = try Replay.decode(view)
                            try projection.add(event, sequence: view.sequence, date: view.date, to: writer)
                        }
                        end = next
                    } while !projection.isSettled && end < last
                    for close in projection.closes {
                        let rows =
                            try onHand(close)
                            ?? HistoryProjection.onHand(
                                Replay.fold(store, through: close, progress: nil).state)
                        try writer.onHand(closeSequence: close, rows)
                    }
                    watermark = end
                    return (end, projection.latestDay)
                }
            }
        }
        try fillCloseSummaries(store)
        try fillEvictedSums(store)
        try fillAsOfDaySums(store, ahead: asOfAhead)
        return last - start
    }

    /// Drops every history table's rows and projects the whole log again, in ONE transaction; the on-hand
    /// at each close comes from a replay folded alongside. `progress(done, total)` counts events.
    static func rebuild(_ store: EventStore, progress: ((Int64, Int64) -> Void)?) throws -> HistoryRebuild {
        guard store.hasHistoryTables else {
            // Only a file opened read-only stays at a schema without them (opening migrates a writable one).
            throw LedgerError.readOnly("the ledger is read-only and older than its history tables: nothing to rebuild")
        }
        let last = try call { () throws(StoreError) in try store.checkedLastSequence() }
        try LedgerError.sealing {
            try store.writeHistory(fresh: true) { writer, _, _ in
                let projected = try fullProjection(store, through: last, into: writer, progress: progress)
                // The transactions closes moved out of the open state, from the same replay (rule R, DR-22).
                try store.replaceHistoryTransactions(
                    projected.evicted.map { HistoryTransactionRow($0.record, closedBy: $0.closedBy) })
                return (projected.through, projected.latestDay)
            }
        }
        try fillAsOfDaySums(store)
        let counts = try call { () throws(StoreError) in try store.historyRowCounts() }
        return HistoryRebuild(rows: counts.map { HistoryTableCount(table: $0.table, rows: $0.rows) }, events: last)
    }

    /// The stored tables compared with a fresh projection of the log through their watermark, built in an
    /// in-memory scratch database (the stored tables are brought up to date first).
    static func verify(_ store: EventStore) throws -> HistoryVerification {
        guard !store.isReadOnly, store.hasHistoryTables else { return HistoryVerification(checked: false) }
        try project(store)
        let through = try call { () throws(StoreError) in try store.historyWatermark() }
        let scratch = "history_fresh"
        try call { () throws(StoreError) in try store.attachScratch(scratch) }
        defer { store.detachScratch(scratch) }
        try LedgerError.sealing {
            try store.writeHistory(fresh: true, schema: scratch) { writer, _, _ in
                let projected = try fullProjection(store, through: through, into: writer, progress: nil)
                return (projected.through, projected.latestDay)
            }
        }
        try fillAsOfDaySums(store, schema: scratch, through: through)
        let difference = try call { () throws(StoreError) -> String? in
            // The filter of closed ids (DR-52) holds every id of `history_transactions`, bits being no rows.
            if let difference = try store.historyDifference(from: scratch) { return difference }
            return try store.closedIDFilterDifference()
        }
        return HistoryVerification(checked: true, difference: difference)
    }

    /// Events 1...`last` into `writer`, with a replay alongside for the on-hand at each close; returns
    /// what that replay's closes moved out of the open state (rule R: not the closes the log reverses).
    private static func fullProjection(
        _ store: EventStore, through last: Int64, into writer: HistoryWriter,
        progress: ((Int64, Int64) -> Void)?
    ) throws -> (through: Int64, latestDay: Int32, evicted: [(record: TransactionRecord, closedBy: Int64)]) {
        var projection = HistoryProjection(latestDay: 0)
        var state = LedgerState()
        state.reversedCloses = try CloseReversals.read(store).closes(through: last)
        state.keepsEvicted = true
        state.reserveCapacity(transactions: Int(last))
        var seen = 0
        if last > 0 {
            try store.scanThrough(after: 0, last) { view in
                let event = try Replay.decode(view)
                try Replay.apply(event, view, to: &state)
                try projection.add(event, sequence: view.sequence, date: view.date, to: writer)
                try EvictedGroups.project(
                    event, sequence: view.sequence, state: state, seen: &seen, into: writer.evictedSums)
                if case .closePosted(let posted) = event, posted.mode != .reversal {
                    try writer.onHand(closeSequence: view.sequence, HistoryProjection.onHand(state))
                }
                if let progress, view.sequence % Replay.progressStride == 0 { progress(view.sequence, last) }
            }
        }
        progress?(last, last)
        return (last, projection.latestDay, state.evicted)
    }
}
