import SubledgerCore
internal import SubledgerStore

/// Read models of inventory closes and recalculations (valuation-rules.md section 4): the runs with their
/// logs, and the settlement entries each run recorded, read from the log's close events (`CloseLog`).

/// One settlement entry of a close or recalculation.
public struct SettlementRow: Sendable, Equatable {
    /// The closing date (the business date of the run).
    public var date: LedgerDate
    /// Sequence of the `settlement.posted` event that carries the entry.
    public var sequence: Int64
    /// Sequence of the `close.posted` event of the run the entry belongs to (nil for entries that belong to
    /// no close or recalculation, like the compensating entries of a reversal).
    public var closeSequence: Int64?
    public var mode: CloseMode
    /// The item of the transaction the entry changes.
    public var item: String
    public var entry: SettlementEntry

    /// `settlement`, `adjustment`, `consumption` or `receipt-adjustment` (the event's wire names).
    public var kindName: String { SettlementRow.kindName(entry.kind) }
    /// The issue (or, for consumption and receipt adjustments, the receipt) the entry changes.
    public var transaction: String { entry.transaction }
    /// The receipt the issue settled against or was valued from ("" when none).
    public var counterpart: String { entry.counterpart }

    public static func kindName(_ kind: SettlementEntry.Kind) -> String {
        switch kind {
        case .settlement: return "settlement"
        case .adjustment: return "adjustment"
        case .consumption: return "consumption"
        case .receiptAdjustment: return "receipt-adjustment"
        }
    }

    /// True when the entry changes an issue's cost (settlement or adjustment without settlement).
    public var adjustsIssue: Bool { entry.kind == .settlement || entry.kind == .adjustment }
}

/// One close or recalculation, with what it recorded.
public struct CloseRow: Sendable, Equatable {
    public var date: LedgerDate
    public var mode: CloseMode
    /// Sequence of its `close.posted` event: the id `settlements --close` takes.
    public var sequence: Int64
    /// What the run could not do: unsettled issues, issues posted at zero cost, negative on-hand, ...
    public var notes: [CloseNote]
    /// Settlement entries the run recorded (every kind).
    public var entryCount: Int
    /// Entries of kind `settlement` (an issue matched with a receipt).
    public var settledCount: Int
    /// Sum of the adjustments of issues (settlements and adjustments without settlement): the change of
    /// cost of goods issued. + means more cost. In Int128: a close has any number of entries (DR-17).
    public var issueAdjustment: Total<Money>
    /// Sum of the adjustments of receipts (a transfer's receipt leg following its issue leg, D15).
    public var receiptAdjustment: Total<Money>
    /// Sequence of the `close.reversed` event that reversed the run (D12); nil while it is in force.
    public var reversedBy: Int64? = nil

    /// False once the run has been reversed: its settlements and adjustments are compensated and, for a
    /// close, its period is open again.
    public var isInForce: Bool { reversedBy == nil }

    /// The notes as log lines.
    public var log: [String] { notes.map(\.message) }
    /// The log lines sorted by what they report: a marked issue waiting for its receipt is unsettled too.
    public var unsettled: [String] { lines { $0 == .unsettled || $0 == .markedIssueWaiting } }
    public var zeroCost: [String] { lines { $0 == .postedAtZeroCost } }
    public var negativeOnHand: [String] { lines { $0 == .negativeOnHand } }
    /// Log lines of no category above.
    public var otherLog: [String] { notes.filter { CloseRow.isOther($0.kind) }.map(\.message) }

    static func isOther(_ kind: CloseNote.Kind) -> Bool {
        ![.unsettled, .markedIssueWaiting, .postedAtZeroCost, .negativeOnHand].contains(kind)
    }

    private func lines(_ isIncluded: (CloseNote.Kind) -> Bool) -> [String] {
        notes.filter { isIncluded($0.kind) }.map(\.message)
    }
}

extension CloseRow {
    /// A run as its `close.posted` event records it, before its entries are counted.
    init(date: LedgerDate, sequence: Int64, _ posted: ClosePosted) {
        self.init(
            date: date, mode: posted.mode, sequence: sequence, notes: posted.log, entryCount: 0, settledCount: 0,
            issueAdjustment: .zero, receiptAdjustment: .zero)
    }

