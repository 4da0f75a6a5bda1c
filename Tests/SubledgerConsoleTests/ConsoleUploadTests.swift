// An external trial balance uploaded on the reconciliation page (issue 13, item 2), through the router
// as a browser posts it: a multipart/form-data form with the file, the CSRF token and the date. Its
// comparison equals `reconcile(asOf:external:)` (what `reconcile --gl --json` prints); a rejected CSV
// shows the parser's code, line and message; bad bodies are 400 or 413, a missing token 403; nothing is
// ever written.

import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Subledger
import SubledgerTestSupport
import Testing

@Suite struct ConsoleUploadTests {
    static let boundary = "----WebKitFormBoundaryTrial13"

    /// The demo's trial balance as the company's GL would export it, with three differences: 1400 (an
    /// inventory account) 10.00 higher, the last other account left out, an account 9999 the ledger lacks.
    static func externalCSV(_ fixture: ConsoleFixture) async throws -> String {
        let rows = try await fixture.read { $0.trialBalance() }
        let inventory = try await fixture.read { Set($0.state.ledger.inventoryAccounts) }
        let dropped = try #require(rows.last { !inventory.contains($0.account) && !$0.balance.isZero }).account
        var lines = ["account,balance"]
        for row in rows where row.account != dropped {
            lines.append("\(row.account),\(row.account == "1400" ? row.balance + Money(units: 1000) : row.balance)")
        }
        return (lines + ["9999,5.00"]).joined(separator: "\n") + "\n"
    }

