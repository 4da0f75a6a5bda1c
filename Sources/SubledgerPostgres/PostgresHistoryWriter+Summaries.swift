// A run's close summary on PostgreSQL (SQLite's EventStore+CloseSummaries.swift): its totals, items and
// accounts, each replacing an earlier row of the same close as SQLite's INSERT OR REPLACE does. The Int128
// sums go as the integer text of their units, as on SQLite.

import PostgresNIO
import SubledgerCore
import SubledgerStore

extension PostgresHistoryWriter {
    func closeSummary(_ summary: HistoryCloseSummary) throws(StoreError) {
        let close = summary.closeSequence
        let totals: PostgresQuery = """
            INSERT INTO \(unescaped: prefix)history_close_totals VALUES (\(close), \(summary.entries),
            \(summary.settled), \(String(summary.settledQuantity.units)), \(String(summary.settledAmount.units)),
            \(String(summary.issueAdjustment.units)), \(String(summary.receiptAdjustment.units)),
            \(summary.logLines), \(summary.unsettled), \(summary.zeroCost), \(summary.negativeOnHand))
            \(unescaped: Self.replacing(
                key: "close_sequence",
                columns: [
                    "entries", "settled", "settled_quantity", "settled_amount", "issue_adjustment",
                    "receipt_adjustment", "log_lines", "unsettled", "zero_cost", "negative_on_hand",
                ]))
            """
        try queue(totals)
        var items = Rows(
            head: "INSERT INTO \(prefix)history_close_items VALUES ",
            tail: Self.replacing(
                key: "close_sequence, item", columns: ["entries", "issue_adjustment", "receipt_adjustment"]),
            columns: 5)
        for item in summary.items {
            items.bindings.append(close)
            items.bindings.append(item.item)
            items.bindings.append(item.entries)
            items.bindings.append(String(item.issueAdjustment.units))
            items.bindings.append(String(item.receiptAdjustment.units))
            items.count += 1
            if items.count == Self.rowsPerStatement { try queue(items.take()) }
        }
        try queue(items.take())
        var accounts = Rows(
            head: "INSERT INTO \(prefix)history_close_accounts VALUES ",
            tail: Self.replacing(key: "close_sequence, account, posting_type", columns: ["amount"]), columns: 4)
        for account in summary.accounts {
            accounts.bindings.append(close)
            accounts.bindings.append(account.account)
            accounts.bindings.append(account.postingType)
            accounts.bindings.append(String(account.amount.units))
            accounts.count += 1
            if accounts.count == Self.rowsPerStatement { try queue(accounts.take()) }
        }
        try queue(accounts.take())
    }
}
