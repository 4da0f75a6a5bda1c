// Login, logout, the cookie's flags, CSRF refusals and role gating, through the router as a browser
// would use it (forms, a cookie, redirects).

import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Subledger
import SubledgerConsole
import SubledgerServer
import Testing

@Suite struct ConsoleSessionTests {
    @Test func pagesNeedALoginAndAWrongTokenIsRefused() async throws {
        let fixture = try ConsoleFixture()
        try await fixture.test { client in
            for uri in ["/", "/items", "/closes", "/events", "/reconciliation", "/transaction?id=P1"] {
                let response = try await client.page(uri, cookie: nil)
                #expect(response.status == .seeOther, "\(uri)")
                #expect(response.headers[.location] == "/login")
            }
            let refused = try await client.loginForm("sl_not-a-token")
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.setCookie]?.contains("subledger_session") != true, "no session")
            #expect(PageText.csrf(refused.text) != nil, "a new login form")
            #expect(try await client.page("/", cookie: "subledger_session=guessed").status == .seeOther)
        }
    }

    @Test func theSessionCookieIsHttpOnlyStrictAndSecureBehindTLS() async throws {
        let fixture = try ConsoleFixture()
        try await fixture.test { client in
            let plain = try await client.loginForm(fixture.secrets["auditor"]!)
            let cookie = try #require(plain.headers[.setCookie])
            #expect(cookie.contains("; HttpOnly"))
            #expect(cookie.contains("; SameSite=Strict"))
            #expect(cookie.contains("; Path=/"))
            #expect(!cookie.contains("Secure"))
            // The session id is not the token.
            #expect(!cookie.contains(fixture.secrets["auditor"]!))
            let tls = try await client.loginForm(
                fixture.secrets["auditor"]!, headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
            #expect(tls.headers[.setCookie]?.contains("; Secure") == true)
        }
    }

    /// Login CSRF: another site's form cannot log this browser into a session of its choosing (the
    /// attacker's token). The login post needs the login page's pre-session token, in its cookie and in
    /// the form, issued by this server, unexpired and unused; without it: 403 and no session.
    @Test func aLoginPostWithoutTheLoginFormsTokenIsRefusedAndOpensNoSession() async throws {
        let fixture = try ConsoleFixture()
        try await fixture.test { client in
            let secret = fixture.secrets["auditor"]!
            let page = try await client.page("/login", cookie: nil)
            let set = try #require(page.headers[.setCookie])
            #expect(set.hasPrefix("subledger_login="))
            for flag in ["; Path=/login", "; HttpOnly", "; SameSite=Strict", "; Max-Age=900"] {
                #expect(set.contains(flag), "\(flag)")
            }
            let presession = String(set.prefix { $0 != ";" })
            let token = try #require(PageText.csrf(page.text))
            #expect(presession == "subledger_login=\(token)")
            let other = try #require(PageText.csrf(try await client.page("/login", cookie: nil).text))
            let invented = String(repeating: "ab", count: 32)  // a pair the server never issued
            let forged: [([String: String], String?)] = [
                (["token": secret], nil), (["token": secret, "csrf": token], nil), (["token": secret], presession),
                (["token": secret, "csrf": ""], presession), (["token": secret, "csrf": other], presession),
                (["token": secret, "csrf": invented], "subledger_login=\(invented)"),
            ]
            for (form, cookie) in forged {
                let response = try await client.post("/login", form: form, cookie: cookie)
                #expect(response.status == .forbidden, "\(form) \(cookie ?? "no cookie")")
                #expect(response.headers[.setCookie]?.contains("subledger_session") != true, "no session")
                #expect(response.text.contains("did not come from this console"))
            }
            // The form's own pair logs in once; the cookie is then expired and the pair refused again.
            let form = ["token": secret, "csrf": token]
            let ok = try await client.post("/login", form: form, cookie: presession)
            #expect(ok.status == .seeOther)
            let cookies = try #require(ok.headers[.setCookie])
            #expect(cookies.hasPrefix("subledger_session=") && cookies.contains("subledger_login=; Path=/login"))
            #expect(try await client.post("/login", form: form, cookie: presession).status == .forbidden)
        }
    }

    @Test func logoutNeedsTheCSRFTokenAndEndsTheSession() async throws {
        let fixture = try ConsoleFixture()
        try await fixture.test { client in
            let cookie = try #require(try await client.login(fixture.secrets["auditor"]!))
            let overview = try await client.page("/", cookie: cookie)
            #expect(overview.status == .ok)
            let csrf = try #require(PageText.csrf(overview.text))
            let forged = try await client.post("/logout", form: [:], cookie: cookie)
            #expect(forged.status == .forbidden)
            #expect(try await client.page("/", cookie: cookie).status == .ok)
            let out = try await client.post("/logout", form: ["csrf": csrf], cookie: cookie)
            #expect(out.status == .seeOther)
            #expect(out.headers[.location] == "/login")
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await client.page("/", cookie: cookie).status == .seeOther)
        }
    }

    @Test func aReadTokenSeesEveryPageButNoButtonThatChangesTheLedger() async throws {
        let fixture = try ConsoleFixture()
        try await fixture.test { client in
            let auditor = try #require(try await client.login(fixture.secrets["auditor"]!))
            let controller = try #require(try await client.login(fixture.secrets["controller"]!))
            let closes = try await client.page("/closes", cookie: auditor)
            #expect(closes.status == .ok)
            #expect(!closes.text.contains("action=\"/confirm\""))
            #expect(try await client.page("/confirm?action=reverse", cookie: auditor).status == .forbidden)
            let csrf = try #require(PageText.csrf(closes.text))
            let before = try await fixture.read { $0.state.lastSequence }
            let run = try await client.post(
                "/run", form: ["csrf": csrf, "action": "reverse", "date": ""], cookie: auditor)
            #expect(run.status == .forbidden)
            #expect(try await fixture.read { $0.state.lastSequence } == before)
            let controllerCloses = try await client.page("/closes", cookie: controller)
            #expect(controllerCloses.text.contains("action=\"/confirm\""))
            #expect(controllerCloses.text.contains("Reverse the latest close"))
        }
    }

    @Test func aPostWithoutTheSessionsCSRFTokenIsRefusedAndWritesNothing() async throws {
        let fixture = try ConsoleFixture()
        try await fixture.test { client in
            let controller = try #require(try await client.login(fixture.secrets["controller"]!))
            let other = try #require(try await client.login(fixture.secrets["controller"]!))
            let otherCSRF = try #require(PageText.csrf(try await client.page("/closes", cookie: other).text))
            let before = try await fixture.read { $0.state.lastSequence }
            for form in [
                ["action": "reverse"], ["action": "reverse", "csrf": otherCSRF], ["action": "reverse", "csrf": ""],
            ] {
                let response = try await client.post("/run", form: form, cookie: controller)
                #expect(response.status == .forbidden, "\(form)")
            }
            #expect(try await client.post("/events/verify", form: [:], cookie: controller).status == .forbidden)
            #expect(try await fixture.read { $0.state.lastSequence } == before)
        }
    }

    @Test func aReversalConfirmedWithTheTokenIsInTheLogUnderTheTokensName() async throws {
        let fixture = try ConsoleFixture()
        try await fixture.test { client in
            let controller = try #require(try await client.login(fixture.secrets["controller"]!))
            let confirm = try await client.page("/confirm?action=reverse", cookie: controller)
            #expect(confirm.status == .ok)
            #expect(confirm.text.contains("GL lines the reversal negates"))
            let csrf = try #require(PageText.csrf(confirm.text))
            let command = try #require(confirm.text.firstMatch(of: /name="command" value="([^"]+)"/)).1
            let before = try await fixture.read { $0.state.lastSequence }
            let form = ["csrf": csrf, "action": "reverse", "date": "", "command": String(command)]
            let done = try await client.post("/run", form: form, cookie: controller)
            #expect(done.status == .ok, "\(done.text)")
            let after = try await fixture.read { $0.state.lastSequence }
            #expect(after > before)
            let events = try await fixture.read { try $0.events(after: before) }
            #expect(!events.isEmpty && events.allSatisfy { $0.actor == "controller" })
            // The same form again (a double submit) runs nothing more.
            _ = try await client.post("/run", form: form, cookie: controller)
            #expect(try await fixture.read { $0.state.lastSequence } == after)
            let log = try await client.page("/events?after=\(before)", cookie: controller)
            #expect(PageText.texts(log.text, table: "events", column: "Posted by").allSatisfy { $0 == "controller" })
        }
    }

    @Test func aRevokedTokenEndsItsSessions() async throws {
        let fixture = try ConsoleFixture()
        try await fixture.test { client in
            let cookie = try #require(try await client.login(fixture.secrets["auditor"]!))
            #expect(try await client.page("/", cookie: cookie).status == .ok)
            _ = try await fixture.read { try $0.revokeToken(name: "auditor") }
            #expect(try await client.page("/", cookie: cookie).status == .seeOther)
        }
    }
}

@Suite struct ConsolePathTests {
    /// `Console.paths` (which the API's route-to-openapi.yaml test leaves out) is every path the console mounts.
    @Test func thePathListIsWhatTheConsoleMounts() throws {
        let fixture = try ConsoleFixture(closeDemo: false)
        let router = Router(context: BasicRequestContext.self)
        Console.mount(on: router, authenticate: true) { try await fixture.service.read($0) }
        #expect(Set(router.routes.map { "\($0.path)" }) == Console.paths)
    }
}

@Suite struct ConsoleNoAuthTests {
    /// `serve --no-auth` (loopback only): the login asks for no token and every button shows.
    @Test func withoutTokensTheLoginTakesAnEmptyFieldAndShowsEveryButton() async throws {
        let fixture = try ConsoleFixture()
        try await Application(router: buildRouter(service: fixture.service, authenticate: false)).test(.router) {
            client in
            let login = try await client.page("/login", cookie: nil)
            #expect(login.text.contains("--no-auth"))
            let cookie = try #require(try await client.login(""))
            let closes = try await client.page("/closes", cookie: cookie)
            #expect(closes.text.contains("local (no-auth)"))
            #expect(closes.text.contains("action=\"/confirm\""))
        }
    }
}