    @Test func theReconciliationPageHasAFileUploadThatNeedsNoJavaScript() async throws {
        let fixture = try ConsoleFixture()
        try await fixture.test { client in
            let cookie = try #require(try await client.login(fixture.secrets["auditor"]!))
            let page = try await client.page("/reconciliation", cookie: cookie).text
            let form = try #require(
                page.firstMatch(of: /<form method="post" action="\/reconciliation"[^>]*>.*?<\/form>/))
            let markup = String(form.0)
            #expect(markup.contains("enctype=\"multipart/form-data\""))
            #expect(markup.contains("type=\"file\" name=\"trial_balance\""))
            #expect(markup.contains("name=\"csrf\" value=\"\(try #require(PageText.csrf(page)))\""))
            #expect(markup.contains("name=\"date\""))
            #expect(markup.contains("nothing is stored"))
        }
    }

    @Test func anUploadIsComparedWithTheGLAndEachDifferenceExplained() async throws {
        let fixture = try ConsoleFixture()
        let csv = try await Self.externalCSV(fixture)
        try await fixture.test { client in
            let cookie = try #require(try await client.login(fixture.secrets["auditor"]!))
            let csrf = try #require(PageText.csrf(try await client.page("/reconciliation", cookie: cookie).text))
            let before = try await fixture.read { $0.state.lastSequence }
            let response = try await client.upload(
                [("csrf", nil, csrf), ("trial_balance", "tb.csv", csv), ("date", nil, "")], cookie: cookie)
            #expect(response.status == .ok, "\(response.text)")
            let page = response.text
            let report = try await fixture.read { ledger in
                try ledger.reconcile(
                    asOf: ledger.state.latestBusinessDate, external: try ExternalTrialBalance.parse(csv))
            }
            let rows = (report.external ?? []).sorted {
                ($0.isInventory ? 0 : 1, $0.account) < ($1.isInventory ? 0 : 1, $1.account)
            }
            #expect(rows.count >= 4)
            #expect(PageText.texts(page, table: "external", column: "Account") == rows.map(\.account))
            #expect(
                PageText.column(page, table: "external", column: "External")
                    == rows.map { $0.external?.description ?? "" })
            #expect(PageText.column(page, table: "external", column: "GL") == rows.map { $0.ledger?.description ?? "" })
            #expect(
                PageText.column(page, table: "external", column: "Difference") == rows.map(\.difference.description))
            #expect(PageText.texts(page, table: "external", column: "Cause") == rows.map(\.explanation.code))
            let subledger = Dictionary(
                uniqueKeysWithValues: report.accounts.map { ($0.account, $0.subledger.description) })
            #expect(
                PageText.column(page, table: "external", column: "Subledger")
                    == rows.map { subledger[$0.account] ?? "" })
            let inventory = PageText.texts(page, table: "external", column: "Inventory")
            #expect(inventory.first == "yes" && inventory == inventory.sorted(by: >), "inventory accounts first")
            let causes = Set(rows.map(\.explanation.code))
            #expect(causes.isSuperset(of: ["manual-posting", "missing-in-external", "missing-in-ledger"]), "\(causes)")
            #expect(page.contains("1400"))
            #expect(page.contains("manual postings on an inventory account: 10.00"))
            #expect(page.contains("nothing is stored"))
            // The comparison's CSV: the page's download form sends the same text again.
            #expect(page.contains("<textarea name=\"trial_balance\" hidden>\n" + HTMLText.escape(csv) + "</textarea>"))
            let download = try await client.upload(
                [
                    ("csrf", nil, csrf), ("trial_balance", nil, csv), ("date", nil, report.asOf.description),
                    ("format", nil, "csv"), ("table", nil, "external"),
                ], cookie: cookie)
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = download.text.split(separator: "\r\n")
            #expect(lines.first == "Account,Inventory,External,GL,Subledger,Difference,Cause,Explanation,Line")
            #expect(lines.count == rows.count + 1)
            #expect(lines.dropFirst().map { String($0.prefix { $0 != "," }) } == rows.map(\.account))
            #expect(try await fixture.read { $0.state.lastSequence } == before, "nothing written")
        }
    }

    @Test func aRejectedTrialBalanceShowsTheParsersCodeLineAndMessage() async throws {
        let fixture = try ConsoleFixture()
        try await fixture.test { client in
            let cookie = try #require(try await client.login(fixture.secrets["auditor"]!))
            let csrf = try #require(PageText.csrf(try await client.page("/reconciliation", cookie: cookie).text))
            let before = try await fixture.read { $0.state.lastSequence }
            let cases: [(String?, String, String)] = [
                (
                    "tb.csv", "account,balance\n1400,1.00\n5000,12.345\n",
                    "error[invalid-amount] line 3 field &#39;balance&#39;"
                ),
                ("tb.csv", "acct,bal\n1400,1.00\n", "error[malformed] line 1"),
                ("tb.csv", "account,balance\n1400,1\n1400,2\n", "is listed twice (first on line 2)"),
                ("", "", "error[missing-field] field &#39;trial_balance&#39;"),
            ]
            for (filename, csv, expected) in cases {
                let response = try await client.upload(
                    [("csrf", nil, csrf), ("trial_balance", filename, csv), ("date", nil, "")], cookie: cookie)
                #expect(response.status == .unprocessableContent, "\(csv)")
                #expect(response.text.contains(expected), "\(csv): \(response.text)")
                #expect(response.text.contains("nothing was compared or written"))
                #expect(!response.text.contains("data-table=\"external\""))
                #expect(response.text.contains("enctype=\"multipart/form-data\""), "the form again")
            }
            #expect(try await fixture.read { $0.state.lastSequence } == before)
        }
    }

    @Test func aBadBodyIs400WithItsCodeTooLarge413AndWithoutTheToken403() async throws {
        let fixture = try ConsoleFixture()
        try await fixture.test { client in
            let cookie = try #require(try await client.login(fixture.secrets["auditor"]!))
            let other = try #require(try await client.login(fixture.secrets["auditor"]!))
            let csrf = try #require(PageText.csrf(try await client.page("/reconciliation", cookie: cookie).text))
            let otherCSRF = try #require(PageText.csrf(try await client.page("/reconciliation", cookie: other).text))
            let file = ("trial_balance", Optional("tb.csv"), "account,balance\n1400,1.00\n")
            let urlencoded = try await client.post("/reconciliation", form: ["csrf": csrf], cookie: cookie)
            #expect(urlencoded.status == .badRequest)
            #expect(urlencoded.text.contains("error[multipart-content-type]"))
            var headers = HTTPFields()
            headers[.cookie] = cookie
            headers[.contentType] = "multipart/form-data; boundary=\(Self.boundary)"
            let unclosed = try await client.execute(
                uri: "/reconciliation", method: .post, headers: headers,
                body: ByteBuffer(
                    string: "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)"))
            #expect(unclosed.status == .badRequest)
            #expect(unclosed.text.contains("error[multipart-framing]"))
            let huge = String(repeating: "9", count: 4 << 20)
            let large = try await client.upload(
                [("csrf", nil, csrf), ("trial_balance", "tb.csv", huge)], cookie: cookie)
            #expect(large.status == .contentTooLarge)
            #expect(large.text.contains("error[multipart-too-large]"))
            for fields in [[file], [("csrf", nil, otherCSRF), file], [("csrf", nil, ""), file]] {
                #expect(try await client.upload(fields, cookie: cookie).status == .forbidden)
            }
            let anonymous = try await client.upload([("csrf", nil, csrf), file], cookie: nil)
            #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/login")
        }
    }
}

extension TestClientProtocol {
    /// A multipart/form-data post as a browser sends it: a part per field, a file name for a file input.
    func upload(
        _ fields: [(name: String, filename: String?, content: String)], cookie: String?,
        boundary: String = ConsoleUploadTests.boundary
    ) async throws -> TestResponse {
        var body = ""
        for field in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field.name)\""
            if let filename = field.filename { body += "; filename=\"\(filename)\"\r\nContent-Type: text/csv" }
            body += "\r\n\r\n\(field.content)\r\n"
        }
        body += "--\(boundary)--\r\n"
        var headers = HTTPFields()
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        if let cookie { headers[.cookie] = cookie }
        return try await execute(
            uri: "/reconciliation", method: .post, headers: headers, body: ByteBuffer(string: body))
    }
}

/// The console's escaping, for the text the tests expect inside a page.
enum HTMLText {
    static func escape(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
            .replacing("\"", with: "&quot;").replacing("'", with: "&#39;")
    }
}
