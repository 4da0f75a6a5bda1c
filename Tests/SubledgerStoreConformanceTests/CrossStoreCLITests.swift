// The same ledger through the command line on SQLite and on PostgreSQL (issue 14, DR-38): the same
// commands run against a file and a database under one fixed clock (SUBLEDGER_FIXED_CLOCK_MS), then every
// query's `--json` compared byte for byte, `events` and `commands` with their hashes, and `verify` checks
// each chain. Every query opens from the newest period snapshot plus the log's tail (DR-40); the snapshot
// listings are equal, sizes included (both stores' closes evict, DR-50); the PostgreSQL ledger answers from
// its history tables as the file does (DR-56: a changed row shows, a rebuild restores it). Also:
// what a PostgreSQL URL's failures say (exit code, stable code, never the password), and what only a
// file has refused.

import Foundation
import SubledgerTestSupport
import Testing

@testable import SubledgerPostgres

@Suite(.serialized) struct CrossStoreCLITests {
    /// What both ledgers are given: the demo (its history and the close of January), then a February of
    /// postings, a close, its reversal and the close again.
    static let commands: [[String]] = [
        ["demo"],
        [
            "post", "receive", "--date", "2026-02-02", "--item", "OIL-5L", "--tx", "X-R1", "--qty", "40",
            "--cost", "17.5", "--site", "WEST", "--command-id", "x1",
        ],
        [
            "post", "issue", "--date", "2026-02-03", "--item", "OIL-5L", "--tx", "X-S1", "--qty", "25",
            "--site", "WEST", "--command-id", "x2",
        ],
        ["close", "2026-02-28", "--command-id", "x3"],
        ["reverse-close", "--date", "2026-02-28", "--command-id", "x4"],
        ["close", "2026-02-28", "--command-id", "x5"],
        [
            "post", "receive", "--date", "2026-03-02", "--item", "OIL-5L", "--tx", "X-R2", "--qty", "5",
            "--cost", "18", "--site", "WEST", "--command-id", "x6",
        ],
    ]

    /// One time for every command of both ledgers, so that their logs hash alike.
    static let clock = ["SUBLEDGER_FIXED_CLOCK_MS": "1796000000000"]

    /// The queries compared byte for byte.
    static let queries: [[String]] = [
        ["onhand"], ["onhand", "--item", "OIL-5L"], ["value"], ["value", "--as-of", "2026-01-31"], ["gl"],
        ["gl", "--as-of", "2026-01-15"], ["transactions"], ["transactions", "--item", "OIL-5L"], ["vouchers"],
        ["settlements"], ["closes"], ["reconcile"], ["replay", "--as-of", "2026-01-31"],
        ["reconcile", "--as-of", "2026-01-31"], ["reconcile", "--as-of", "2026-02-15"], ["vouchers", "--tx", "X-S1"],
        ["reconcile", "--details"], ["replay"], ["gl", "--as-of", "2026-02-28"], ["value", "--as-of", "2026-02-28"],
        ["reconcile", "--as-of", "2026-02-28"], ["vouchers", "--tx", "X-R1"], ["vouchers", "--tx", "X-R2"],
        ["vouchers", "--tx", "X-S1", "--as-of", "2026-02-02"],
    ]

    /// `commands` run on a new file and a new database, side by side; returns both `--db` values.
    static func twoLedgers(_ server: String, in dir: TemporaryDirectory) throws -> (file: String, database: String) {
        let file = dir.path("books.db")
        let database = try PostgresTestServer.freshDatabase(server, prefix: "cross")
        for command in Self.commands {
            let onFile = try ProcessOutcome.run(command + ["--db", file], in: dir.url, environment: Self.clock)
            let onServer = try ProcessOutcome.run(command + ["--db", database], in: dir.url, environment: Self.clock)
            #expect(onFile.status == 0 && onFile.exited, "\(command) on SQLite: \(onFile.summary)")
            #expect(onServer.status == onFile.status, "\(command) on PostgreSQL: \(onServer.summary)")
        }
        return (file, database)
    }

