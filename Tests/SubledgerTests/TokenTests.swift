// API tokens through the facade (issue 12, item 4; DR-26): create, list, revoke, authenticate, and every
// refusal with its stable code and nothing written.

import Foundation
import Subledger
import SubledgerTestSupport
import Testing

@testable import SubledgerStore

struct TokenTests {
    /// A ledger whose clock reads `clock.now`.
    static func ledger(_ path: String = ":memory:", clock: Clock = Clock()) throws -> Ledger {
        try Ledger(path: path, clock: { clock.now })
    }

    final class Clock: @unchecked Sendable {
        var now: Int64 = 1_774_980_000_000
    }

    static func expectError(
        _ code: TokenError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("no error, expected \(code.rawValue)", sourceLocation: sourceLocation)
        } catch let error as TokenError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func createListAuthenticateRevoke() throws {
        let clock = Clock()
        let ledger = try Self.ledger(clock: clock)
        #expect(try ledger.tokens().isEmpty)
        #expect(try !ledger.hasActiveTokens())
        clock.now = 1_774_980_001_000
        let post = try ledger.createToken(name: "wms", role: .post)
        clock.now = 1_774_980_002_000
        let admin = try ledger.createToken(name: "ctl.admin-1", role: .admin, by: "bootstrap")
        #expect(post != admin)
        #expect(try ledger.hasActiveTokens())
        #expect(
            try ledger.tokens() == [
                TokenInfo(name: "ctl.admin-1", role: .admin, createdAt: 1_774_980_002_000, createdBy: "bootstrap"),
                TokenInfo(name: "wms", role: .post, createdAt: 1_774_980_001_000),
            ])
        #expect(try ledger.authenticate(bearer: post)?.name == "wms")
        #expect(try ledger.authenticate(bearer: post)?.role == .post)
        #expect(try ledger.authenticate(bearer: admin)?.name == "ctl.admin-1")

