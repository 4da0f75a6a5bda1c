// The figures on the pages are the CLI's `--json` figures (the same builders, Sources/Subledger/Views), the
// CSV has the same columns with exact decimals, and long lists come a page at a time.

import HTTPTypes
import HummingbirdTesting
import Subledger
import Testing

@Suite struct ConsoleFigureTests {
    @Test func theOverviewShowsTheValueReportsTotals() async throws {
        let fixture = try ConsoleFixture()
        let json = try await fixture.read { ledger in
            ValueJSON.document(try ledger.inventoryValue(asOf: ledger.state.latestBusinessDate))
        }
        try await fixture.test { client in
            let cookie = try #require(try await client.login(fixture.secrets["auditor"]!))
            let html = try await client.page("/", cookie: cookie).text
            let facts = html.matches(of: /data-exact="([^"]*)"/).map { String($0.1) }
            let value = try #require(json["total"]?["value"]?.stringValue)
            #expect(facts.prefix(2) == [value, json["gl_inventory_total"]?.stringValue ?? "?"])
            #expect(PageText.column(html, table: "by-model", column: "Value").last == value)
            #expect(html.contains(NumberText(value)))
            let accounts = json["gl_inventory_accounts"]?.arrayValue?.compactMap { $0["balance"]?.stringValue }
            #expect(PageText.column(html, table: "gl", column: "GL balance").dropLast() == (accounts ?? [])[...])
            let items = PageText.column(html, table: "by-item", column: "Value")
            #expect(items.count == Set(json["rows"]?.arrayValue?.compactMap { $0["item"]?.stringValue } ?? []).count)
            #expect(html.contains("<svg class=\"chart\""))
        }
    }

    @Test func theItemsPageShowsEveryPoolsValue() async throws {
        let fixture = try ConsoleFixture()
        let json = try await fixture.read { ledger in
            ValueJSON.document(try ledger.inventoryValue(asOf: ledger.state.latestBusinessDate))
        }
        try await fixture.test { client in
            let cookie = try #require(try await client.login(fixture.secrets["auditor"]!))
            let html = try await client.page("/items", cookie: cookie).text
            let shown = PageText.column(html, table: "items", column: "Value").filter { Double($0) != 0 }
            let expected = json["rows"]?.arrayValue?.compactMap { $0["value"]?.stringValue }.filter { Double($0) != 0 }
            #expect(shown.sorted() == (expected ?? []).sorted())
            let search = try await client.page("/items?q=OIL", cookie: cookie).text
            #expect(PageText.texts(search, table: "items", column: "Item").allSatisfy { $0.contains("OIL") })
            #expect(PageText.rowCount(search, table: "items") > 0)
        }
    }

    @Test func theClosesPageShowsTheClosesDocument() async throws {
        let fixture = try ConsoleFixture()
        let json = try await fixture.read { ledger in
            ClosesJSON.document(try ledger.closes(), closedThrough: ledger.state.closedThrough)
        }
        let closes = try #require(json["closes"]?.arrayValue)
        try await fixture.test { client in
            let cookie = try #require(try await client.login(fixture.secrets["auditor"]!))
            let html = try await client.page("/closes", cookie: cookie).text
            #expect(
                PageText.column(html, table: "closes", column: "Issue adjustment")
                    == closes.reversed().compactMap { $0["total_adjustment"]?.stringValue })
            #expect(
                PageText.column(html, table: "closes", column: "Settlement entries")
                    == closes.reversed().compactMap { $0["settlement_entries"]?.scalarText })
            let sequence = try #require(closes.last?["sequence"]?.scalarText)
            let close = try await client.page("/close?seq=\(sequence)", cookie: cookie)
            #expect(close.status == .ok)
            let issue = PageText.column(close.text, table: "by-item", column: "Issue adjustment")
            #expect(issue.last == closes.last?["total_adjustment"]?.stringValue)
            let receipt = PageText.column(close.text, table: "by-item", column: "Receipt adjustment")
            #expect(receipt.last == closes.last?["receipt_adjustment"]?.stringValue)
        }
    }

    @Test func everyTableDownloadsAsCSVWithExactDecimals() async throws {
        let fixture = try ConsoleFixture()
        try await fixture.test { client in
            let cookie = try #require(try await client.login(fixture.secrets["auditor"]!))
            let html = try await client.page("/", cookie: cookie).text
            let csv = try await client.page("/?format=csv&table=by-model", cookie: cookie)
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.text.split(separator: "\r\n").map { $0.split(separator: ",").map(String.init) }
            #expect(lines.first == ["Model", "Quantity", "Value"])
            #expect(Array(lines.dropFirst().map { $0[2] }) == PageText.column(html, table: "by-model", column: "Value"))
            // Exact: no thousands separator in a figure (the total is over a thousand).
            #expect(lines.last?.count == 3 && Double(lines.last?[2] ?? "") ?? 0 > 1000)
            for uri in ["/items", "/closes", "/events", "/reconciliation", "/transaction?id=P1", "/item?id=OIL-5L"] {
                let page = try await client.page(uri + (uri.contains("?") ? "&" : "?") + "format=csv", cookie: cookie)
                #expect(page.status == .ok, "\(uri)")
                #expect(page.headers[.contentType] == "text/csv; charset=utf-8", "\(uri)")
            }
        }
    }

    @Test func theEventLogComesAPageAtATimeAndThePagesCoverTheLog() async throws {
        let fixture = try ConsoleFixture()
        let last = try await fixture.read { $0.state.lastSequence }
        try await fixture.test { client in
            let cookie = try #require(try await client.login(fixture.secrets["auditor"]!))
            var uri: String? = "/events"
            var sequences: [Int64] = []
            while let next = uri {
                let html = try await client.page(next, cookie: cookie).text
                let page = PageText.column(html, table: "events", column: "Sequence").compactMap { Int64($0) }
                #expect(page.count <= 100)
                sequences += page
                uri = html.firstMatch(of: /rel="next" href="([^"]+)"/).map {
                    String($0.1).replacing("&amp;", with: "&")
                }
            }
            #expect(sequences == Array(1...last))
        }
    }
}

/// The screen form of an exact figure, as the pages draw it.
func NumberText(_ exact: String) -> String {
    var text = Substring(exact)
    let sign = text.first == "-" ? "-" : ""
    if !sign.isEmpty { text = text.dropFirst() }
    let integer = text.prefix { $0 != "." }
    var grouped = ""
    for (index, digit) in integer.enumerated() {
        if index > 0 && (integer.count - index) % 3 == 0 { grouped.append(",") }
        grouped.append(digit)
    }
    return sign + grouped + text.dropFirst(integer.count)
}

extension JSONValue {
    /// A string's or a number's text.
    var scalarText: String? {
        switch self {
        case .string(let text), .number(let text): return text
        default: return nil
        }
    }
}