    @Test func everyQueryAnswersTheSameOnBothStores() throws {
        guard let server = PostgresTestServer.url() else { return }
        let dir = try TemporaryDirectory("cross-store")
        let (file, database) = try Self.twoLedgers(server, in: dir)
        for query in Self.queries {
            let onFile = try ProcessOutcome.run(query + ["--db", file, "--json"], in: dir.url)
            let onServer = try ProcessOutcome.run(query + ["--db", database, "--json"], in: dir.url)
            #expect(onFile.status == onServer.status, "\(query): \(onFile.summary) / \(onServer.summary)")
            #expect(!onFile.stdout.isEmpty, "\(query): \(onFile.summary)")
            #expect(onFile.stdout == onServer.stdout, "\(query) differs between SQLite and PostgreSQL")
            #expect(onServer.stderr.isEmpty, "\(query) on PostgreSQL: \(onServer.summary)")
        }
        for query in [["events"], ["commands"], ["snapshot", "verify"]] {
            let onFile = try ProcessOutcome.run(query + ["--db", file, "--json"], in: dir.url)
            let onServer = try ProcessOutcome.run(query + ["--db", database, "--json"], in: dir.url)
            #expect(onFile.status == 0 && onFile.stdout == onServer.stdout, "\(query) differs: \(onServer.summary)")
        }
        for db in [file, database] {
            let verify = try ProcessOutcome.run(["verify", "--db", db], in: dir.url)
            #expect(verify.status == 0 && verify.stdout.contains("chain intact"), "\(verify.summary)")
        }
        try Self.snapshotsCompare(file: file, database: database, in: dir)
    }

    /// The snapshots (the closes' newest ones, pruned alike) and what opening from them reads.
    static func snapshotsCompare(file: String, database: String, in dir: TemporaryDirectory) throws {
        let listed = try [file, database].map { db in
            try ProcessOutcome.run(["snapshot", "list", "--db", db, "--json"], in: dir.url).stdout
        }
        #expect(listed[0] == listed[1], "both stores' closes evict (DR-50): the same open state, the same bytes")
        let sequences = try Self.snapshotSequences(listed[1])
        #expect(sequences.count == 2, "the demo's close and February's second (its first was reversed)")
        let timed = try [file, database].map { db in
            try ProcessOutcome.run(["snapshot", "verify", "--timing", "--db", db, "--json"], in: dir.url)
        }
        let loadedFrom = try timed.map { try Self.object($0.stdout)["loaded_from"] as? Int }
        #expect(loadedFrom[0] != nil && loadedFrom[0] == loadedFrom[1] && loadedFrom[1] == sequences.last)

        // The newest snapshot damaged in the database: skipped with a warning, the answers unchanged.
        let session = try PostgresSession(PostgresLocation(url: database))
        try session.execute("UPDATE snapshots SET created_at = created_at + 1 WHERE sequence = \(sequences.last!)")
        let onFile = try ProcessOutcome.run(["onhand", "--db", file, "--json"], in: dir.url)
        let onServer = try ProcessOutcome.run(["onhand", "--db", database, "--json"], in: dir.url)
        #expect(onServer.status == 0 && onServer.stdout == onFile.stdout, "\(onServer.summary)")
        #expect(onServer.stderr.contains("warning: snapshot \(sequences.last!) skipped: its checksum does not match"))
        let verify = try ProcessOutcome.run(["verify", "--db", database], in: dir.url)
        #expect(verify.status != 0 && verify.stdout.contains("snapshot \(sequences.last!)"), "\(verify.summary)")
    }

    /// The PostgreSQL ledger answers `closes` and `gl`, `value`, `reconcile --as-of` a closed date (DR-56)
    /// and `vouchers --tx` (DR-57) from its history tables: a row changed in each (behind the ledger)
    /// changes that answer, and `rebuild` brings every answer back to the file's bytes.
    @Test func thePostgreSQLLedgerAnswersFromItsHistoryTables() throws {
        guard let server = PostgresTestServer.url() else { return }
        let dir = try TemporaryDirectory("cross-store-tables")
        let (file, database) = try Self.twoLedgers(server, in: dir)
        let glDay = "UPDATE history_gl_days SET amount = amount + 100 WHERE day = 20260131"
        // `closes` reads the summaries when the tables hold the whole log: the queries before it project.
        let tampered: [(query: [String], sql: String)] = [
            (["gl", "--as-of", "2026-01-31"], glDay), (["value", "--as-of", "2026-02-28"], glDay),
            (["reconcile", "--as-of", "2026-01-15"], "UPDATE history_asof_days SET events = events + 5"),
            (["closes"], "UPDATE history_close_totals SET settled = settled + 7"),
            (["vouchers", "--tx", "X-S1"], "UPDATE history_voucher_lines SET amount = amount + 1 WHERE tx = 'X-S1'"),
        ]
        let session = try PostgresSession(PostgresLocation(url: database))
        for (query, sql) in tampered {
            let before = try ProcessOutcome.run(query + ["--db", database, "--json"], in: dir.url)
            try session.execute(sql)
            let after = try ProcessOutcome.run(query + ["--db", database, "--json"], in: dir.url)
            #expect(before.exited && before.status == after.status, "\(query): \(after.summary)")
            #expect(before.stdout != after.stdout, "\(query) on PostgreSQL is read from the table \(sql)")
        }
        let rebuild = try ProcessOutcome.run(["rebuild", "--db", database, "--json"], in: dir.url)
        #expect(rebuild.status == 0 && rebuild.stdout.contains("\"history_asof_sums\""), "\(rebuild.summary)")
        for query in tampered.map(\.query) {
            let onFile = try ProcessOutcome.run(query + ["--db", file, "--json"], in: dir.url)
            let onServer = try ProcessOutcome.run(query + ["--db", database, "--json"], in: dir.url)
            #expect(onFile.status == onServer.status && onFile.stdout == onServer.stdout, "\(query) after rebuild")
        }
    }

