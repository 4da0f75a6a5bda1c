// Per-close summaries (issue 13, item 5): what the closes list, a close's page and a reversal's confirmation
// show, stored once per close and recalculation by the history projection, in the same transaction as the
// run's other history rows, and read by key: a page never sums a close's settlements (688,894 on the
// closed 1M-posting ledger) again. Like every history table, a projection of the log: `subledger rebuild`
// refills them and `replay --verify` compares them with a fresh projection.
//
// Sums are `Total`s (Int128 units, DR-17: a close has any number of entries), stored as the integer text
// of their units (cents, 1/10,000ths); the `_v` views show them as exact decimal text.

import SubledgerCore

enum CloseSummarySchema {
    static let tables = ["history_close_totals", "history_close_items", "history_close_accounts"]

    static let keys = [
        ("history_close_totals", "close_sequence"), ("history_close_items", "close_sequence, item"),
        ("history_close_accounts", "close_sequence, account, posting_type"),
    ]

    /// Migration 13: the tables and their views. An existing file's tables are filled by the next
    /// projection (`HistoryTables.project`: the closes without totals are summed from the close log once).
    static let migration = tableDefinitions(in: "main") + "\n" + views

    static func tableDefinitions(in schema: String) -> String {
        """
        CREATE TABLE IF NOT EXISTS \(schema).history_close_totals(
            close_sequence INTEGER PRIMARY KEY, entries INTEGER NOT NULL, settled INTEGER NOT NULL,
            settled_quantity TEXT NOT NULL, settled_amount TEXT NOT NULL, issue_adjustment TEXT NOT NULL,
            receipt_adjustment TEXT NOT NULL, log_lines INTEGER NOT NULL, unsettled INTEGER NOT NULL,
            zero_cost INTEGER NOT NULL, negative_on_hand INTEGER NOT NULL) STRICT;
        CREATE TABLE IF NOT EXISTS \(schema).history_close_items(
            close_sequence INTEGER NOT NULL, item TEXT NOT NULL, entries INTEGER NOT NULL,
            issue_adjustment TEXT NOT NULL, receipt_adjustment TEXT NOT NULL,
            PRIMARY KEY(close_sequence, item)) STRICT, WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS \(schema).history_close_accounts(
            close_sequence INTEGER NOT NULL, account TEXT NOT NULL, posting_type TEXT NOT NULL,
            amount TEXT NOT NULL, PRIMARY KEY(close_sequence, account, posting_type)) STRICT, WITHOUT ROWID;
        """
    }

    /// Integer text `column` of `scale` decimals as exact decimal text ('-5' cents is '-0.05').
    static func decimalText(_ column: String, scale: Int) -> String {
        let digits = "ltrim(\(column), '-')"
        let padded =
            "substr('\(String(repeating: "0", count: scale + 1))' || \(digits), -max(length(\(digits)), \(scale + 1)))"
        return
            "(CASE WHEN \(column) LIKE '-%' THEN '-' ELSE '' END || substr(\(padded), 1, length(\(padded)) - \(scale))"
            + " || '.' || substr(\(padded), -\(scale)))"
    }

    static let views = """
        CREATE VIEW IF NOT EXISTS close_totals_v AS
            SELECT t.close_sequence, \(HistorySchema.date("c.day")) AS day, c.mode, c.reversed_by, t.entries,
                   t.settled, \(decimalText("t.settled_quantity", scale: 4)) AS settled_quantity,
                   \(decimalText("t.settled_amount", scale: 2)) AS settled_amount,
                   \(decimalText("t.issue_adjustment", scale: 2)) AS issue_adjustment,
                   \(decimalText("t.receipt_adjustment", scale: 2)) AS receipt_adjustment,
                   t.log_lines, t.unsettled, t.zero_cost, t.negative_on_hand
            FROM history_close_totals t JOIN history_closes c USING (close_sequence) ORDER BY t.close_sequence;
        CREATE VIEW IF NOT EXISTS close_items_v AS
            SELECT close_sequence, item, entries, \(decimalText("issue_adjustment", scale: 2)) AS issue_adjustment,
                   \(decimalText("receipt_adjustment", scale: 2)) AS receipt_adjustment
            FROM history_close_items ORDER BY close_sequence, item;
        CREATE VIEW IF NOT EXISTS close_accounts_v AS
            SELECT close_sequence, account, posting_type, \(decimalText("amount", scale: 2)) AS amount
            FROM history_close_accounts ORDER BY close_sequence, account, posting_type;
        """
}

