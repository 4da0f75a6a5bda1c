import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Subledger
import SubledgerServer
import SubledgerTestSupport

/// A server on a fresh ledger file with item A (FIFO) and its accounts, tested through the router.
struct CommandFixture {
    let database = TemporaryDatabase("server")
    let service: LedgerService

    init() throws {
        let ledger = try Ledger(path: database.path)
        try ledger.execute(try Posting.command("item", "item=A model=fifo"))
        service = LedgerService(ledger: ledger)
    }

    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: buildRouter(service: service, authenticate: false))
        try await app.test(.router, body)
    }
}

extension TestClientProtocol {
    /// POSTs `body` to `uri` with the given headers.
    func post(_ uri: String, _ body: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    /// The body as JSON (a test failure if it is not).
    var json: JSONValue {
        get throws { try Array(text.utf8).withUnsafeBytes { try JSON.parse($0) } }
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
    static let replayed = Self("Idempotent-Replayed")!
    static let requestID = Self("X-Request-Id")!
}
