// Routing, the session check and the drawing of every console page; the pages themselves are in Pages/.

import HTTPTypes
import Hummingbird
import Logging
import Subledger

struct ConsoleApp: Sendable {
    let ledger: ConsoleLedger
    let checkChain: ConsoleChainCheck
    let authenticate: Bool
    let sessions = SessionStore()
    let chainChecks = ChainCheckMemory()

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("/console.css") { _, _ in
            Self.response(.ok, type: "text/css; charset=utf-8", Stylesheet.text, cache: true)
        }
        addSessionRoutes(to: router)
        let pages: [(String, @Sendable (ConsoleApp, PageRequest) async throws -> PageContent)] = [
            ("/", { try await OverviewPage.content($0.ledger, $1, chain: $0.chainChecks.last) }),
            ("/items", { try await ItemPages.list($0.ledger, $1) }),
            ("/item", { try await ItemPages.item($0.ledger, $1) }),
            ("/transaction", { try await TransactionView.content($0.ledger, $1) }),
            ("/closes", { try await ClosePages.list($0.ledger, $1) }),
            ("/close", { try await ClosePages.close($0.ledger, $1) }),
            ("/events", { try await EventPages.list($0.ledger, $1) }),
            ("/reconciliation", { try await ReconciliationPage.content($0.ledger, $1) }),
            ("/confirm", { try await ActionPages.confirm($0.ledger, $1) }),
        ]
        for (path, build) in pages {
            router.get(RouterPath(path)) { request, context in
                await page(request, context) { try await build(self, $0) }
            }
        }
        router.post("/run") { request, context in
            await action(request, context) { try await ActionPages.run(self.ledger, $0) }
        }
        router.post("/reconciliation") { request, context in await upload(request, context) }
        router.post("/events/verify") { request, context in
            await action(request, context) { _ in
                EventPages.verified(self.chainChecks.remember(try await self.checkChain()))
            }
        }
    }

    /// A GET page: the session, the content, then HTML or (`?format=csv`) one of its tables. The time
    /// spent is logged and sent as `Server-Timing`.
    func page<Context: RequestContext>(
        _ request: Request, _ context: Context, _ build: (PageRequest) async throws -> PageContent
    ) async -> Response {
        guard let viewer = await viewer(request) else { return Self.redirect("/login") }
        let query = URLText.decodeForm(Substring(request.uri.query ?? ""))
        return await render(request, context, PageRequest(path: request.uri.path, query: query, viewer: viewer), build)
    }

    /// A POST that may change something: refused with 403 (nothing done) unless its form carries the
    /// session's CSRF token.
    func action<Context: RequestContext>(
        _ request: Request, _ context: Context, _ build: (PageRequest) async throws -> PageContent
    ) async -> Response {
        guard let viewer = await viewer(request) else { return Self.redirect("/login") }
        let form = await Self.form(request)
        guard let sent = form["csrf"], SessionStore.constantTimeEqual(sent, viewer.session.csrf) else {
            context.logger.notice("console: POST \(request.uri.path) refused, missing or wrong CSRF token")
            return errorPage(.forbidden("The form's CSRF token is missing or does not belong to this session."), viewer)
        }
        return await render(request, context, PageRequest(path: request.uri.path, query: form, viewer: viewer), build)
    }

    func render<Context: RequestContext>(
        _ request: Request, _ context: Context, _ page: PageRequest, _ build: (PageRequest) async throws -> PageContent
    ) async -> Response {
        let start = ContinuousClock.now
        let content: PageContent
        do {
            content = try await build(page)
        } catch let error as ConsoleError {
            return errorPage(error, page.viewer)
        } catch {
            return errorPage(.badRequest("\(error)"), page.viewer)
        }
        let response: Response
        if page.query["format"] == "csv" {
            response = csvResponse(content, table: page.query["table"])
        } else {
            response = Self.response(.ok, type: "text/html; charset=utf-8", Layout.page(content, page).markup)
        }
        let elapsed = Self.milliseconds(ContinuousClock.now - start)
        context.logger.info("console: \(request.method) \(request.uri.path) rendered in \(elapsed) ms")
        var timed = response
        timed.headers[HTTPField.Name("Server-Timing")!] = "render;dur=\(elapsed)"
        return timed
    }

    func csvResponse(_ content: PageContent, table name: String?) -> Response {
        guard let table = content.tables.first(where: { name == nil || $0.name == name }) else {
            return Self.response(.notFound, type: "text/plain; charset=utf-8", "no table \(name ?? "") on this page\n")
        }
        var response = Self.response(.ok, type: "text/csv; charset=utf-8", table.csv)
        response.headers[.contentDisposition] = "attachment; filename=\"\(table.name).csv\""
        return response
    }

    func errorPage(_ error: ConsoleError, _ viewer: Viewer?) -> Response {
        var content = PageContent(title: error.status == .notFound ? "Not found" : "Refused")
        content.add(HTML("<p class=\"error\">") + HTML.text(error.message) + HTML("</p>"))
        let html = Layout.page(content, viewer.map { PageRequest(path: "", query: [:], viewer: $0) })
        return Self.response(error.status, type: "text/html; charset=utf-8", html.markup)
    }

    /// The session's viewer, its token checked again (a revoked token ends the session); nil: log in.
    func viewer(_ request: Request) async -> Viewer? {
        guard let session = sessions.session(request.cookies[SessionStore.cookieName]?.value) else { return nil }
        guard authenticate else { return Viewer(session: session, token: nil) }
        guard let secret = session.secret,
            let token = try? await ledger.read({ try $0.authenticate(bearer: secret) })
        else {
            sessions.remove(session.id)
            return nil
        }
        return Viewer(session: session, token: token)
    }

    static func form(_ request: Request) async -> [String: String] {
        guard let buffer = try? await request.body.collect(upTo: 1 << 20) else { return [:] }
        return URLText.decodeForm(Substring(String(buffer: buffer)))
    }

    static func response(_ status: HTTPResponse.Status, type: String, _ body: String, cache: Bool = false) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = cache ? "max-age=300" : "no-store"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[.contentSecurityPolicy] =
            "default-src 'self'; style-src 'self'; img-src 'self' data:; script-src 'none'"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func redirect(_ location: String, cookie: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }

    /// Whole milliseconds with one decimal, e.g. `3.2`.
    static func milliseconds(_ duration: Duration) -> String {
        let microseconds = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        return "\(microseconds / 1000).\(microseconds % 1000 / 100)"
    }
}