    /// Counts one of its entries into the totals.
    mutating func count(_ entry: SettlementEntry) {
        entryCount += 1
        switch entry.kind {
        case .settlement:
            settledCount += 1
            issueAdjustment += entry.adjustment
        case .adjustment:
            issueAdjustment += entry.adjustment
        case .receiptAdjustment:
            receiptAdjustment += entry.adjustment
        case .consumption:
            break
        }
    }
}

/// Which settlement entries a reading keeps: nil keeps none (`closes` needs only the counts).
struct SettlementFilter {
    var item: String?
    var transaction: String?
    var closeSequence: Int64?

    func admits(item posted: String, _ entry: SettlementEntry) -> Bool {
        if let item, posted != item { return false }
        if let transaction, entry.transaction != transaction && entry.counterpart != transaction { return false }
        return true
    }
}

/// The closes and settlement entries of a log, read from its close events alone (`EventStore.
/// forEachCloseLogEvent`), without folding the log. A run's entries are those of the `settlement.posted`
/// events of its own mode just before its `close.posted`; compensating entries belong to no run.
struct CloseLogReading {
    private(set) var closes: [CloseRow] = []
    private(set) var rows: [SettlementRow] = []
    private var pending: [CloseMode: CloseRow] = [:]
    /// Indices in `rows` of entries waiting for their run's `close.posted`.
    private var waiting: [Int] = []
    private let filter: SettlementFilter?
    /// Weighted average closing receipts a reversal removed from the ledger (and no later close made again).
    private var removedReceipts: Set<String> = []

    /// The close events from event `first` on (a run's entries and everything after them: its reversal).
    init(_ store: any QueryableEventLog, keeping filter: SettlementFilter?, from first: Int64 = 1) throws {
        self.filter = filter
        try store.forEachCloseLogEvent(from: first) { stored in try self.add(stored) }
        nameItems()
    }

    /// A row's item is the item of the transaction it changes or of its counterpart, as the ledger holds
    /// them now: an entry between two closing receipts a reversal removed names none (""), as it always
    /// did; `--item` then does not find it.
    private mutating func nameItems() {
        func exists(_ id: String) -> Bool {
            !id.isEmpty && !(SyntheticID.isClosingReceipt(id) && removedReceipts.contains(id))
        }
        for index in rows.indices where !exists(rows[index].transaction) && !exists(rows[index].counterpart) {
            rows[index].item = ""
        }
        if filter?.item != nil { rows.removeAll { $0.item.isEmpty } }
    }

    private mutating func add(_ stored: StoredEvent) throws {
        let date = stored.envelope.date
        switch try EventStore.decoded(stored) {
        case .settlementPosted(let posted):
            for receipt in posted.closingReceipts {
                if posted.mode == .reversal {
                    removedReceipts.insert(receipt.id)
                } else {
                    removedReceipts.remove(receipt.id)
                }
            }
            for entry in posted.entries {
                if posted.mode != .reversal { pending[posted.mode, default: CloseRow.empty].count(entry) }
                guard let filter, filter.admits(item: posted.item, entry) else { continue }
                if posted.mode == .reversal && filter.closeSequence != nil { continue }
                if posted.mode != .reversal { waiting.append(rows.count) }
                rows.append(
                    SettlementRow(
                        date: date, sequence: stored.sequence, closeSequence: nil, mode: posted.mode,
                        item: posted.item, entry: entry))
            }
        case .closePosted(let posted):
            var row = CloseRow(date: date, sequence: stored.sequence, posted)
            if let counted = pending[posted.mode] {
                (row.entryCount, row.settledCount) = (counted.entryCount, counted.settledCount)
                (row.issueAdjustment, row.receiptAdjustment) = (counted.issueAdjustment, counted.receiptAdjustment)
            }
            closes.append(row)
            own(posted.mode, stored.sequence)
        case .closeReversed(let reversed):
            if let index = closes.lastIndex(where: { $0.sequence == reversed.closeSequence }) {
                closes[index].reversedBy = stored.sequence
            }
        default:
            break
        }
    }

    /// Gives the waiting entries of `mode` to the run at `sequence`; entries of another mode belong to none.
    private mutating func own(_ mode: CloseMode, _ sequence: Int64) {
        pending = [:]
        let kept = filter?.closeSequence.map { $0 == sequence } ?? true
        var dropped: Set<Int> = []
        for index in waiting {
            if rows[index].mode == mode && kept {
                rows[index].closeSequence = sequence
            } else if filter?.closeSequence != nil {
                dropped.insert(index)
            }
        }
        waiting = []
        if !dropped.isEmpty {
            rows = rows.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
        }
    }

