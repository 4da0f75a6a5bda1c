// API tokens in PostgreSQL (issue 14, DR-41): `token create|list|revoke [--json]` print the same on a
// ledger file and on a PostgreSQL database (times and secrets aside), a secret authenticates through the
// ledger opened on the database, the token tables are insert-only for every role, and the ledger's role
// (its grants) may create and revoke tokens but change none.

import Foundation
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerPostgres
@testable import SubledgerStore

@Suite(.serialized) struct PostgresTokenTests {
    /// The token commands run on both ledgers, in order.
    static let commands: [[String]] = [
        ["token", "list"], ["token", "list", "--json"],
        ["token", "create", "--name", "erp", "--role", "post"],
        ["token", "create", "--name", "ctl", "--role", "admin", "--json"],
        ["token", "create", "--name", "erp", "--role", "read"],
        ["token", "create", "--name", "bad name", "--role", "read", "--json"],
        ["token", "list"], ["token", "list", "--json"],
        ["token", "revoke", "erp"], ["token", "revoke", "erp", "--json"], ["token", "revoke", "nobody"],
        ["token", "list"], ["token", "list", "--json"],
    ]

    @Test func theTokenCommandsPrintTheSameOnBothStores() throws {
        guard let server = PostgresTestServer.url() else { return }
        let dir = try TemporaryDirectory("pg-tokens")
        let file = dir.path("books.db")
        let database = try PostgresTestServer.freshDatabase(server, prefix: "cross")
        var secrets: [String] = []
        for db in [file, database] {
            #expect(try ProcessOutcome.run(["init", "--db", db], in: dir.url).status == 0)
        }
        for command in Self.commands {
            let onFile = try ProcessOutcome.run(command + ["--db", file], in: dir.url)
            let onServer = try ProcessOutcome.run(command + ["--db", database], in: dir.url)
            #expect(onServer.status == onFile.status, "\(command): \(onFile.summary) / \(onServer.summary)")
            #expect(Self.masked(onServer.stdout) == Self.masked(onFile.stdout), "\(command) stdout differs")
            #expect(Self.masked(onServer.stderr) == Self.masked(onFile.stderr), "\(command) stderr differs")
            secrets += Self.secrets(onServer.stdout)
        }
        #expect(secrets.count == 2, "\(secrets)")
        // The secrets authenticate through the ledger opened on the database; the revoked one no more.
        let ledger = try Ledger(log: try PostgresEventLog.open(url: database, create: false))
        #expect(try ledger.hasActiveTokens())
        #expect(try ledger.authenticate(bearer: secrets[0]) == nil, "erp is revoked")
        #expect(try ledger.authenticate(bearer: secrets[1])?.name == "ctl")
        #expect(try ledger.authenticate(bearer: "sl_" + String(repeating: "A", count: 43)) == nil)
    }

    @Test func theTokenTablesAreInsertOnlyAndTheLedgerRoleMayCreateAndRevoke() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        try harness.asLedgerRole("ledger") { log, owner in
            let tokens = LedgerLog(log: log)
            let secret = try tokens.createToken(name: "erp", role: .post)
            #expect(throws: TokenError.self) { try tokens.createToken(name: "erp", role: .admin) }
            #expect(try tokens.revokeToken(name: "erp").revokedAt != nil)
            #expect(try tokens.authenticate(bearer: secret) == nil)
            try log.session.execute("RESET ROLE")
            _ = try tokens.createToken(name: "ops", role: .read)
            for sql in [
                "UPDATE api_tokens SET role = 'admin'", "DELETE FROM api_token_revocations", "TRUNCATE api_tokens",
                "DELETE FROM api_tokens WHERE name = 'ops'", "TRUNCATE api_token_revocations CASCADE",
            ] {
                #expect(throws: StoreError.self, "\(sql)") { try owner.execute(sql) }
            }
            #expect(try tokens.tokens().map(\.name) == ["erp", "ops"])
            #expect(try tokens.tokens().map(\.isRevoked) == [true, false])
            #expect(try tokens.hasActiveTokens())
        }
    }

    /// The secrets printed (a line `sl_...`, or the JSON's `secret`).
    static func secrets(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\"" }).map(String.init).filter {
            $0.hasPrefix("sl_") && $0.utf8.count == 46
        }
    }

    /// `text` with its secrets and UTC times replaced by placeholders (they differ between two runs).
    static func masked(_ text: String) -> String {
        var out = text
        for secret in secrets(text) { out = out.replacing(secret, with: "SECRET") }
        out = out.replacing(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?Z?/, with: "TIME")
        return out
    }
}