        clock.now = 1_774_980_003_000
        let revoked = try ledger.revokeToken(name: "wms", by: "ctl.admin-1")
        #expect(revoked.revokedAt == 1_774_980_003_000 && revoked.revokedBy == "ctl.admin-1")
        #expect(try ledger.authenticate(bearer: post) == nil, "a revoked token must not authenticate")
        #expect(try ledger.authenticate(bearer: admin)?.name == "ctl.admin-1")
        // Revoking again keeps the first revocation.
        clock.now = 1_774_980_004_000
        #expect(try ledger.revokeToken(name: "wms").revokedAt == 1_774_980_003_000)
        #expect(try ledger.tokens().map(\.revokedAt) == [nil, 1_774_980_003_000])
        #expect(try ledger.hasActiveTokens())
        try ledger.revokeToken(name: "ctl.admin-1")
        #expect(try !ledger.hasActiveTokens(), "every token revoked: none is active")
        #expect(try ledger.tokens().count == 2, "revoked tokens stay listed")
    }

    @Test func secretsHaveOneShapeAndDiffer() throws {
        let ledger = try Self.ledger()
        var seen = Set<String>()
        for index in 0..<50 {
            let secret = try ledger.createToken(name: "t\(index)", role: .read)
            #expect(secret.hasPrefix("sl_") && secret.utf8.count == 46, "\(secret)")
            #expect(secret.dropFirst(3).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) })
            seen.insert(secret)
        }
        #expect(seen.count == 50)
    }

    @Test func wrongMalformedAndForeignBearersAreUnknown() throws {
        let ledger = try Self.ledger()
        let secret = try ledger.createToken(name: "erp", role: .close)
        var flipped = Array(secret.utf8)
        flipped[20] = flipped[20] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let other = try Self.ledger().createToken(name: "erp", role: .close)
        let bearers = [
            String(decoding: flipped, as: UTF8.self), other, String(secret.dropLast()), String(secret.prefix(3)),
            secret + "A", "", "sl_", "Bearer " + secret, " " + secret, secret.uppercased(),
            "sl_" + String(repeating: "é", count: 43), String(secret.dropLast()) + "é",
            String(secret.dropLast()) + "\0", String(repeating: "x", count: 100_000),
            "sl_" + String(secret.dropFirst(4)) + "=",
        ]
        for bearer in bearers {
            #expect(try ledger.authenticate(bearer: bearer) == nil, "\(bearer.prefix(60))")
        }
        #expect(try ledger.authenticate(bearer: secret)?.name == "erp")
    }

    @Test func namesAreCheckedAndNeverReused() throws {
        let ledger = try Self.ledger()
        let invalid = [
            "", String(repeating: "a", count: 65), "a b", "é", "a/b", "x\n", "tab\t", "a:b", "ß", "名", "a\u{0}",
        ]
        for name in invalid {
            Self.expectError(.invalidName) { _ = try ledger.createToken(name: name, role: .read) }
        }
        #expect(try ledger.tokens().isEmpty, "a refused name writes nothing")
        _ = try ledger.createToken(name: String(repeating: "a", count: 64), role: .read)
        _ = try ledger.createToken(name: "A.b_c-9", role: .read)
        Self.expectError(.nameTaken) { _ = try ledger.createToken(name: "A.b_c-9", role: .admin) }
        try ledger.revokeToken(name: "A.b_c-9")
        Self.expectError(.nameTaken) { _ = try ledger.createToken(name: "A.b_c-9", role: .read) }
        #expect(try ledger.tokens().map(\.role) == [.read, .read], "a refused duplicate writes nothing")
        Self.expectError(.unknownToken) { try ledger.revokeToken(name: "nobody") }
        Self.expectError(.unknownToken) { try ledger.revokeToken(name: "a") }
    }

    @Test func rolesIncludeTheOnesBefore() {
        #expect(TokenRole.allCases == [.read, .post, .close, .admin])
        #expect(TokenRole.read < .post && TokenRole.post < .close && TokenRole.close < .admin)
        #expect(TokenRole.admin.allows(.read) && TokenRole.close.allows(.post) && TokenRole.post.allows(.post))
        #expect(!TokenRole.post.allows(.close) && !TokenRole.read.allows(.post))
        #expect(
            TokenError.Code.allCases.map(\.rawValue) == ["token-name-taken", "invalid-token-name", "unknown-token"])
    }

    /// The secret is never written: not in the database, its WAL or its shared memory file. Its hash is,
    /// which shows the scan reads what was written.
    @Test func theSecretIsNotInTheFile() throws {
        let directory = try TemporaryDirectory("tokens")
        let path = directory.path("ledger.db")
        var secrets: [String] = []
        do {
            let ledger = try Self.ledger(path)
            for index in 0..<5 { secrets.append(try ledger.createToken(name: "t\(index)", role: .post)) }
            try ledger.revokeToken(name: "t1")
        }
        var bytes = Data()
        for suffix in ["", "-wal", "-shm", "-journal"] {
            if let data = FileManager.default.contents(atPath: path + suffix) { bytes.append(data) }
        }
        #expect(!bytes.isEmpty)
        for secret in secrets {
            for needle in [secret, String(secret.dropFirst(3)), String(secret.dropFirst(3).prefix(16))] {
                #expect(bytes.range(of: Data(needle.utf8)) == nil, "the file holds \(needle)")
            }
            #expect(
                bytes.range(of: Data(SubledgerStore.SHA256.hash(Array(secret.utf8)).bytes)) != nil, "the hash is stored"
            )
        }
        let reopened = try Ledger(path: path, access: .readOnly)
        #expect(try reopened.authenticate(bearer: secrets[0])?.name == "t0")
        #expect(try reopened.authenticate(bearer: secrets[1]) == nil)
    }

    /// A ledger from before migration 9, opened read-only (not migrated), has no tokens: it answers as an
    /// empty list, not a storage error, and a write says read-only.
    @Test func aLedgerFromBeforeTheTokenTablesHasNone() throws {
        let directory = try TemporaryDirectory("tokens-old")
        let path = directory.path("ledger.db")
        do { _ = try Self.ledger(path).createToken(name: "erp", role: .read) }
        let raw = try Connection(path: path)
        try raw.execute(
            "DROP TABLE api_token_revocations; DROP TABLE api_tokens; PRAGMA user_version = \(TokenSchema.version - 1)")
        let ledger = try Ledger(path: path, access: .readOnly)
        #expect(try ledger.tokens().isEmpty)
        #expect(try !ledger.hasActiveTokens())
        #expect(try ledger.authenticate(bearer: "sl_" + String(repeating: "A", count: 43)) == nil)
        #expect(throws: LedgerError.self) { try ledger.createToken(name: "x", role: .read) }
    }

    /// A server's `Ledger` keeps its lookup statements prepared; a revocation or a new token written by
    /// another process (the CLI) counts at its next request, not after a restart.
    @Test func anotherWriterIsSeenAtOnce() throws {
        let directory = try TemporaryDirectory("tokens-two")
        let path = directory.path("ledger.db")
        let server = try Self.ledger(path)
        let erp = try server.createToken(name: "erp", role: .post)
        #expect(try server.authenticate(bearer: erp)?.name == "erp")
        #expect(try server.hasActiveTokens())
        let cli = try LedgerLog(path: path, access: .existing)
        let wms = try cli.createToken(name: "wms", role: .read)
        try cli.revokeToken(name: "erp")
        #expect(try server.authenticate(bearer: erp) == nil, "the revocation by another writer must count at once")
        #expect(try server.authenticate(bearer: wms)?.role == .read)
        try cli.revokeToken(name: "wms")
        #expect(try !server.hasActiveTokens())
        #expect(try server.authenticate(bearer: wms) == nil)
    }
}