    /// The latest date locked by a close in force.
    var closedThrough: LedgerDate? { closes.last(where: { $0.mode == .close && $0.isInForce })?.date }
}

extension CloseRow {
    static let empty = CloseRow(
        date: .distantFuture, mode: .close, sequence: 0, notes: [], entryCount: 0, settledCount: 0,
        issueAdjustment: .zero, receiptAdjustment: .zero)
}

extension Ledger {
    /// Closes and recalculations in log order, reversed ones included (`reversedBy` says by which event),
    /// read from the log.
    public func closes() throws -> [CloseRow] {
        try LedgerError.sealing { try CloseLogReading(log, keeping: nil).closes }
    }

    /// The close or recalculation whose `close.posted` event has this sequence.
    public func closeRow(sequence: Int64) throws -> CloseRow? {
        try closes().first { $0.sequence == sequence }
    }

    /// The run whose `close.posted` event has this sequence and its settlement entries, in one read.
    /// Reads from the run's first settlement event on when the projection knows the run (one close's
    /// events, not every close's).
    public func closeWithSettlements(sequence: Int64) throws -> (close: CloseRow?, settlements: [SettlementRow]) {
        let filter = SettlementFilter(closeSequence: sequence)
        let first = state.closes.last { $0.sequence == sequence }?.firstSequence ?? 1
        let reading = try LedgerError.sealing { try CloseLogReading(log, keeping: filter, from: first) }
        return (reading.closes.first { $0.sequence == sequence }, reading.rows)
    }

    /// The runs reversed by events in `range` (one reverse-close command), newest first, and the
    /// compensating entries of that range, in one read.
    public func reversals(in range: ClosedRange<Int64>) throws -> (reversed: [CloseRow], settlements: [SettlementRow]) {
        let reading = try LedgerError.sealing { try CloseLogReading(log, keeping: SettlementFilter()) }
        let reversed = reading.closes.filter { $0.reversedBy.map(range.contains) ?? false }
            .sorted { $0.reversedBy! < $1.reversedBy! }
        return (reversed, reading.rows.filter { $0.mode == .reversal && range.contains($0.sequence) })
    }

    /// Settlement entries in log order, optionally only those of one item, those that name a transaction
    /// (as the transaction changed or as its counterpart), and those of one run (by the sequence of its
    /// `close.posted` event); read from the log.
    public func settlements(
        item: String? = nil, transaction: String? = nil, closeSequence: Int64? = nil
    ) throws -> [SettlementRow] {
        let filter = SettlementFilter(item: item, transaction: transaction, closeSequence: closeSequence)
        return try LedgerError.sealing { try CloseLogReading(log, keeping: filter).rows }
    }
}

extension LedgerLog {
    /// `Ledger.closes()` without building the projection, and the date the period is locked through.
    public func closes() throws -> (closes: [CloseRow], closedThrough: LedgerDate?) {
        let reading = try LedgerError.sealing { try CloseLogReading(log, keeping: nil) }
        return (reading.closes, reading.closedThrough)
    }

    /// `Ledger.settlements(...)` without building the projection, with the runs (to check `--close`).
    public func settlements(
        item: String? = nil, transaction: String? = nil, closeSequence: Int64? = nil
    ) throws -> (rows: [SettlementRow], closes: [CloseRow]) {
        let filter = SettlementFilter(item: item, transaction: transaction, closeSequence: closeSequence)
        let reading = try LedgerError.sealing { try CloseLogReading(log, keeping: filter) }
        return (reading.rows, reading.closes)
    }

    /// Settlement entries of every mode in the events 1...`last`, skipping those of `skipped` events and,
    /// with `asOf`, those dated after it (`replay`'s count).
    public func settlementEntryCount(through last: Int64, asOf date: LedgerDate?, skipped: Set<Int64>) throws -> Int {
        var count = 0
        try LedgerError.sealing {
            try log.forEachCloseLogEvent { stored in
                guard stored.sequence <= last, !skipped.contains(stored.sequence),
                    date.map({ stored.envelope.date <= $0 }) ?? true,
                    case .settlementPosted(let posted) = try EventStore.decoded(stored)
                else { return }
                count += posted.entries.count
            }
        }
        return count
    }
}
