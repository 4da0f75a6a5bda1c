// Subledger: an event-sourced inventory subledger for the general ledger.
//
// The problem: a company must value its stock, move cost to COGS as goods leave, and keep the GL's inventory
// balance equal to the value on hand, with month-end closes that settle issues against receipts by each
// item's valuation model (Dynamics AX / 365 semantics).
// The method: every update is an immutable event in an append-only SQLite log. `LedgerState.decide` turns a
// command into events (pure), the store appends them atomically with a hash chain, and `LedgerState.apply`
// folds them into the projection. Every figure a user sees is a fold of the log.

import SubledgerCore
package import SubledgerStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a command did. A re-sent command (same id, same content) reports the first run's result with
/// `duplicate` set.
public struct CommandResult: Sendable, Equatable {
    public var commandID: String
    public var firstSequence: Int64
    public var lastSequence: Int64
    public var eventCount: Int
    public var duplicate: Bool
    public var summary: String
    /// SHA-256 (hex) of the content recorded with the command; nil for a command recorded before the log
    /// kept content hashes, whose content a re-send could not be compared with.
    public var contentHash: String?
    /// For a close that appended its events, the period snapshot it stored or why it could not; nil for
    /// any other command and for a re-sent close.
    public var periodSnapshot: PeriodSnapshot? = nil
    /// The name of the token whose request appended the command (for a re-sent one, the first request's);
    /// nil for the local CLI (DR-25).
    public var actor: String? = nil
}

/// The snapshot a close stores of the period state (a cache: the close stands either way).
public enum PeriodSnapshot: Sendable, Equatable {
    case stored(SnapshotInfo)
    /// The snapshot could not be stored; the message says why.
    case failed(String)
}

/// The library users embed: opens a store, replays it, runs commands and answers queries.
public final class Ledger {
    /// The event log: the SQLite file's, or another database's (PostgreSQL, issue 14, DR-38).
    package let log: any QueryableEventLog
    /// The SQLite file, for what only it holds besides the log (its history tables' reads, tokens' file
    /// paths); nil for a ledger in another database.
    package let sqlite: EventStore?
    /// Where the transactions closes moved out are kept (the file, or the log's database when it has the
    /// tables, DR-50); nil for a log that keeps none, whose state then holds every transaction.
    let history: (any TransactionHistory)?
    /// Where the period snapshots are (the SQLite file, or the PostgreSQL database's table, DR-40); nil for
    /// a log opened without them, which then replays its whole log.
    package let snapshotStore: (any SnapshotStore)?
    public internal(set) var state = LedgerState()
    let clock: () -> Int64
    let makeCommandID: () -> String
    /// How many period snapshots a close keeps (the newest ones); older ones are pruned by the close.
    public var keepSnapshots = 3
    /// Reads history records one id at a time (DR-22), through one prepared statement.
    lazy var historyLookup: (any HistoryTransactionLookup)? = history?.historyTransactionLookup()
    /// The filter of the closed ids asked before `historyLookup` (DR-52, Ledger+ClosedIDs.swift).
    var closedIDs = ClosedIDs.notLoaded(lookups: 0)
    /// Ids looked up directly before that filter is read (tests set 0 to take the filter at once).
    var closedIDLookupsBeforeLoading = 1_024
    /// The writer thread of the batch being appended, when it has one (Ledger+AppendPipeline.swift, DR-55).
    var appendPipeline: AppendPipeline?
    /// Batches expecting fewer transactions append inline: a thread costs more than a few thousand inserts.
    /// Tests set 0 to pipeline every batch.
    var pipelinedAppendMinimum = 4_096
    /// Batches of events this ledger's pipelines handed to their writers (tests: the pipeline ran).
    var pipelinedBatches = 0
    /// Finds the token of a bearer secret through statements prepared once (Tokens/Ledger+Tokens.swift), in
    /// whichever store the log keeps its tokens (the file, PostgreSQL).
    lazy var tokenLookup = (log as? any TokenStore)?.tokenReads()
    /// Set when a reversal being decided rebuilt the state as if its closes were reversed: unless the
    /// reversal commits, that state is not the log's and is rebuilt.
    var needsRebuildUnlessCommitted = false
    /// Group transactions rolled back and decided again (Ledger+Group.swift): a request refused part-way,
    /// a close reversal in the tail caught up under the lock. Another writer's append is not among the
    /// causes: a group catches up under the lock (DR-46).
    public internal(set) var groupRetries = 0
    /// The phases of the group transactions so far, summed (GroupPhases.swift, DR-51).
    public internal(set) var groupPhases = GroupPhases()
    /// False for a reading copy on a database (it never writes): its queries read the history tables when
    /// the owner has brought them up to date, and the log otherwise, but never project (DR-56).
    var projectsHistory = true
    /// The ledger's last sequence when its fill of a database's as-of day sums last failed: its queries
    /// then replay without folding again until the ledger sees another event (DR-56, revised).
    var asOfDayFillFailedAt: Int64?
    /// The shortest tail whose as-of day sums are folded beside the projection (DR-67); tests lower it.
    var asOfAheadMinimum = AsOfDayAhead.minimumEvents
    /// How many fills took the fold started beside the projection (for the tests).
    var asOfAheadFolds = 0

