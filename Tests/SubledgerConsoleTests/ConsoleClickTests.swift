// The controller's session in headless Chromium, by clicks over the DevTools protocol: log in by typing
// the token, close February and reverse that close through the confirmation pages, see both in the event
// log under the token's name, have a same-origin post without the CSRF token refused, log out.

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
}
