// Login and logout. No session exists before the login, so the login form's CSRF token is a pre-session
// token: a short-lived cookie for `/login` and the same value in the form, issued by this server, checked
// on the post and then discarded. A login post without it is refused 403 and opens no session (DR-29).

import HTTPTypes
import Hummingbird
import Subledger

extension ConsoleApp {
    func addSessionRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("/login") { request, _ in
            loginResponse(.ok, message: nil, secure: Self.isSecure(request))
        }
        router.post("/login") { request, context in
            let secure = Self.isSecure(request)
            let form = await Self.form(request)
            guard let presession = request.cookies[SessionStore.loginCookieName]?.value, let sent = form["csrf"],
                SessionStore.constantTimeEqual(sent, presession), sessions.consumeLogin(presession)
            else {
                context.logger.notice("console: login refused, the form's pre-session token is missing or wrong")
                return loginResponse(
                    .forbidden, message: "This login form has expired or did not come from this console: log in again.",
                    secure: secure)
            }
            let secret = form["token"].map { String($0.filter { !$0.isWhitespace }) } ?? ""
            if authenticate {
                let token = try? await ledger.read { try $0.authenticate(bearer: secret) }
                guard let token = token ?? nil else {
                    context.logger.notice("console: login refused (unknown or revoked token)")
                    return loginResponse(.unauthorized, message: "That token is unknown or revoked.", secure: secure)
                }
                context.logger.info("console: \(token.name) logged in (role \(token.role.rawValue))")
            }
            let session = sessions.create(secret: authenticate ? secret : nil)
            var response = Self.redirect("/", cookie: SessionStore.cookie(session.id, secure: secure))
            response.headers.append(HTTPField(name: .setCookie, value: SessionStore.loginCookie("", secure: secure)))
            return response
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

    /// The login page with a new pre-session token, in its cookie and in the form.
    func loginResponse(_ status: HTTPResponse.Status, message: String?, secure: Bool) -> Response {
        let token = sessions.openLogin()
        var response = Self.response(
            status, type: "text/html; charset=utf-8", loginPage(message: message, token: token).markup)
        response.headers[.setCookie] = SessionStore.loginCookie(token, secure: secure)
        return response
    }

    func loginPage(message: String?, token: String) -> HTML {
        var body = HTML("<main><h1>Subledger console</h1>")
        if let message { body = body + HTML("<p class=\"error\">") + HTML.text(message) + HTML("</p>") }
        let prompt =
            authenticate
            ? "An API token (subledger token create --name NAME --role read|close): it stays on the server."
            : "The server runs without tokens (--no-auth): leave the field empty."
        body =
            body + HTML("<form method=\"post\" action=\"/login\" class=\"login\">")
            + HTML("<input type=\"hidden\" name=\"csrf\" value=\"") + HTML.text(token) + HTML("\"><label>Token ")
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
