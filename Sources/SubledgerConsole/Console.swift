// The web console (issue 13): server-rendered pages on the `Ledger` facade, mounted by `subledger serve` at
// `/` beside the API. It reads and writes through the server's own ledger queue (`read`), and it knows the
// same tokens: a login takes one, and its role decides which buttons a page shows (DR-29).

import HTTPTypes
import Hummingbird
import Logging
import Subledger

/// Runs `body` with the server's ledger, on the ledger's queue, after catching up with the file
/// (`LedgerService.read`).
public typealias ConsoleLedgerRead =
    @Sendable (@escaping @Sendable (Ledger) throws -> any Sendable) async throws -> any Sendable

public enum Console {
    /// Adds the console's routes to `router`. Mount it before the API's bearer-token middleware: the
    /// console authenticates by its session cookie. Without `authenticate` (`--no-auth`) the login asks
    /// for no token and every button shows. `verify` re-checks the hash chain (the event log's button); without
    /// it the check runs through `read`, on the ledger's queue.
    public static func mount<Context: RequestContext>(
        on router: Router<Context>, authenticate: Bool, read: @escaping ConsoleLedgerRead,
        verify: ConsoleChainCheck? = nil
    ) {
        let ledger = ConsoleLedger(run: read)
        let check = verify ?? { try await ledger.read { try $0.verify() } }
        let app = ConsoleApp(ledger: ledger, checkChain: check, authenticate: authenticate)
        app.addRoutes(to: router)
    }

    /// The paths the console serves (the API's description, openapi.yaml, leaves them out: they are pages).
    public static let paths: Set<String> = [
        "/", "/console.css", "/login", "/logout", "/items", "/item", "/transaction", "/closes", "/close", "/events",
        "/events/verify", "/reconciliation", "/confirm", "/run",
    ]
}

struct ConsoleLedger: Sendable {
    let run: ConsoleLedgerRead

    func read<T: Sendable>(_ body: @escaping @Sendable (Ledger) throws -> T) async throws -> T {
        let value = try await run { ledger in try body(ledger) }
        guard let typed = value as? T else { throw ConsoleError.server("the ledger answered an unexpected type") }
        return typed
    }
}

/// Who is looking: the session and the token it was opened with (re-checked on every request).
struct Viewer: Sendable {
    var session: Session
    /// nil when the server runs without tokens.
    var token: TokenInfo?

    var name: String { token?.name ?? "local" }
    var roleName: String { token?.role.rawValue ?? "no-auth" }
    /// Closes, recalculations and reversals need the `close` role, as `POST /v1/closes` does.
    var canClose: Bool { token.map { $0.role.allows(.close) } ?? true }
    /// The actor recorded with the commands this viewer runs (nil: none, as for the local CLI).
    var actor: String? { token?.name }
}

/// What a page handler gets: the query (or form) values and who asks.
struct PageRequest: Sendable {
    var path: String
    var query: [String: String]
    var viewer: Viewer

    func string(_ name: String) -> String? {
        guard let value = query[name], !value.isEmpty else { return nil }
        return value
    }

    func date(_ name: String) throws -> LedgerDate? {
        guard let text = string(name) else { return nil }
        guard let date = LedgerDate(text) else { throw ConsoleError.badRequest("\(name) must be a date YYYY-MM-DD") }
        return date
    }

    func integer(_ name: String, default value: Int64 = 0) throws -> Int64 {
        guard let text = string(name) else { return value }
        guard let number = Int64(text), number >= 0 else {
            throw ConsoleError.badRequest("\(name) must be a whole number, 0 or more")
        }
        return number
    }
}

/// A page before it is drawn: HTML blocks and tables, each table also downloadable as CSV.
struct PageContent: Sendable {
    enum Block: Sendable {
        case html(HTML)
        case table(Table)
    }

    var title: String
    var blocks: [Block] = []

    mutating func add(_ html: HTML) { blocks.append(.html(html)) }
    mutating func add(_ table: Table) { blocks.append(.table(table)) }

    var tables: [Table] {
        blocks.compactMap { if case .table(let table) = $0 { return table } else { return nil } }
    }
}

enum ConsoleError: Error {
    case notFound(String)
    case badRequest(String)
    case forbidden(String)
    case server(String)

    var status: HTTPResponse.Status {
        switch self {
        case .notFound: return .notFound
        case .badRequest: return .badRequest
        case .forbidden: return .forbidden
        case .server: return .internalServerError
        }
    }

    var message: String {
        switch self {
        case .notFound(let text), .badRequest(let text), .forbidden(let text), .server(let text): return text
        }
    }
}
