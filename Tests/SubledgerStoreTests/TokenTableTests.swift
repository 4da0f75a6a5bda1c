// The token tables are insert-only, like the event log: SQLite refuses UPDATE and DELETE on both, run as
// raw SQL the way any other tool touching the file would; and their CHECKs refuse what the facade refuses.

import Testing

@testable import SubledgerStore

@Suite struct TokenTableTests {
    static func storeWithTokens() throws -> EventStore {
        let store = try EventStore(path: ":memory:")
        #expect(
            try store.insertToken(name: "a", role: "read", secretHash: SHA256.hash([1]), createdAt: 1, createdBy: nil))
        #expect(
            try store.insertToken(name: "b", role: "admin", secretHash: SHA256.hash([2]), createdAt: 2, createdBy: "a"))
        #expect(try store.insertTokenRevocation(name: "a", revokedAt: 3, revokedBy: "b"))
        return store
    }

    @Test func updateAndDeleteAbortInTriggers() throws {
        let store = try Self.storeWithTokens()
        let rejected = [
            "UPDATE api_tokens SET role = 'admin' WHERE name = 'a'",
            "UPDATE api_tokens SET secret_hash = zeroblob(32)",
            "DELETE FROM api_tokens WHERE name = 'b'",
            "DELETE FROM api_tokens",
            "UPDATE api_token_revocations SET revoked_at = 9",
            "DELETE FROM api_token_revocations",
            "INSERT OR REPLACE INTO api_tokens(name, role, secret_hash, created_at) "
                + "VALUES ('a', 'admin', zeroblob(32), 5)",
            "INSERT OR REPLACE INTO api_token_revocations(name, revoked_at) VALUES ('a', 9)",
        ]
        for sql in rejected {
            do {
                try store.connection.execute(sql)
                Issue.record("SQLite accepted: \(sql)")
            } catch {
                #expect(error.isConstraintViolation, "\(sql): \(error)")
            }
        }
        let tokens = try store.tokens()
        #expect(tokens.map(\.name) == ["a", "b"] && tokens.map(\.role) == ["read", "admin"])
        #expect(tokens[0].revokedAt == 3 && tokens[0].revokedBy == "b" && tokens[1].revokedAt == nil)
    }

    @Test func checksRefuseWhatTheFacadeRefuses() throws {
        let store = try Self.storeWithTokens()
        let rejected = [
            "INSERT INTO api_tokens(name, role, secret_hash, created_at) VALUES ('c', 'root', zeroblob(32), 1)",
            "INSERT INTO api_tokens(name, role, secret_hash, created_at) VALUES ('c d', 'read', zeroblob(32), 1)",
            "INSERT INTO api_tokens(name, role, secret_hash, created_at) VALUES ('', 'read', zeroblob(32), 1)",
            "INSERT INTO api_tokens(name, role, secret_hash, created_at) VALUES ('c', 'read', zeroblob(31), 1)",
            "INSERT INTO api_token_revocations(name, revoked_at) VALUES ('nobody', 1)",
        ]
        for sql in rejected {
            #expect(throws: StoreError.self, "\(sql)") { try store.connection.execute(sql) }
        }
        #expect(
            try !store.insertToken(name: "a", role: "post", secretHash: SHA256.hash([3]), createdAt: 4, createdBy: nil))
        #expect(try !store.insertTokenRevocation(name: "a", revokedAt: 5, revokedBy: nil))
        #expect(try store.tokens().count == 2 && store.token(name: "a")?.revokedAt == 3)
    }

    @Test func lookupIsByTheHash() throws {
        let store = try Self.storeWithTokens()
        #expect(try store.token(secretHash: SHA256.hash([2]))?.name == "b")
        #expect(try store.token(secretHash: SHA256.hash([1]))?.revokedAt == 3)
        #expect(try store.token(secretHash: SHA256.hash([4])) == nil)
        #expect(try store.hasActiveTokens())
        let bytes: [UInt8] = [1, 2, 3]
        bytes.withUnsafeBytes { a in
            ([1, 2, 3] as [UInt8]).withUnsafeBytes { #expect(TokenHash.equal(a, $0)) }
            ([1, 2, 4] as [UInt8]).withUnsafeBytes { #expect(!TokenHash.equal(a, $0)) }
            ([1, 2] as [UInt8]).withUnsafeBytes { #expect(!TokenHash.equal(a, $0)) }
        }
    }
}
