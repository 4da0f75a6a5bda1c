// An item page charts the running average unit cost of its page's transactions and lists the settlements naming
// them, both from the page's own rows (by key), never from the item's whole history.

import HummingbirdTesting
import Subledger
import SubledgerTestSupport
import Testing

@Suite struct ConsoleItemPageTests {
    @Test func theChartEndsAtThePoolsAverage() async throws {
        let fixture = try ConsoleFixture()
        let id = "OIL-5L"
        let expected = try await fixture.read { ledger in
            let pool = ledger.onHand(item: id).map(\.pool)
            let value = pool.reduce(Money.zero) { $0 + $1.value }
            let quantity = pool.reduce(Quantity.zero) { $0 + $1.quantity }
            return value.perUnit(quantity).description
        }
        try await fixture.test { client in
            let cookie = try #require(try await client.login(fixture.secrets["auditor"]!))
            let html = try await client.page("/item?id=\(id)", cookie: cookie).text
            #expect(!html.contains("next page"), "the demo item's transactions fit on one page")
            let points = html.matches(of: /<circle [^>]*data-exact="([^"]*)"/).map { String($0.1) }
            #expect(points.last == expected)
            // The average stays near 18: its axis fits the figures (two decimals), not 0 to 18.
            let labels = html.matches(of: /<text x="4" [^>]*>([^<]*)<\/text>/).map { String($0.1) }
            #expect(labels.count == 3 && !labels.contains("0") && labels.allSatisfy { $0.contains(".") })
            #expect(html.contains("From the item&#39;s first transaction"))
            // A weighted average item's settlements (against each close's closing receipt) are listed too.
            #expect(PageText.rowCount(html, table: "settlements") > 0)
        }
    }

    @Test func theSettlementsAreTheItemsAsTheCLIListsThem() async throws {
        let fixture = try ConsoleFixture()
        let id = "BOLT-M8"
        let expected = try await fixture.read { ledger in
            try ledger.settlements(item: id).map {
                "\($0.sequence)|\($0.entry.transaction)|\($0.entry.quantity)|\($0.entry.settledAmount)"
            }
        }
        try await fixture.test { client in
            let cookie = try #require(try await client.login(fixture.secrets["auditor"]!))
            let html = try await client.page("/item?id=\(id)", cookie: cookie).text
            #expect(!html.contains("next page"), "the demo item's transactions fit on one page")
            let sequences = PageText.column(html, table: "settlements", column: "Sequence")
            let transactions = PageText.texts(html, table: "settlements", column: "Transaction")
            let quantities = PageText.column(html, table: "settlements", column: "Quantity")
            let amounts = PageText.column(html, table: "settlements", column: "Settled amount")
            #expect(!expected.isEmpty)
            let shown = sequences.indices.map {
                "\(sequences[$0])|\(transactions[$0])|\(quantities[$0])|\(amounts[$0])"
            }
            #expect(shown.sorted() == expected.sorted())
        }
    }

    @Test func aLaterPageChartsItsOwnTransactionsAndSaysSo() async throws {
        let fixture = try ConsoleFixture(closeDemo: false)
        let count = 60
        try await fixture.read { ledger in
            try ledger.execute(try Posting.command("item", "item=MANY model=fifo"))
            for index in 1...count {
                try ledger.execute(
                    try Posting.command("receive", "date=2026-01-02 item=MANY tx=M\(index) qty=1 cost=\(index).00"))
            }
        }
        try await fixture.test { client in
            let cookie = try #require(try await client.login(fixture.secrets["auditor"]!))
            let first = try await client.page("/item?id=MANY", cookie: cookie).text
            let points = first.matches(of: /<circle [^>]*data-exact="([^"]*)"/).map { String($0.1) }
            #expect(points.count == 50)
            #expect(points.last == "25.5000")  // (1 + ... + 50) / 50
            let next = try #require(first.firstMatch(of: /href="(\/item\?id=MANY&amp;after=[0-9a-f]+)"/))
            let later = try await client.page(String(next.1).replacing("&amp;", with: "&"), cookie: cookie).text
            let laterPoints = later.matches(of: /<circle [^>]*data-exact="([^"]*)"/).map { String($0.1) }
            #expect(laterPoints.count == count - 50)
            #expect(laterPoints.first == "51.0000")
            #expect(later.contains("This page&#39;s transactions only"))
        }
    }
}
