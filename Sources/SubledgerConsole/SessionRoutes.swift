// Login and logout. The login form is the one form without a CSRF token: no session exists yet to bind
// one to, and what it posts is the secret that opens the session (DR-29).

import HTTPTypes
import Hummingbird
import Subledger

extension ConsoleApp {
    func addSessionRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("/login") { _, _ in
            Self.response(.ok, type: "text/html; charset=utf-8", loginPage(message: nil).markup)
        }
        router.post("/login") { request, context in
            let form = await Self.form(request)
            let secret = form["token"].map { String($0.filter { !$0.isWhitespace }) } ?? ""
            if authenticate {
                let token = try? await ledger.read { try $0.authenticate(bearer: secret) }
                guard let token = token ?? nil else {
                    context.logger.notice("console: login refused (unknown or revoked token)")
                    return Self.response(
                        .unauthorized, type: "text/html; charset=utf-8",
                        loginPage(message: "That token is unknown or revoked.").markup)
                }
                context.logger.info("console: \(token.name) logged in (role \(token.role.rawValue))")
            }
            let session = sessions.create(secret: authenticate ? secret : nil)
            return Self.redirect("/", cookie: SessionStore.cookie(session.id, secure: Self.isSecure(request)))
        }
        router.post("/logout") { request, context in
            await action(request, context) { page in
                sessions.remove(page.viewer.session.id)
                return PageContent(title: "Logged out")
            }.loggedOut(secure: Self.isSecure(request))
        }
    }

    /// Over TLS, or behind a proxy that says the client used it: the cookie is then `Secure`.
    static func isSecure(_ request: Request) -> Bool {
        request.uri.scheme?.rawValue == "https" || request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"
    }

    func loginPage(message: String?) -> HTML {
        var body = HTML("<main><h1>Subledger console</h1>")
        if let message { body = body + HTML("<p class=\"error\">") + HTML.text(message) + HTML("</p>") }
        let prompt =
            authenticate
            ? "An API token (subledger token create --name NAME --role read|close): it stays on the server."
            : "The server runs without tokens (--no-auth): leave the field empty."
        body =
            body + HTML("<form method=\"post\" action=\"/login\" class=\"login\"><label>Token ")
            + HTML("<input type=\"password\" name=\"token\" autocomplete=\"off\" autofocus></label>")
            + HTML("<button type=\"submit\">Log in</button></form><p class=\"hint\">") + HTML.text(prompt)
            + HTML("</p></main>")
        return Layout.document(title: "Log in", body: body)
    }
}

extension Response {
    /// After a logout that went through (the CSRF check passed): to the login page, the cookie expired.
    func loggedOut(secure: Bool) -> Response {
        guard status == .ok else { return self }
        return ConsoleApp.redirect("/login", cookie: SessionStore.cookie("", secure: secure))
    }
}
