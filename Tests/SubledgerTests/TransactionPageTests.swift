import Foundation
import SubledgerCore
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerStore

/// A page of `transactions` (`GET /v1/transactions`) is read by key: the history rows from the cursor's
/// sequence on, merged with the open transactions. Paging through with any page size gives the listing
/// `transactions` prints, in its order (sequence, a transfer's issue leg before its receipt leg, id) for
/// history rows too, and a page reads only its own rows.
struct TransactionPageTests {
    /// January (closed: settled receipts, issues and both legs of settled transfers move to history) and
    /// February (open), two items, transfers in both.
    static func ledger(_ name: String) throws -> Ledger {
        let ledger = try Ledger(path: TemporaryDatabase(name).path)
        for (command, text) in [
            ("item", "item=F model=fifo"),
            ("item", "item=G model=lifo"),
            ("receive", "date=2026-01-02 item=F tx=P1 qty=10 cost=12.50 site=S1"),
            ("receive", "date=2026-01-02 item=G tx=GP1 qty=4 cost=3.00"),
            ("transfer", "date=2026-01-03 item=F tx=T1 qty=4 from=site:S1 to=site:S2"),
            ("issue", "date=2026-01-04 item=F tx=S1 qty=4 site=S2"),
            ("transfer", "date=2026-01-05 item=F tx=A2 qty=6 from=site:S1 to=site:S2"),
            ("issue", "date=2026-01-06 item=F tx=S2 qty=6 site=S2"),
            ("issue", "date=2026-01-06 item=G tx=GS1 qty=4"),
            ("close", "date=2026-01-31"),
            ("receive", "date=2026-02-02 item=F tx=P2 qty=5 cost=13.00 site=S1"),
            ("transfer", "date=2026-02-03 item=F tx=T3 qty=2 from=site:S1 to=site:S2"),
            ("receive", "date=2026-02-03 item=G tx=GP2 qty=1 cost=3.50"),
            ("issue", "date=2026-02-04 item=F tx=S3 qty=1 site=S2"),
        ] {
            try ledger.execute(try Posting.command(command, text))
        }
        return ledger
    }

    /// Every page of `limit` rows after the previous page's cursor, concatenated.
    static func paged(
        _ ledger: Ledger, item: String?, from: LedgerDate?, to: LedgerDate?, limit: Int
    ) throws -> [TransactionRow] {
        var rows: [TransactionRow] = []
        var cursor: TransactionCursor?
        for _ in 0..<100 {
            let page = try ledger.transactionPage(item: item, from: from, to: to, after: cursor, limit: limit)
            #expect(page.rows.count <= limit)
            rows += page.rows
            guard let next = page.next else { return rows }
            #expect(page.rows.count == limit, "a page before the last is full")
            cursor = TransactionCursor(token: next.token)
        }
        Issue.record("more than 100 pages")
        return rows
    }

    @Test func pagesConcatenateToTheListingInItsOrder() throws {
        let ledger = try Self.ledger("transaction-page")
        let history = Set(try ledger.historyTransactions().map(\.id))
        // Both legs of a transfer in history share a sequence: the page's order must come from the record.
        #expect(history.isSuperset(of: ["T1", SyntheticID.transferReceipt("T1"), "A2", "P1", "S1"]), "\(history)")
        #expect(ledger.state.transactions["T3"] != nil)
        let january3 = LedgerDate("2026-01-03")!, february3 = LedgerDate("2026-02-03")!
        for (item, from, to) in [(nil, nil, nil), ("F", nil, nil), (nil, january3, february3), ("G", nil, january3)] {
            let listing = try ledger.transactions(item: item).filter { row in
                (from.map { row.record.date >= $0 } ?? true) && (to.map { row.record.date <= $0 } ?? true)
            }
            #expect(!listing.isEmpty)
            for limit in [1, 2, 3, 5, 1_000] {
                let rows = try Self.paged(ledger, item: item, from: from, to: to, limit: limit)
                #expect(rows.map(\.record.id) == listing.map(\.record.id), "\(item ?? "all") \(limit)")
                #expect(rows == listing, "\(item ?? "all"), limit \(limit)")
            }
        }
    }

    /// The first page does not read the history rows after it: a damaged record at the end of the history
    /// fails the whole listing (DR-18), not the first page (which read every record before).
    @Test func aPageReadsOnlyItsRows() throws {
        let ledger = try Self.ledger("transaction-page-keyed")
        try ledger.store.connection.execute(
            """
            UPDATE history_transactions
            SET checksum = checksum + 1
            WHERE tx = (SELECT tx FROM history_transactions ORDER BY sequence DESC LIMIT 1)
            """)
        #expect(throws: LedgerError.self) { try ledger.transactions() }
        let page = try ledger.transactionPage(after: nil, limit: 1)
        #expect(page.rows.map(\.record.id) == ["P1"])
        #expect(page.next != nil)
    }
}
