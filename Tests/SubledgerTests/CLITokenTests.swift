// `subledger token create|list|revoke` through the built binary: the secret printed once, the list without
// secrets or hashes, every refusal with its stable code and exit 2 (usage errors 64), nothing written on a
// refusal; and the list's table and JSON byte for byte against Tests/Golden/token-list.*.

import Foundation
import Subledger
import SubledgerTestSupport
import Testing

struct CLITokenTests {
    typealias Sandbox = CLITests.Sandbox

    static func isSecret(_ line: Substring) -> Bool {
        line.hasPrefix("sl_") && line.utf8.count == 46
    }

    @Test func createListRevokeAndAuthenticate() throws {
        let box = try Sandbox()
        try box.ok(["init"])
        #expect(try box.ok(["token", "list"]).stdout == "no tokens\n")
        let created = try box.ok(["token", "create", "--name", "erp", "--role", "post"])
        let lines = created.stdout.split(separator: "\n")
        #expect(lines.count == 3, "\(created.stdout)")
        #expect(lines.first == "created token erp (role post)")
        let secret = try #require(lines.dropFirst().first.map(String.init))
        #expect(Self.isSecret(Substring(secret)), "\(secret)")
        #expect(lines.last?.contains("not shown again") == true)

        let json = try box.ok(["token", "create", "--name", "ctl", "--role", "admin", "--json"]).json()
        let adminSecret = try #require(json["secret"] as? String)
        #expect(Self.isSecret(Substring(adminSecret)) && adminSecret != secret)
        #expect(json["name"] as? String == "ctl" && json["role"] as? String == "admin")
        #expect((json["notice"] as? String)?.contains("not shown again") == true)

        // The secrets authenticate against the same file through the library.
        do {
            let ledger = try Ledger(path: box.db, access: .readOnly)
            #expect(try ledger.authenticate(bearer: secret)?.name == "erp")
            #expect(try ledger.authenticate(bearer: adminSecret)?.role == .admin)
        }

        let list = try box.ok(["token", "list"]).stdout
        #expect(list.hasPrefix("NAME  ROLE   CREATED (UTC)         REVOKED (UTC)\n"), "\(list)")
        #expect(list.contains("\nctl   admin  ") && list.contains("\nerp   post   "), "\(list)")
        let listJSON = try box.ok(["token", "list", "--json"]).stdout
        for text in [list, listJSON] {
            #expect(!text.contains(secret) && !text.contains(adminSecret) && !text.contains("hash"))
        }

        let revoked = try box.ok(["token", "revoke", "erp"])
        #expect(revoked.stdout.hasPrefix("revoked token erp at "), "\(revoked.stdout)")
        let again = try box.ok(["token", "revoke", "erp", "--json"]).json()
        #expect(again["already_revoked"] as? Bool == true && again["revoked_at"] is String)
        let tokens = try #require(try box.ok(["token", "list", "--json"]).json()["tokens"] as? [[String: Any]])
        #expect(tokens.map { $0["name"] as? String } == ["ctl", "erp"])
        #expect(tokens[0]["revoked_at"] is NSNull && tokens[1]["revoked_at"] is String)
        let ledger = try Ledger(path: box.db, access: .readOnly)
        #expect(try ledger.authenticate(bearer: secret) == nil, "a revoked token must not authenticate")
        #expect(try ledger.authenticate(bearer: adminSecret)?.name == "ctl")
    }

    @Test func refusalsHaveStableCodesAndWriteNothing() throws {
        let box = try Sandbox()
        let missing = try box.run(["token", "list"])
        #expect(missing.status == 66, "a token command must not create a ledger: \(missing.stderr)")
        try box.ok(["init"])
        try box.ok(["token", "create", "--name", "erp", "--role", "read"])
        let refusals: [([String], String)] = [
            (["token", "create", "--name", "erp", "--role", "admin"], "token-name-taken"),
            (["token", "create", "--name", "a b", "--role", "read"], "invalid-token-name"),
            (["token", "create", "--name", "", "--role", "read"], "invalid-token-name"),
            (["token", "create", "--name", String(repeating: "x", count: 65), "--role", "read"], "invalid-token-name"),
            (["token", "revoke", "nobody"], "unknown-token"),
        ]
        for (arguments, code) in refusals {
            let run = try box.run(arguments)
            #expect(run.status == 2, "\(arguments): exit \(run.status) \(run.stderr)")
            #expect(run.stderr.hasPrefix("error[\(code)]: "), "\(run.stderr)")
            #expect(run.stdout.isEmpty, "\(run.stdout)")
            let json = try box.run(arguments + ["--json"])
            #expect(json.status == 2)
            let error = try json.errorJSON()
            #expect(error["error"] as? String == code && error["field"] as? String == "name")
        }
        let badRole = try box.run(["token", "create", "--name", "x", "--role", "root"])
        #expect(badRole.status == 64, "\(badRole.stderr)")
        let tokens = try #require(try box.ok(["token", "list", "--json"]).json()["tokens"] as? [[String: Any]])
        #expect(tokens.count == 1 && tokens[0]["role"] as? String == "read", "a refusal must write nothing")
    }

    /// `token list` as a table and as JSON, on tokens created and revoked by a fixed clock.
    @Test func listMatchesItsGoldenOutput() throws {
        let directory = try TemporaryDirectory("golden-tokens")
        let db = directory.path("tokens.db")
        do {
            var now: Int64 = 1_774_980_000_000  // 2026-03-31T18:00:00Z
            let ledger = try Ledger(path: db, clock: { now })
            _ = try ledger.createToken(name: "wms", role: .post)
            now += 60_000
            _ = try ledger.createToken(name: "controller", role: .close)
            now += 60_000
            _ = try ledger.createToken(name: "reporting.read-1", role: .read)
            _ = try ledger.createToken(name: "ops_admin", role: .admin, by: "bootstrap")
            now += 3_600_000
            try ledger.revokeToken(name: "wms", by: "ops_admin")
        }
        var mismatches: [String] = []
        for json in [false, true] {
            let run = try ProcessOutcome.run(
                ["token", "list", "--db", db] + (json ? ["--json"] : []), in: directory.url)
            #expect(run.exited && run.status == 0, "\(run.summary)")
            let name = "token-list" + (json ? ".json" : ".txt")
            if let mismatch = try GoldenOutputTests.check(name, run.stdout) { mismatches.append(mismatch) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }
}