    /// Opens the ledger at `path` (":memory:" for a throwaway one; `access` says whether it may be
    /// created, or must be opened read-only) and builds the projection: from the newest usable period
    /// snapshot plus the log's tail when there is one (a snapshot is only a cache, checked against its
    /// checksum and the log's chain hash; one that fails is skipped and listed in `snapshotWarnings`), else by
    /// replaying the whole log.
    public init(
        path: String, access: LedgerAccess = .create,
        clock: @escaping () -> Int64 = Ledger.systemMilliseconds,
        makeCommandID: @escaping () -> String = Ledger.randomCommandID,
        useSnapshots: Bool = true, progress: ((Int64, Int64) -> Void)? = nil
    ) throws {
        let store = try LedgerError.sealing { try EventStore(path: path, access: access.storeAccess) }
        log = store
        sqlite = store
        history = store
        snapshotStore = store
        self.clock = clock
        self.makeCommandID = makeCommandID
        if useSnapshots, try !storeCall({ () throws(StoreError) in try store.snapshots() }).isEmpty {
            try loadFromSnapshot()
        }
        if state.lastSequence == 0 { try prepareHistoryBackfill() }
        try catchUp(progress: progress)
        try finishHistoryBackfill()
    }

    /// Opens the ledger whose log is `log` (a PostgreSQL database) with its period `snapshots` (DR-40). When
    /// the database keeps the history of transactions (DR-50) its closes evict as a file's do (and an empty
    /// history is filled from the opening replay, as on the file); a log without it keeps every transaction
    /// in memory. It starts from the newest usable snapshot plus the log's tail, else (or without
    /// `snapshots`) replays.
    package init(
        log: any QueryableEventLog, snapshots: (any SnapshotStore)? = nil,
        clock: @escaping () -> Int64 = Ledger.systemMilliseconds,
        makeCommandID: @escaping () -> String = Ledger.randomCommandID, useSnapshots: Bool = true,
        progress: ((Int64, Int64) -> Void)? = nil
    ) throws {
        self.log = log
        sqlite = nil
        history = HistoryOfTransactions.store(log: log, file: nil)
        snapshotStore = snapshots
        self.clock = clock
        self.makeCommandID = makeCommandID
        state.evicts = history != nil
        if useSnapshots, let snapshots, try !storeCall({ () throws(StoreError) in try snapshots.snapshots() }).isEmpty {
            try loadFromSnapshot()
        }
        if state.lastSequence == 0 { try prepareHistoryBackfill() }
        try catchUp(progress: progress)
        try finishHistoryBackfill()
    }

    /// The SQLite file, for the features only it has; on another database a `not-on-postgresql` refusal.
    package var store: EventStore {
        get throws(LedgerError) {
            guard let sqlite else { throw LedgerError.notOnPostgreSQL(LedgerError.sqliteOnlyMessage) }
            return sqlite
        }
    }

    /// A read-only ledger holding `state` (a copy of another's projection of the file at `path`) on a
    /// connection of its own: a long report runs on it off the owner's thread while the owner goes on
    /// (ReadingCopy.swift). It catches up with the file as any ledger does; it never writes.
    init(readingFile path: String, state: LedgerState) throws {
        let store = try LedgerError.sealing {
            try EventStore(path: path, access: LedgerAccess.readOnly.storeAccess)
        }
        log = store
        sqlite = store
        history = store
        snapshotStore = store
        clock = Ledger.systemMilliseconds
        makeCommandID = Ledger.randomCommandID
        self.state = state
    }

    /// A ledger holding `state` on `log`, a connection of its own to the ledger's database (PostgreSQL):
    /// as `init(readingFile:state:)`, for a ledger without a file. It never writes.
    init(readingLog log: any QueryableEventLog, state: LedgerState) {
        self.log = log
        sqlite = nil
        history = HistoryOfTransactions.store(log: log, file: nil)
        snapshotStore = nil  // a copy reads; snapshots are the owner's to store
        clock = Ledger.systemMilliseconds
        makeCommandID = Ledger.randomCommandID
        self.state = state
        projectsHistory = false
    }