    @Test func whatOnlyAFileHasIsRefusedWithAStableCode() throws {
        guard let server = PostgresTestServer.url() else { return }
        let dir = try TemporaryDirectory("cross-store-refusals")
        let database = try PostgresTestServer.freshDatabase(server, prefix: "cross")
        #expect(try ProcessOutcome.run(["init", "--db", database], in: dir.url).status == 0)
        for command in [["onhand", "--read-only"]] {
            let outcome = try ProcessOutcome.run(command + ["--db", database], in: dir.url)
            #expect(outcome.status == 3, "\(command): \(outcome.summary)")
            #expect(outcome.stderr.contains("error[not-on-postgresql]"), "\(command): \(outcome.summary)")
        }
        let missing = try ProcessOutcome.run(
            ["onhand", "--db", try PostgresTestServer.freshDatabase(server, prefix: "cross")], in: dir.url)
        #expect(missing.status == 66 && missing.stderr.contains("error[no-ledger]"), "\(missing.summary)")
    }

    /// A password in the URL never comes back in a message, text or JSON, whatever failed.
    @Test func failuresNameTheServerAndNeverThePassword() throws {
        guard let server = PostgresTestServer.url() else { return }
        let dir = try TemporaryDirectory("cross-store-errors")
        let location = try PostgresLocation(url: server)
        let secret = "Sekr1t-pw-9431"
        let closedPort = try Self.closedPort()
        let cases: [(url: String, code: String, exit: Int32)] = [
            (
                "postgresql://nobody_here:\(secret)@\(location.hostAndPort)/\(location.database)",
                "authentication-failed", 3
            ),
            ("postgresql://\(location.user):\(secret)@\(location.hostAndPort)/no_such_db_x", "no-database", 66),
            ("postgresql://\(location.user):\(secret)@127.0.0.1:\(closedPort)/books", "unreachable", 3),
            (
                "postgresql://\(location.user):\(secret)@\(location.hostAndPort)/books?sslmode=require",
                "tls-not-offered", 3
            ),
            (
                "postgresql://\(location.user):\(secret)@\(location.hostAndPort)/books?sslcert=client.pem",
                "tls-unsupported", 64
            ),
            (
                "postgresql://\(location.user):\(secret)@\(location.hostAndPort)/books?sslmode=verify-ca&"
                    + "sslrootcert=/no/such/root.pem",
                "tls-root-certificate", 64
            ),
            ("postgresql://\(location.user):\(secret)@\(location.hostAndPort)/books?foo=1", "bad-url", 64),
        ]
        for (url, code, exit) in cases {
            for json in [false, true] {
                let outcome = try ProcessOutcome.run(
                    ["onhand", "--db", url] + (json ? ["--json"] : []), in: dir.url)
                #expect(outcome.status == exit, "\(code): \(outcome.summary)")
                let expected = json ? "\"error\":\"\(code)\"" : "error[\(code)]"
                #expect(outcome.stderr.contains(expected), "\(code): \(outcome.summary)")
                #expect(!(outcome.stdout + outcome.stderr).contains(secret), "\(code) shows the password")
            }
        }
        let viaEnvironment = try ProcessOutcome.run(
            ["onhand"], in: dir.url, environment: ["SUBLEDGER_DB": cases[2].url])
        #expect(viaEnvironment.status == 3 && viaEnvironment.stderr.contains("127.0.0.1:\(closedPort)"))
        #expect(!viaEnvironment.stderr.contains(secret))
    }

    /// A loopback port nothing listens on: tcpmux, which no test machine serves.
    static func closedPort() throws -> Int { 1 }

    /// The JSON with every member named in `keys` removed, its keys sorted.
    static func without(_ keys: Set<String>, _ text: String) throws -> String {
        func strip(_ value: Any) -> Any {
            if let object = value as? [String: Any] {
                return object.filter { !keys.contains($0.key) }.mapValues(strip)
            }
            if let array = value as? [Any] { return array.map(strip) }
            return value
        }
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let data = try JSONSerialization.data(withJSONObject: strip(value), options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// A JSON object's members.
    static func object(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    /// The sequences of `snapshot list --json`, oldest first.
    static func snapshotSequences(_ text: String) throws -> [Int] {
        (try object(text)["snapshots"] as? [[String: Any]] ?? []).compactMap { $0["sequence"] as? Int }
    }
}
