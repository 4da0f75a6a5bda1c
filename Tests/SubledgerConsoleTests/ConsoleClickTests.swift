// The controller's session in headless Chromium, by clicks over the DevTools protocol: log in by typing
// the token, upload an external trial balance on the reconciliation page (the file picked as in the file
// dialog) and see the comparison `reconcile --gl --json` prints, close February and reverse that close
// through the confirmation pages, see both in the event log under the token's name, have a same-origin
// post without the CSRF token refused, log out.

import Foundation
import Subledger
import SubledgerTestSupport
import Testing

@Suite(.serialized) struct ConsoleClickTests {
    @Test(
        .enabled(
            if: Browser.executable != nil || Browser.required,
            "needs Debian's chromium (apt-get install chromium); without it, outside CI, this test is skipped"))
    func aCloseAndItsReversalClickedInTheBrowserAreLoggedUnderTheTokensName() throws {
        let executable = try #require(Browser.executable, "CI=true: chromium must be installed (.ci/run does it)")
        let directory = try TemporaryDirectory("console-clicks")
        let db = directory.path("demo.db")
        _ = try ConsoleBrowserTests.cli(["demo", "--db", db], directory)
        let secret = try ConsoleBrowserTests.secret(
            try ConsoleBrowserTests.cli(
                ["token", "create", "--name", "controller", "--role", "close", "--db", db], directory))
        let served = try ServedLedger(db: db, in: directory)
        defer { _ = try? served.stop() }
        let browser = try DevToolsBrowser(
            executable: executable, profile: directory.path("profile"), directory: directory.url)
        defer { browser.close() }

        try browser.open(served.base + "/")
        #expect(try browser.html().contains("action=\"/login\""))
        try browser.submit("form.login", fields: ["token": secret])
        #expect(try browser.html().contains("controller (close)"))
        try uploadATrialBalance(browser, served, db: db, directory)
        try wideTablesScrollInTheirOwnBox(browser, served, db: db, directory)

        try browser.open(served.base + "/closes")
        try browser.submit("form[action=\"/confirm\"]", fields: ["date": "2026-02-28"])
        #expect(try browser.html().contains("Confirm: close through 2026-02-28"))
        try browser.submit("form[action=\"/run\"]")
        #expect(try browser.html().contains("Done: close through 2026-02-28"))

        try browser.open(served.base + "/closes")
        try browser.submit("form[action=\"/confirm\"]:nth-of-type(3)")
        #expect(try browser.html().contains("GL lines the reversal negates"))
        try browser.submit("form[action=\"/run\"]")
        #expect(try browser.html().contains("Done: reverse the latest close"))

        let events = try #require(
            try ConsoleBrowserTests.json(["events", "--db", db], directory)["events"]?.arrayValue)
        let byController = events.filter { $0["actor"]?.stringValue == "controller" }
        let types = Set(byController.compactMap { $0["type"]?.stringValue })
        #expect(types.isSuperset(of: ["close.posted", "close.reversed"]), "\(types)")

        let count = events.count
        let status = try browser.evaluate(
            "fetch('/run', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'}, "
                + "body: 'action=reverse'}).then(r => r.status)")
        #expect(status as? Int == 403, "a same-origin post without the CSRF token")
        #expect(try ConsoleBrowserTests.json(["events", "--db", db], directory)["events"]?.arrayValue?.count == count)