    /// Snapshots skipped while opening (damaged, untrusted or stale), one line each, for the caller to show.
    public internal(set) var snapshotWarnings: [String] = []

    /// Applies events appended since the state was built (by this or another process).
    public func catchUp(progress: ((Int64, Int64) -> Void)? = nil) throws {
        let target = try LedgerError.sealing { try log.checkedLastSequence() }
        guard target > state.lastSequence else { return }
        let start = state.lastSequence
        // Rule R (DR-22): a close this state folded and evicted for, reversed since by another writer,
        // needs the state rebuilt; a close of the tail reversed in the tail must not evict.
        let reversed = try CloseReversals.read(log, after: start).closes(through: target)
        let evictedFor = Set(self.state.closes.lazy.filter { $0.mode == .close }.map(\.sequence))
        if reversed.contains(where: { evictedFor.contains($0) && !self.state.reversedCloses.contains($0) }) {
            return try rebuild()
        }
        self.state.reversedCloses.formUnion(reversed)
        // Moved out, not copied (catching up a large state after another writer's command must stay
        // cheap). On a read failure the state keeps the events applied so far, a valid prefix of the log;
        // an event that contradicts the state fails part-way through, so then the state is dropped (and
        // the next catch-up replays from the start and fails again, never skipping that event).
        var state = self.state
        let closesBefore = state.closes.count
        self.state = LedgerState()
        state.reserveCapacity(transactions: Int(target - start))
        // A table of names pays on a long catch-up (a replay); a command's few events need none.
        let strings = target - start >= 8_192 ? StringTable() : nil
        do {
            try LedgerError.sealing {
                try log.scanThrough(after: start, target) { view in
                    try Replay.apply(view, to: &state, strings: strings)
                    if let progress, view.sequence % 65_536 == 0 { progress(view.sequence - start, target - start) }
                }
            }
        } catch LedgerError.projection(let error) {
            throw LedgerError.projection(error)
        } catch {
            self.state = state
            throw error
        }
        // Another writer's close moved transactions the loaded filter of closed ids may not hold (DR-52).
        if state.closes.count != closesBefore { closedIDs = .notLoaded(lookups: 0) }
        self.state = state
    }

    /// Runs one command: decide against the current state, append atomically, apply. `actor` (the name of
    /// the API token whose request this is; nil for the local CLI) is recorded with the command (DR-25).
    @discardableResult
    public func execute(
        _ command: LedgerCommand, commandID: String? = nil, actor: String? = nil
    ) throws -> CommandResult {
        var result = try executeBatch(commandID: commandID, kind: Ledger.kindName(command), actor: actor) { submit in
            try submit(command)
        }
        // Every close stores a snapshot of the period state. It is a cache: the close is committed whatever
        // happens here, and a failure is returned with the result for the caller to report.
        if case .close(let date) = command, !result.duplicate {
            do {
                result.periodSnapshot = .stored(try takeSnapshot(businessDate: date))
                try pruneSnapshots(keeping: keepSnapshots)
            } catch {
                result.periodSnapshot = .failed("\(error)")
            }
        }
        if case .reverseClose = command, !result.duplicate { try? deleteSupersededSnapshots() }
        recordHistory(after: command, result)
        return result
    }

    /// Runs many commands as ONE command: all their events in one transaction, or none. `produce` calls
    /// `submit` for each command in order; a rejection (or any error) thrown by either rolls everything
    /// back and leaves the state as it was. Concurrent writers: if another process appended since this
    /// state was built, the ledger catches up and decides again. An id recorded before returns its first
    /// result when the commands have the same content, and is refused with `command-id-conflict` otherwise.
    /// `actor` is recorded with the command, as `execute` records it.
    @discardableResult
    public func executeBatch(
        commandID: String? = nil, kind: String, actor: String? = nil, expectedTransactions: Int = 0,
        _ produce: (_ submit: (LedgerCommand) throws -> Void) throws -> Void
    ) throws
        -> CommandResult
    {
        try executeBatch(
            commandID: commandID, kind: kind, actor: actor, expectedTransactions: expectedTransactions,
            contentHashedApart: nil, produce)
    }