/// One close's (or recalculation's) summary: its totals, its adjustments by item, its GL lines by account.
public struct HistoryCloseSummary: Sendable, Equatable {
    public struct ItemSum: Sendable, Equatable {
        public var item: String
        /// Entries of every kind (an item with only consumptions is listed, at zero).
        public var entries: Int64
        public var issueAdjustment: Total<Money>
        public var receiptAdjustment: Total<Money>
    }

    public struct AccountSum: Sendable, Equatable {
        public var account: String
        public var postingType: String
        /// Debit +.
        public var amount: Total<Money>
    }

    public var closeSequence: Int64
    public var entries: Int64 = 0
    /// Entries of kind `settlement`, and their quantity and settled amount.
    public var settled: Int64 = 0
    public var settledQuantity = Total<Quantity>()
    public var settledAmount = Total<Money>()
    /// As `closes` adds them: settlements and adjustments of issues; receipt adjustments.
    public var issueAdjustment = Total<Money>()
    public var receiptAdjustment = Total<Money>()
    public var logLines: Int64 = 0
    /// Log lines by what they report (a marked issue waiting for its receipt is unsettled too).
    public var unsettled: Int64 = 0
    public var zeroCost: Int64 = 0
    public var negativeOnHand: Int64 = 0
    /// Sorted by item; by account and posting type.
    public var items: [ItemSum] = []
    public var accounts: [AccountSum] = []

    public init(closeSequence: Int64) { self.closeSequence = closeSequence }
}

/// The fold that sums a run from its events: a run's `settlement.posted` events (of its mode) come just
/// before its `close.posted`, in one command. The same fold serves the projection, the first fill of an
/// older file and a read-only file without the tables, so all three give the same rows.
public struct CloseSummaryFold {
    private struct Run {
        var summary = HistoryCloseSummary(closeSequence: 0)
        var items: [String: HistoryCloseSummary.ItemSum] = [:]
        var accounts: [String: [String: Total<Money>]] = [:]
    }
    /// The runs under way, by mode: a close's entries are those of its own mode (`CloseLogReading`).
    private var runs: [CloseMode: Run] = [:]

    public init() {}

    /// Adds an event; returns the run's summary at its `close.posted`.
    public mutating func add(_ event: LedgerEvent, sequence: Int64) -> HistoryCloseSummary? {
        switch event {
        case .settlementPosted(let posted) where posted.mode != .reversal:
            var run = runs[posted.mode] ?? Run()
            for entry in posted.entries { Self.count(entry, item: posted.item, into: &run) }
            Self.add(event.lines, to: &run)
            runs[posted.mode] = run
            return nil
        case .closePosted(let posted):
            var run = runs[posted.mode] ?? Run()
            runs = [:]
            Self.add(event.lines, to: &run)
            return Self.summary(run, posted, sequence: sequence)
        default:
            return nil
        }
    }

    private static func count(_ entry: SettlementEntry, item: String, into run: inout Run) {
        var sum =
            run.items[item]
            ?? HistoryCloseSummary.ItemSum(
                item: item, entries: 0, issueAdjustment: .zero, receiptAdjustment: .zero)
        sum.entries += 1
        run.summary.entries += 1
        switch entry.kind {
        case .settlement, .adjustment:
            if entry.kind == .settlement {
                run.summary.settled += 1
                run.summary.settledQuantity += entry.quantity
                run.summary.settledAmount += entry.settledAmount
            }
            run.summary.issueAdjustment += entry.adjustment
            sum.issueAdjustment += entry.adjustment
        case .receiptAdjustment:
            run.summary.receiptAdjustment += entry.adjustment
            sum.receiptAdjustment += entry.adjustment
        case .consumption:
            break
        }
        run.items[item] = sum
    }

    private static func add(_ lines: [VoucherLine], to run: inout Run) {
        for line in lines {
            run.accounts[line.account, default: [:]][line.postingType.rawValue, default: .zero] += line.amount
        }
    }

    private static func summary(_ run: Run, _ posted: ClosePosted, sequence: Int64) -> HistoryCloseSummary {
        var summary = run.summary
        summary.closeSequence = sequence
        summary.logLines = Int64(posted.log.count)
        for note in posted.log {
            switch note.kind {
            case .unsettled, .markedIssueWaiting: summary.unsettled += 1
            case .postedAtZeroCost: summary.zeroCost += 1
            case .negativeOnHand: summary.negativeOnHand += 1
            default: break
            }
        }
        summary.items = run.items.keys.sorted().map { run.items[$0]! }
        summary.accounts = run.accounts.keys.sorted().flatMap { account in
            run.accounts[account]!.keys.sorted().map {
                HistoryCloseSummary.AccountSum(account: account, postingType: $0, amount: run.accounts[account]![$0]!)
            }
        }
        return summary
    }
}