        try browser.submit("form.who")
        #expect(try browser.html().contains("action=\"/login\""))
        try browser.open(served.base + "/closes")
        #expect(try browser.html().contains("action=\"/login\""), "logged out: the cookie no longer opens a page")
    }

    /// At 1280 px the page never scrolls sideways: a wide table (the close's totals, its settlements)
    /// scrolls inside its own box, its heading and CSV link outside it, its header row sticky.
    func wideTablesScrollInTheirOwnBox(
        _ browser: DevToolsBrowser, _ served: ServedLedger, db: String, _ directory: TemporaryDirectory
    ) throws {
        let closes = try #require(
            try ConsoleBrowserTests.json(["closes", "--db", db], directory)["closes"]?.arrayValue)
        let sequence = try #require(closes.last?["sequence"]?.scalarText)
        let measure = """
            JSON.stringify({page: document.documentElement.scrollWidth, window: innerWidth,
              tables: [...document.querySelectorAll('section.table table')].map(t => ({name: t.dataset.table,
                wide: t.scrollWidth > t.clientWidth, section: t.parentElement.scrollWidth > t.parentElement.clientWidth,
                header: getComputedStyle(t.querySelector('th')).position}))})
            """
        for (path, shot, wide) in [
            ("/closes", "13-wide-closes", "closes"), ("/close?seq=\(sequence)", "14-wide-close", "close"),
        ] {
            try browser.open(served.base + path)
            let text = try #require(try browser.evaluate(measure) as? String)
            let layout = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let tables = try #require(layout["tables"] as? [[String: Any]])
            #expect((layout["page"] as? Int ?? .max) <= (layout["window"] as? Int ?? 0), "\(path): \(text)")
            #expect(tables.contains { $0["name"] as? String == wide && $0["wide"] as? Bool == true }, "\(text)")
            #expect(tables.allSatisfy { $0["section"] as? Bool == false && $0["header"] as? String == "sticky" })
            let screenshots = ConsoleBrowserTests.screenshots
            try browser.screenshot(screenshots.appendingPathComponent("\(shot).png").path)
            _ = try browser.evaluate(
                "document.querySelectorAll('section.table table').forEach(t => { t.scrollLeft = 1e6 })")
            try browser.screenshot(screenshots.appendingPathComponent("\(shot)-scrolled.png").path)
        }
    }

    /// The demo's trial balance from `gl --json` with three differences (1410 without its physical
    /// receipts, 5200 left out, an account 9999 the ledger lacks), uploaded through the page's form.
    func uploadATrialBalance(
        _ browser: DevToolsBrowser, _ served: ServedLedger, db: String, _ directory: TemporaryDirectory
    ) throws {
        let gl = try #require(try ConsoleBrowserTests.json(["gl", "--db", db], directory)["accounts"]?.arrayValue)
        var lines = ["account,balance"]
        for row in gl {
            let account = row["account"]?.stringValue ?? ""
            guard account != "5200" else { continue }
            lines.append("\(account),\(account == "1410" ? "0.00" : row["balance"]?.stringValue ?? "")")
        }
        let file = directory.path("trial-balance.csv")
        try (lines + ["9999,5.00"]).joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)

        try browser.open(served.base + "/reconciliation")
        try browser.chooseFile("form.upload input[type=file]", path: file)
        try browser.submit("form.upload")
        let page = try browser.html()
        try browser.screenshot(ConsoleBrowserTests.screenshots.appendingPathComponent("12-external-tb.png").path)
        let json = try ConsoleBrowserTests.json(["reconcile", "--gl", file, "--db", db], directory)
        let rows = try #require(json["external"]?["accounts"]?.arrayValue).sorted {
            let left = ($0["inventory"] == .bool(true) ? 0 : 1, $0["account"]?.stringValue ?? "")
            return left < ($1["inventory"] == .bool(true) ? 0 : 1, $1["account"]?.stringValue ?? "")
        }
        #expect(rows.count == 12)
        #expect(
            PageText.texts(page, table: "external", column: "Account") == rows.map { $0["account"]?.stringValue ?? "" })
        for (column, key) in [("External", "external"), ("GL", "ledger"), ("Difference", "difference")] {
            #expect(
                PageText.column(page, table: "external", column: column) == rows.map { $0[key]?.stringValue ?? "" },
                "\(column) = reconcile --gl --json \(key)")
        }
        #expect(
            PageText.texts(page, table: "external", column: "Cause")
                == rows.map { $0["explanation"]?.stringValue ?? "" })
        let causes = Set(rows.compactMap { $0["explanation"]?.stringValue })
        #expect(causes.isSuperset(of: ["missing-in-external", "missing-in-ledger"]), "\(causes)")
    }
}
