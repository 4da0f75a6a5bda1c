// The reconciliation and item pages read no history record beyond their own: with every other history
// row damaged (its checksum off, so reading it is an error, DR-18), they still render the figures they
// showed before. A page that summed every history record, as the reconciliation did before DR-31, fails.

import HummingbirdTesting
import Subledger
import SubledgerTestSupport
import Testing

@Suite struct ConsoleHistoryReadTests {
    /// Damages every history record, or every one of another item than `item`.
    static func damageHistory(_ fixture: ConsoleFixture, except item: String? = nil) async throws -> Int {
        try await fixture.read { ledger in
            let filter = item.map { " WHERE item <> '\($0)'" } ?? ""
            _ = try ledger.store.textRows("UPDATE history_transactions SET checksum = checksum + 1\(filter)")
            return Int(try ledger.store.textRows("SELECT count(*) FROM history_transactions\(filter)")[0][0] ?? "0")!
        }
    }

    @Test func theReconciliationReadsNoHistoryRecord() async throws {
        let fixture = try ConsoleFixture()
        let expected = try await fixture.read { ledger in
            try ledger.reconcile(asOf: ledger.state.latestBusinessDate).accounts.map(\.subledger.description)
        }
        #expect(try await Self.damageHistory(fixture) > 0, "the demo's close moved transactions to history")
        try await fixture.test { client in
            let cookie = try #require(try await client.login(fixture.secrets["auditor"]!))
            let response = try await client.page("/reconciliation", cookie: cookie)
            #expect(response.status == .ok)
            let shown = PageText.column(response.text, table: "accounts", column: "Subledger")
            #expect(Array(shown.dropLast()) == expected, "the accounts' subledger figures, then the total")
            #expect(response.text.contains("The subledger agrees with the GL."))
        }
    }

    /// A weighted average item's page lists the settlements naming its transactions (against each close's
    /// closing receipt) as the log has them, read by key: no other item's history record is read.
    @Test func aWeightedAverageItemPageListsItsSettlementsByKey() async throws {
        let fixture = try ConsoleFixture()
        let id = "OIL-5L"
        let expected = try await fixture.read { ledger in
            #expect(ledger.state.items[id]?.model == .weightedAverage)
            let page = try ledger.transactionPage(item: id, after: nil, limit: 50)
            var keys = Set<String>()
            for row in page.rows {
                for settlement in try ledger.settlements(transaction: row.record.id) {
                    keys.insert("\(settlement.sequence)|\(settlement.entry.transaction)|\(settlement.entry.quantity)")
                }
            }
            return keys
        }
        #expect(!expected.isEmpty)
        #expect(try await Self.damageHistory(fixture, except: id) > 0)
        try await fixture.test { client in
            let cookie = try #require(try await client.login(fixture.secrets["auditor"]!))
            let response = try await client.page("/item?id=\(id)", cookie: cookie)
            #expect(response.status == .ok)
            let html = response.text
            let sequences = PageText.column(html, table: "settlements", column: "Sequence")
            let transactions = PageText.texts(html, table: "settlements", column: "Transaction")
            let quantities = PageText.column(html, table: "settlements", column: "Quantity")
            let shown = sequences.indices.map { "\(sequences[$0])|\(transactions[$0])|\(quantities[$0])" }
            #expect(Set(shown) == expected)
            #expect(shown.count == expected.count)
        }
    }
}
