import Foundation
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerCore
@testable import SubledgerStore

/// The per-close summary rows (history_close_totals, _items, _accounts) against what the close pages
/// computed before them, from the close log: `closes` for the totals and log, `closeWithSettlements` for
/// the adjustments by item and the settlements, the run's events for the GL lines by account. On the
/// reference model's seeded histories (closes, recalculations, reversals, reopened months).
struct CloseSummaryTests {
    /// The old close page's sums of one run, from its settlements and events.
    static func expected(
        _ ledger: Ledger, _ close: CloseRow
    ) throws -> (items: [CloseItemSum], accounts: [CloseAccountSum]) {
        let settlements = try ledger.closeWithSettlements(sequence: close.sequence).settlements
        var items: [String: CloseItemSum] = [:]
        for row in settlements {
            var sum =
                items[row.item]
                ?? CloseItemSum(item: row.item, entries: 0, issueAdjustment: .zero, receiptAdjustment: .zero)
            sum.entries += 1
            if row.adjustsIssue { sum.issueAdjustment += row.entry.adjustment }
            if row.entry.kind == .receiptAdjustment { sum.receiptAdjustment += row.entry.adjustment }
            items[row.item] = sum
        }
        let first = settlements.map(\.sequence).min() ?? close.sequence
        var accounts: [String: [String: Total<Money>]] = [:]
        for row in try ledger.events(after: first - 1, limit: Int(close.sequence - first + 1)) {
            for line in row.event.lines {
                accounts[line.account, default: [:]][line.postingType.rawValue, default: .zero] += line.amount
            }
        }
        let byAccount = accounts.keys.sorted().flatMap { account in
            accounts[account]!.keys.sorted().map {
                CloseAccountSum(account: account, postingType: $0, amount: accounts[account]![$0]!)
            }
        }
        return (items.keys.sorted().map { items[$0]! }, byAccount)
    }

    @Test(arguments: HistoryTablesTests.seeds)
    func summariesEqualTheCloseLogsSums(seed: UInt64) throws {
        let ledger = try HistoryTablesTests.ledger(seed: seed)
        let closes = try ledger.closes()
        #expect(!closes.isEmpty)
        #expect(try ledger.summariesAreCurrent())
        let summaries = try ledger.closeSummaries()
        #expect(summaries.map(\.sequence) == closes.map(\.sequence), "seed \(seed)")
        for (close, listed) in zip(closes, summaries) {
            let summary = try #require(try ledger.closeSummary(sequence: close.sequence))
            #expect(listed == summary.totalsOnly)
            #expect(summary.date == close.date && summary.mode == close.mode && summary.reversedBy == close.reversedBy)
            #expect(summary.entryCount == close.entryCount && summary.settledCount == close.settledCount)
            #expect(summary.issueAdjustment == close.issueAdjustment)
            #expect(summary.receiptAdjustment == close.receiptAdjustment)
            #expect(summary.log == close.log && summary.logLines == close.log.count)
            #expect(summary.unsettled == close.unsettled.count && summary.zeroCost == close.zeroCost.count)
            #expect(summary.negativeOnHand == close.negativeOnHand.count)
            let old = try Self.expected(ledger, close)
            #expect(summary.items.map(\.issueAdjustment).reduce(.zero, +) == close.issueAdjustment)
            if close.isInForce { #expect(summary.items == old.items, "seed \(seed) close \(close.sequence)") }
            #expect(summary.accounts == old.accounts, "seed \(seed) close \(close.sequence)")
            // The settlements, page by page by key, are the run's entries in log order.
            let settlements = try ledger.closeWithSettlements(sequence: close.sequence).settlements
            var paged: [SettlementRow] = []
            var after: Int64 = 0
            while true {
                let page = try ledger.closeSettlements(sequence: close.sequence, after: after, limit: 3)
                paged += page.rows.map(\.row)
                guard page.more, let last = page.rows.last else { break }
                after = last.entry
            }
            #expect(paged.count == close.entryCount)
            let key = { (row: SettlementRow) in [row.sequence, row.closeSequence ?? -1] }
            #expect(paged.map(key) == settlements.map(key) && paged.map(\.entry) == settlements.map(\.entry))
        }
        // The same fold over the close log (a file without the tables) gives the same rows.
        let folded = try CloseSummaryReading.fold(ledger.store)
        #expect(try folded == closes.map { try #require(try ledger.closeSummary(sequence: $0.sequence)) })
    }

    /// A file whose closes were projected before the tables existed (schema 12) gets them filled by the
    /// next projection after its migration; `subledger rebuild` refills them too.
    @Test func anOlderFileIsFilledOnItsNextProjectionAndByARebuild() throws {
        let database = TemporaryDatabase("closesum")
        let expected: [CloseSummary]
        do {
            let ledger = try HistoryTablesTests.ledger(seed: 3, path: database.path)
            expected = try ledger.closes().map { try #require(try ledger.closeSummary(sequence: $0.sequence)) }
            #expect(expected.count > 1)
            for table in CloseSummarySchema.tables { try ledger.store.connection.execute("DROP TABLE \(table)") }
            try ledger.store.connection.execute("PRAGMA user_version = 12")
        }
        let reopened = try Ledger(path: database.path)
        #expect(try reopened.store.hasCloseSummaryTables)
        #expect(try reopened.store.closesWithoutSummary() == Int64(expected.count))
        #expect(try reopened.closeSummaries() == expected.map(\.totalsOnly))
        #expect(try reopened.store.closesWithoutSummary() == 0)
        #expect(try reopened.verifyHistory().difference == nil)
        try reopened.store.connection.execute("DELETE FROM history_close_items")
        #expect(try reopened.verifyHistory().difference?.hasPrefix("history_close_items") == true)
        _ = try reopened.rebuildHistory()
        #expect(try expected.map { try reopened.closeSummary(sequence: $0.sequence) } == expected)
    }
}
