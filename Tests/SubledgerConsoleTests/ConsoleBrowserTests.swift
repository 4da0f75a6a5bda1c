// The console in a real browser (issue 13, item 4): `subledger serve` on the demo ledger, headless
// Chromium logging in through the form and loading every page; the figures in each page's DOM are the
// CLI's `--json` figures, a cross-site form post changes nothing, and every page's screenshot is written
// to `.screenshots/` (gitignored) for a person to look at. Skipped without Chromium, except under CI.

import Foundation
import Subledger
import SubledgerTestSupport
import Testing

@Suite(.serialized) struct ConsoleBrowserTests {
    static let screenshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".screenshots")

    static func cli(_ arguments: [String], _ directory: TemporaryDirectory) throws -> String {
        let outcome = try ProcessOutcome.run(arguments, in: directory.url)
        guard outcome.status == 0 else { throw LoopbackFailure("subledger \(arguments): \(outcome.summary)") }
        return outcome.stdout + outcome.stderr
    }

    static func json(_ arguments: [String], _ directory: TemporaryDirectory) throws -> JSONValue {
        let outcome = try ProcessOutcome.run(arguments + ["--json"], in: directory.url)
        return try Array(outcome.stdout.utf8).withUnsafeBytes { try JSON.parse($0) }
    }

    static func secret(_ printed: String) throws -> String {
        let line = printed.split(separator: "\n").first { $0.hasPrefix("sl_") }
        return String(try #require(line))
    }

    @Test(
        .enabled(
            if: Browser.executable != nil || Browser.required,
            "needs Debian's chromium (apt-get install chromium); without it, outside CI, this test is skipped"))
    func everyPageInHeadlessChromiumShowsTheCLIsFigures() throws {
        let executable = try #require(Browser.executable, "CI=true: chromium must be installed (.ci/run does it)")
        let directory = try TemporaryDirectory("console-browser")
        let db = directory.path("demo.db")
        _ = try Self.cli(["demo", "--db", db], directory)
        let controller = try Self.secret(
            try Self.cli(["token", "create", "--name", "controller", "--role", "close", "--db", db], directory))
        let served = try ServedLedger(db: db, in: directory)
        defer { _ = try? served.stop() }
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        let browser = Browser(executable: executable, profile: directory.path("profile"))
        func shot(_ name: String) -> String { Self.screenshots.appendingPathComponent("\(name).png").path }

        let login = try browser.dom(served.base + "/login", screenshot: shot("01-login"))
        #expect(login.contains("name=\"token\""))
        #expect(try browser.dom(served.base + "/items").contains("action=\"/login\""), "no session: the login form")
        try logIn(browser, served, secret: controller, directory)

        let overview = try browser.dom(served.base + "/", screenshot: shot("02-overview"))
        let value = try Self.json(["value", "--db", db], directory)
        let facts = overview.matches(of: /data-exact="([^"]*)"/).map { String($0.1) }
        #expect(facts.first == value["total"]?["value"]?.stringValue, "overview value = value --json")
        #expect(facts.dropFirst().first == value["gl_inventory_total"]?.stringValue)
        #expect(overview.contains("<svg class=\"chart\""))

        let closes = try browser.dom(served.base + "/closes", screenshot: shot("05-closes"))
        let closesJSON = try #require(try Self.json(["closes", "--db", db], directory)["closes"]?.arrayValue)
        #expect(
            PageText.column(closes, table: "closes", column: "Issue adjustment")
                == closesJSON.reversed().compactMap { $0["total_adjustment"]?.stringValue }, "closes = closes --json")
        let reconciliation = try browser.dom(served.base + "/reconciliation", screenshot: shot("08-reconciliation"))
        let reconcile = try Self.json(["reconcile", "--db", db], directory)
        #expect(
            PageText.column(reconciliation, table: "accounts", column: "GL").last
                == reconcile["total"]?["gl"]?.stringValue, "reconciliation = reconcile --json")

        let sequence = try #require(closesJSON.last?["sequence"]?.scalarText)
        let pages = [
            ("03-items", "/items"), ("04-item", "/item?id=OIL-5L"), ("06-close", "/close?seq=\(sequence)"),
            ("07-events", "/events"), ("09-transaction", "/transaction?id=S5"),
            ("10-confirm-reversal", "/confirm?action=reverse"),
            ("11-confirm-close", "/confirm?action=close&date=2026-02-28"),
        ]
        for (name, path) in pages {
            let dom = try browser.dom(served.base + path, screenshot: shot(name))
            #expect(
                dom.contains("<h1>") && !dom.contains("action=\"/login\"") && !dom.contains("class=\"error\""),
                "\(path)")
        }
        try crossSiteFormPostChangesNothing(browser, served, db: db, directory)
    }

    /// Logs in as a person does, typing the token into the login form (over the DevTools protocol); the
    /// cookie stays in the browser's profile for the next runs. Before that, another site's page posting
    /// the same token to the login form (login CSRF: it lacks the login form's pre-session token) is
    /// refused and opens no session.
    func logIn(_ browser: Browser, _ served: ServedLedger, secret: String, _ directory: TemporaryDirectory) throws {
        let forged = directory.path("login.html")
        try autoSubmit(served.base + "/login", ["token": secret]).write(
            toFile: forged, atomically: true, encoding: .utf8)
        // A generous budget: under a whole suite the refusal page once missed 5,000 ms of virtual time.
        #expect(try browser.dom("file://" + forged, budget: 20_000).contains("did not come from this console"))
        #expect(try browser.dom(served.base + "/").contains("action=\"/login\""), "a cross-site login opens nothing")
        let typing = try DevToolsBrowser(
            executable: browser.executable, profile: browser.profile, directory: directory.url)
        try typing.open(served.base + "/login")
        try typing.submit("form.login", fields: ["token": secret])
        typing.close()
        #expect(!(try browser.dom(served.base + "/").contains("action=\"/login\"")), "logged in")
    }

    /// Another site's page posting a reversal to the console: without the session's CSRF token (and,
    /// SameSite=Strict, without the cookie) nothing is written.
    func crossSiteFormPostChangesNothing(
        _ browser: Browser, _ served: ServedLedger, db: String, _ directory: TemporaryDirectory
    ) throws {
        let count = { try Self.json(["events", "--db", db], directory)["events"]?.arrayValue?.count ?? -1 }
        let before = try count()
        let forged = directory.path("forged.html")
        try autoSubmit(served.base + "/run", ["action": "reverse"]).write(
            toFile: forged, atomically: true, encoding: .utf8)
        _ = try browser.dom("file://" + forged, budget: 5000)
        #expect(try count() == before, "a forged post wrote nothing")
    }

    func autoSubmit(_ action: String, _ fields: [String: String]) -> String {
        let inputs = fields.map { "<input name=\"\($0.key)\" value=\"\($0.value)\">" }.joined()
        return "<!DOCTYPE html><html><body onload=\"document.forms[0].submit()\">"
            + "<form method=\"post\" action=\"\(action)\">\(inputs)</form></body></html>"
    }
}
