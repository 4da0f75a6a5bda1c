// The demo ledger served with a `read` token (auditor) and a `close` token (controller), and helpers that
// drive the console as a browser would: log in through the form, keep the cookie, read the forms' CSRF
// token and the tables' exact figures out of the HTML.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Subledger
import SubledgerServer
import SubledgerTestSupport
import Testing

struct ConsoleFixture {
    let database = TemporaryDatabase("console")
    let service: LedgerService
    let secrets: [String: String]

    init(closeDemo: Bool = true) throws {
        let ledger = try Ledger(path: database.path)
        if closeDemo { try ledger.runDemo() } else { try ledger.loadDemo() }
        secrets = [
            "auditor": try ledger.createToken(name: "auditor", role: .read),
            "controller": try ledger.createToken(name: "controller", role: .close),
        ]
        service = LedgerService(ledger: ledger)
    }

    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Application(router: buildRouter(service: service)).test(.router, body)
    }

    /// The ledger as the CLI's `--json` builders see it, read on the service's queue.
    func read<T: Sendable>(_ body: @escaping @Sendable (Ledger) throws -> T) async throws -> T {
        try await service.read(body)
    }
}

extension TestClientProtocol {
    /// Logs in through the form; the session cookie (`name=value`), or nil when refused.
    func login(_ secret: String, headers: HTTPFields = [:]) async throws -> String? {
        let response = try await loginForm(secret, headers: headers)
        guard response.status == .seeOther, let cookie = response.headers[.setCookie] else { return nil }
        return String(cookie.prefix { $0 != ";" })
    }

    /// The login as a browser does it: the login page (its pre-session cookie and the form's token), then
    /// the form posted with both.
    func loginForm(_ secret: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        let page = try await execute(uri: "/login", method: .get, headers: headers, body: nil)
        let presession = page.headers[.setCookie].map { String($0.prefix { $0 != ";" }) }
        let csrf = PageText.csrf(page.text) ?? ""
        return try await post("/login", form: ["token": secret, "csrf": csrf], cookie: presession, headers: headers)
    }

    func page(_ uri: String, cookie: String?) async throws -> TestResponse {
        var headers = HTTPFields()
        if let cookie { headers[.cookie] = cookie }
        return try await execute(uri: uri, method: .get, headers: headers, body: nil)
    }

    func post(
        _ uri: String, form: [String: String], cookie: String? = nil, headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        headers[.contentType] = "application/x-www-form-urlencoded"
        if let cookie { headers[.cookie] = cookie }
        let body = form.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.encode($0.value))" }.joined(separator: "&")
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? ""
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}

/// What the tests read out of a page's HTML.
enum PageText {
    /// The CSRF token of the page's forms.
    static func csrf(_ html: String) -> String? {
        guard let match = html.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/) else { return nil }
        return String(match.1)
    }

    /// The exact figures (`data-exact`) of one column of one table, in row order (body rows, then the footer).
    static func column(_ html: String, table: String, column: String) -> [String] {
        guard let start = html.range(of: "<table data-table=\"\(table)\">"),
            let end = html.range(of: "</table>", range: start.upperBound..<html.endIndex)
        else { return [] }
        let markup = html[start.upperBound..<end.lowerBound]
        let pattern = "data-col=\"\(column)\" data-exact=\"([^\"]*)\""
        guard let regex = try? Regex<(Substring, Substring)>(pattern) else { return [] }
        return markup.matches(of: regex).map { String($0.1) }
    }

    /// The texts of one column (links' texts included), for the columns that are not figures.
    static func texts(_ html: String, table: String, column: String) -> [String] {
        guard let start = html.range(of: "<table data-table=\"\(table)\">"),
            let end = html.range(of: "</table>", range: start.upperBound..<html.endIndex)
        else { return [] }
        let markup = html[start.upperBound..<end.lowerBound]
        guard let regex = try? Regex<(Substring, Substring)>("data-col=\"\(column)\">(.*?)</td>") else { return [] }
        return markup.matches(of: regex).map { String($0.1).replacing(/<[^>]*>/, with: "") }
    }

    /// The number of body rows of a table.
    static func rowCount(_ html: String, table: String) -> Int {
        guard let start = html.range(of: "<table data-table=\"\(table)\">"),
            let end = html.range(of: "</tbody>", range: start.upperBound..<html.endIndex)
        else { return 0 }
        return html[start.upperBound..<end.lowerBound].components(separatedBy: "<tr>").count - 2
    }
}