    /// `executeBatch`, for a `produce` that hashes the content of the commands it submits itself (the
    /// import, on its reading thread): `contentHashedApart` gives that hasher once `produce` returned.
    func executeBatch(
        commandID: String?, kind: String, actor: String?, expectedTransactions: Int,
        contentHashedApart: (() -> CommandContentHasher)?,
        _ produce: (_ submit: (LedgerCommand) throws -> Void) throws -> Void
    ) throws -> CommandResult {
        let id = commandID ?? makeCommandID()
        try Ledger.checkActor(actor)
        try catchUp()
        // An id seen before answers without deciding anything (command rows never change once written).
        if let existing = try LedgerError.sealing({ try log.command(id: id) }) {
            var content = try CommandContentHasher.hashing(produce)
            return try resent(existing, kind: kind, content: &content)
        }
        while true {
            try catchUp()
            // The state is moved out, not copied: a close over a million transactions must not double the
            // memory. If the command fails after the state was touched, it is rebuilt from the log, which
            // the store rolled back to exactly what it was before.
            var working = state
            state = LedgerState()
            working.reserveCapacity(transactions: expectedTransactions)
            var touched = false
            var content = CommandContentHasher()
            var decided = false
            var events: [(event: LedgerEvent, date: LedgerDate)] = []  // reused by every command (DR-64)
            let outcome: AppendOutcome
            do {
                // The content is hashed as the commands are decided; an id another writer recorded meanwhile
                // is compared inside the append's transaction, from the commands alone.
                outcome = try log.appendCommand(
                    commandID: id, kind: kind, expectedLastSequence: working.lastSequence,
                    recordedAt: clock(), actor: actor,
                    contentHash: {
                        if !decided { content = try CommandContentHasher.hashing(produce) }
                        if decided, let contentHashedApart { content = contentHashedApart() }
                        return content.finalize()
                    }
                ) { batch in
                    decided = true
                    try withAppendSink(&batch, expectedTransactions: expectedTransactions) { sink in
                        try produce { command in
                            if contentHashedApart == nil { content.add(command) }
                            try decideAndAppend(command, on: &working, buffer: &events, to: &sink, touched: &touched)
                        }
                    }
                    return "{\"events\":\(batch.count)}"
                }
            } catch {
                if touched || needsRebuildUnlessCommitted { try rebuild() } else { state = working }
                if let storeError = error as? StoreError { throw LedgerError(storeError) }
                throw error
            }
            state = working
            state.keepsEvicted = false
            needsRebuildUnlessCommitted = false
            switch outcome {
            case .appended(let record):
                return CommandResult(record, duplicate: false)
            case .duplicate(let record):
                try catchUp()
                return CommandResult(record, duplicate: true)
            case .idConflict(let record, let hash):
                throw Ledger.conflict(record, kind: kind, summary: content.summary, hash: hash)
            case .conflict:
                continue  // another writer appended first: catch up and decide again
            }
        }
    }

    /// Inside an append body: appends one decided event, folds it into `state` and stores what it moved
    /// to history, all in the command's SQLite transaction (an error rolls the whole command back).
    @discardableResult
    func append(
        _ event: LedgerEvent, date: LedgerDate, to batch: inout any EventSink, applyingTo state: inout LedgerState,
        hint: FoldHint? = nil
    ) throws -> EventEnvelope {
        let envelope = EventCatalog.envelope(event, date: date)
        try batch.append(envelope)
        try fold(event, date: date, sequence: batch.lastSequence, into: &state, hint: hint)
        return envelope
    }

    /// `append(_:date:to:applyingTo:)` for a caller that does not keep the envelope: it is moved into the
    /// sink (a pipeline's queue), so this thread neither retains nor releases its payload, which is encoded
    /// into a payload the pipeline's writer has written (DR-69).
    func appendUnkept(
        _ event: LedgerEvent, date: LedgerDate, to batch: inout any EventSink, applyingTo state: inout LedgerState,
        hint: FoldHint? = nil
    ) throws {
        let buffer = appendPipeline?.recycledPayload() ?? []
        try batch.append(EventCatalog.envelope(event, date: date, reusing: buffer))
        try fold(event, date: date, sequence: batch.lastSequence, into: &state, hint: hint)
    }

    /// Folds an appended event into `state` and stores what it moved to history; `hint` is the place
    /// decide found the event's pool at (DR-68).
    private func fold(
        _ event: LedgerEvent, date: LedgerDate, sequence: Int64, into state: inout LedgerState, hint: FoldHint?
    ) throws {
        state.keepsEvicted = true
        do throws(ProjectionError) {
            try state.apply(event, date: date, sequence: sequence, hint: hint)
        } catch {
            throw LedgerError.projection(error)
        }
        try recordHistory(of: event, &state, sequence: sequence)
    }

    func storeCall<T>(_ body: () throws(StoreError) -> T) throws -> T {
        do throws(StoreError) { return try body() } catch { throw LedgerError(error) }
    }

    static func kindName(_ command: LedgerCommand) -> String { CommandName(command).rawValue }

    public static func systemMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    public static func randomCommandID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64, low = generator.next() as UInt64
        return "cmd-" + String(high, radix: 16) + String(low, radix: 16)
    }
}
