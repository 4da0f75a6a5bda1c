import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Subledger
import SubledgerServer
import SubledgerTestSupport
import Testing

/// A ledger with one token per role and a revoked one, served with authentication.
struct AuthFixture {
    let database = TemporaryDatabase("auth")
    let service: LedgerService
    let secrets: [String: String]

    init() throws {
        let ledger = try Ledger(path: database.path)
        try ledger.execute(try Posting.command("item", "item=A model=fifo"))
        var secrets: [String: String] = [:]
        for role in TokenRole.allCases {
            secrets[role.rawValue] = try ledger.createToken(name: role.rawValue, role: role)
        }
        secrets["revoked"] = try ledger.createToken(name: "revoked", role: .admin)
        try ledger.revokeToken(name: "revoked")
        self.secrets = secrets
        service = LedgerService(ledger: ledger)
    }

    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Application(router: buildRouter(service: service)).test(.router, body)
    }

    func bearer(_ name: String) -> HTTPFields { [.authorization: "Bearer \(secrets[name]!)"] }
}

@Suite struct AuthTests {
    /// Each route group, a body it accepts, and the role it needs.
    static let routes: [(method: HTTPRequest.Method, uri: String, body: String, role: TokenRole)] = [
        (.get, "/v1/onhand", "", .read),
        (.post, "/v1/commands", CommandRouteTests.receipt, .post),
        (.post, "/v1/batches", "[\(CommandRouteTests.issue)]", .post),
        (.post, "/v1/recalculations", #"{"date":"2026-01-31"}"#, .close),
        (.post, "/v1/closes", #"{"date":"2026-01-31"}"#, .close),
        (.post, "/v1/reversals", "{}", .close),
    ]

    @Test func everyRouteGroupRefusesMissingBadAndRevokedTokensAndTooLowARole() async throws {
        let fixture = try AuthFixture()
        try await fixture.test { client in
            for route in Self.routes {
                func send(_ headers: HTTPFields) async throws -> TestResponse {
                    try await client.execute(
                        uri: route.uri, method: route.method, headers: headers, body: ByteBuffer(string: route.body))
                }
                let none = try await send([:])
                #expect(none.status == .unauthorized, "\(route.uri)")
                #expect(none.headers[.wwwAuthenticate] == "Bearer")
                #expect(try none.json["code"]?.stringValue == "unauthorized")
                #expect(try await send([.authorization: "Bearer sl_not-a-token"]).status == .unauthorized)
                #expect(try await send([.authorization: "Basic \(fixture.secrets["admin"]!)"]).status == .unauthorized)
                #expect(try await send(fixture.bearer("revoked")).status == .unauthorized, "\(route.uri)")
                if let below = TokenRole.allCases.last(where: { $0 < route.role }) {
                    let low = try await send(fixture.bearer(below.rawValue))
                    #expect(low.status == .forbidden, "\(route.uri) with \(below)")
                    #expect(try low.json["code"]?.stringValue == "forbidden")
                }
                let allowed = try await send(fixture.bearer(route.role.rawValue))
                #expect(allowed.status == (route.method == .get ? .ok : .created), "\(route.uri): \(allowed.text)")
            }
        }
    }

    @Test func aCloseThroughTheCommandRoutesNeedsTheCloseRole() async throws {
        let fixture = try AuthFixture()
        try await fixture.test { client in
            let close = #"{"command":"close","date":"2026-01-31"}"#
            let single = try await client.post("/v1/commands", close, headers: fixture.bearer("post"))
            #expect(single.status == .forbidden)
            let batch = try await client.post("/v1/batches", "[\(close)]", headers: fixture.bearer("post"))
            #expect(batch.status == .forbidden)
            let allowed = try await client.post("/v1/commands", close, headers: fixture.bearer("close"))
            #expect(allowed.status == .created)
        }
    }

    @Test func theTokenNameIsRecordedAsTheCommandsActor() async throws {
        let fixture = try AuthFixture()
        try await fixture.test { client in
            let posted = try await client.post(
                "/v1/commands", CommandRouteTests.receipt, headers: fixture.bearer("post"))
            #expect(posted.status == .created)
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
        }
        let actors = try await fixture.service.read { try $0.commands().map(\.actor) }
        #expect(actors.last == "post")
    }

    @Test func theServerStartsWithoutTokensOnlyWithNoAuthOnLoopback() throws {
        let empty = try Ledger(path: ":memory:")
        #expect(throws: ServeRefusal.self) { try ServerConfiguration().check(empty) }
        #expect(throws: ServeRefusal.self) { try ServerConfiguration(host: "0.0.0.0", noAuth: true).check(empty) }
        #expect(throws: ServeRefusal.self) {
            try ServerConfiguration(host: "127.0.0.1.evil", noAuth: true).check(empty)
        }
        try ServerConfiguration(host: "127.0.0.1", noAuth: true).check(empty)
        try ServerConfiguration(host: "localhost", noAuth: true).check(empty)
        _ = try empty.createToken(name: "ops", role: .read)
        try ServerConfiguration(host: "0.0.0.0").check(empty)

        let directory = try TemporaryDirectory("serve-refusal")
        let db = directory.path("l.db")
        #expect(try ProcessOutcome.run(["init", "--db", db], in: directory.url).status == 0)
        let refused = try ProcessOutcome.run(["serve", "--db", db, "--port", "0"], in: directory.url)
        #expect(refused.exited && refused.status == 64, "\(refused.summary)")
        #expect(refused.stderr.contains("no-active-token"))
    }
}
