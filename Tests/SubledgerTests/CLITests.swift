import Foundation
import SubledgerTestSupport
import Testing

/// End-to-end tests of the `subledger` executable: each test runs the built binary (`swift test` builds
/// every product first) on its own temporary database and checks exit codes, stdout and stderr.
struct CLITests {
    // MARK: - Running the binary

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String

        /// stdout parsed as one JSON object.
        func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
            return try #require(object as? [String: Any], "stdout is not a JSON object: \(stdout)")
        }

        /// stderr parsed as one JSON object (errors under --json).
        func errorJSON() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(stderr.utf8))
            return try #require(object as? [String: Any], "stderr is not a JSON object: \(stderr)")
        }
    }

    static let binary: URL? = SubledgerBinary.url

    /// A fresh directory with a database path in it; removed when the test's value goes away.
    final class Sandbox {
        let directory: URL
        var db: String { directory.appendingPathComponent("ledger.db").path }

        init() throws {
            directory = TemporaryFiles.unique("cli")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        func write(_ name: String, _ text: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }

        /// Runs `subledger` with `arguments` (plus `--db` unless `withDB` is false). Output goes to files, so
        /// a large output cannot fill a pipe and block the child.
        func run(_ arguments: [String], withDB: Bool = true, environment: [String: String] = [:]) throws -> Run {
            let outcome = try ProcessOutcome.run(
                arguments + (withDB ? ["--db", db] : []), in: directory,
                environment: environment)
            return Run(status: outcome.status, stdout: outcome.stdout, stderr: outcome.stderr)
        }

        /// Runs and requires exit 0.
        @discardableResult
        func ok(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
            let result = try run(arguments)
            #expect(
                result.status == 0, "subledger \(arguments.joined(separator: " ")) failed: \(result.stderr)",
                sourceLocation: sourceLocation)
            return result
        }

        /// Number of events in the log, from `events --json`.
        func eventCount() throws -> Int {
            let events = try ok(["events", "--json"]).json()["events"] as? [Any]
            return try #require(events).count
        }

        /// init, an item, a receipt of 10 at 2.50 and an issue of 4 (costed at 2.50).
        func seed() throws {
            try ok(["init"])
            try ok(["post", "item", "--item", "A", "--model", "weighted-average", "--price", "11.00"])
            try ok([
                "post", "receive", "--date", "2026-01-01", "--item", "A", "--tx", "P1", "--qty", "10", "--cost", "2.50",
            ])
            try ok(["post", "issue", "--date", "2026-01-02", "--item", "A", "--tx", "S1", "--qty", "4"])
        }
    }

    static let smallJSONL = """
        {"command":"item","item":"B","model":"fifo","price":"5.00"}
        {"command":"receive","date":"2026-01-03","item":"B","tx":"PB1","qty":3,"cost":"4.00"}
        {"command":"issue","date":"2026-01-04","item":"B","tx":"SB1","qty":"1"}

        """

    // MARK: - Tests

    @Test func initSaysWhereAndRefusesAMissingLedgerElsewhere() throws {
        let box = try Sandbox()
        let missing = try box.run(["onhand"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("subledger init"))
        #expect(!FileManager.default.fileExists(atPath: box.db), "a query must not create a ledger")

        let created = try box.ok(["init"])
        #expect(created.stdout.contains("created"))
        #expect(created.stdout.contains("ledger.db"))
        #expect(FileManager.default.fileExists(atPath: box.db))
        let again = try box.ok(["init"])
        #expect(again.stdout.contains("already exists"))
    }

    @Test func postedReceiptAndIssueShowInOnHandAndTheGL() throws {
        let box = try Sandbox()
        try box.seed()

        let onhand = try box.ok(["onhand", "--json"]).json()
        let rows = try #require(onhand["onhand"] as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["item"] as? String == "A")
        #expect(rows.first?["qty"] as? String == "6.0000")
        #expect(rows.first?["value"] as? String == "15.00")
        #expect(onhand["total_value"] as? String == "15.00")

        let gl = try box.ok(["gl", "--json"]).json()
        #expect(gl["total"] as? String == "0.00")
        let accounts = try #require(gl["accounts"] as? [[String: Any]])
        let balances = Dictionary(
            uniqueKeysWithValues: accounts.map { ($0["account"] as! String, $0["balance"] as! String) })
        #expect(balances == ["1400": "15.00", "2100": "-25.00", "5000": "10.00"])

        let table = try box.ok(["gl"]).stdout
        let totalLine = try #require(table.split(separator: "\n").last)
        #expect(totalLine.hasPrefix("total") && totalLine.hasSuffix(" 0.00"), "\(table)")

        let transactions = try box.ok(["transactions", "--json"]).json()["transactions"] as? [[String: Any]]
        let issue = try #require(transactions?.first { $0["tx"] as? String == "S1" })
        #expect(issue["amount"] as? String == "10.00")
    }

    @Test func aRepeatedCommandIDAppendsNothing() throws {
        let box = try Sandbox()
        try box.seed()
        let arguments = [
            "post", "receive", "--date", "2026-01-05", "--item", "A", "--tx", "P2", "--qty", "1",
            "--cost", "3.00", "--command-id", "order-1",
        ]
        let first = try box.ok(arguments)
        #expect(first.stdout.contains("appended 1 event"))
        let count = try box.eventCount()
        let second = try box.ok(arguments)
        #expect(second.stdout.contains("already applied"))
        #expect(try box.eventCount() == count)
    }

    @Test func importingTheSameFileTwiceAppendsOnce() throws {
        let box = try Sandbox()
        try box.ok(["init"])
        let file = try box.write("small.jsonl", Self.smallJSONL)

        let first = try box.ok(["import", file])
        #expect(first.stdout.contains("3 events appended"), "\(first.stdout)")
        #expect(first.stdout.contains("events/s"))
        #expect(try box.eventCount() == 3)

        let second = try box.ok(["import", file, "--json"]).json()
        #expect(second["appended"] as? Int == 0)
        #expect((second["result"] as? [String: Any])?["duplicate"] as? Bool == true)
        #expect(try box.eventCount() == 3)

        let onhand = try box.ok(["onhand", "--item", "B", "--json"]).json()["onhand"] as? [[String: Any]]
        #expect(onhand?.first?["qty"] as? String == "2.0000")
    }

    @Test func aBadQuantityNamesItsLineAndWritesNothing() throws {
        let box = try Sandbox()
        try box.seed()
        let before = try box.eventCount()
        let file = try box.write(
            "bad.jsonl",
            """
            {"command":"receive","date":"2026-01-05","item":"A","tx":"P7","qty":"2","cost":"4.00"}
            {"command":"receive","date":"2026-01-05","item":"A","tx":"P8","qty":"two","cost":"4.00"}

            """)

        let text = try box.run(["import", file])
        #expect(text.status == 2)
        #expect(text.stderr.contains("error[invalid-quantity] line 2 field 'qty'"), "\(text.stderr)")
        #expect(text.stdout.isEmpty)
        #expect(try box.eventCount() == before, "a refused import must write nothing, not even line 1")

        let json = try box.run(["import", file, "--json"])
        #expect(json.status == 2)
        let error = try json.errorJSON()
        #expect(error["error"] as? String == "invalid-quantity")
        #expect(error["line"] as? Int == 2)
        #expect(error["field"] as? String == "qty")
        #expect(try box.eventCount() == before)
    }

    @Test func rejectionsExit2AndUsageErrorsExit64() throws {
        let box = try Sandbox()
        try box.seed()
        let before = try box.eventCount()

        let unknownItem = try box.run([
            "post", "issue", "--date", "2026-01-03", "--item", "NOPE", "--tx", "S9", "--qty", "1",
        ])
        #expect(unknownItem.status == 2)
        #expect(unknownItem.stderr.hasPrefix("error[unknown-item]"), "\(unknownItem.stderr)")

        let wrongKey = try box.run([
            "post", "issue", "--date", "2026-01-03", "--item", "A", "--tx", "S9", "--qty", "1",
            "--cost", "2.00",
        ])
        #expect(wrongKey.status == 2)
        #expect(wrongKey.stderr.contains("field 'cost'"))
        #expect(try box.eventCount() == before)

        let usage = try box.run(["onhand", "--no-such-flag"])
        #expect(usage.status == 64)
    }

    @Test func aFileThatIsNotALedgerIsRefused() throws {
        let box = try Sandbox()
        _ = try box.write("ledger.db", "this is not an SQLite database\n")
        let text = try box.run(["onhand"])
        #expect(text.status == 66)
        #expect(text.stderr.hasPrefix("error[not-a-ledger]"), "\(text.stderr)")
        let json = try box.run(["gl", "--json"])
        #expect(json.status == 66)
        #expect(try json.errorJSON()["error"] as? String == "not-a-ledger")
    }

    @Test func csvImportPostsReceiptsAndIssues() throws {
        let box = try Sandbox()
        try box.seed()
        let file = try box.write(
            "moves.csv",
            """
            command,date,item,tx,qty,cost
            receive,2026-01-06,A,P3,4,4.00
            issue,2026-01-07,A,S3,2,

            """)
        try box.ok(["import", file])
        let onhand = try box.ok(["onhand", "--json"]).json()["onhand"] as? [[String: Any]]
        #expect(onhand?.first?["qty"] as? String == "8.0000")
    }

    @Test func theDatabaseComesFromTheEnvironmentWhenNoFlagIsGiven() throws {
        let box = try Sandbox()
        try box.seed()
        let result = try box.run(["onhand", "--json"], withDB: false, environment: ["SUBLEDGER_DB": box.db])
        #expect(result.status == 0, "\(result.stderr)")
        #expect((try result.json()["total_value"]) as? String == "15.00")
    }

    @Test func verifyReportsAnIntactChain() throws {
        let box = try Sandbox()
        try box.seed()
        let result = try box.ok(["verify"])
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "chain intact: 3 events")
    }

    @Test func scenarioExitCodeFollowsTheExpectations() throws {
        let box = try Sandbox()
        let passing = try box.write(
            "pass.scenario",
            """
            item A model=fifo price=11.00
            2026-01-01 receive A P1 qty=2 cost=10.00
            expect onhand A qty=2 value=20.00
            expect gl inventory 20.00

            """)
        let failing = try box.write(
            "fail.scenario",
            """
            item A model=fifo price=11.00
            2026-01-01 receive A P1 qty=2 cost=10.00
            expect onhand A qty=2 value=21.00

            """)

        let pass = try box.run(["scenario", passing], withDB: false)
        #expect(pass.status == 0)
        #expect(pass.stdout.hasPrefix("PASS "))

        let fail = try box.run(["scenario", passing, failing], withDB: false)
        #expect(fail.status != 0)
        #expect(fail.stdout.contains("FAIL \(failing)"))
        #expect(fail.stdout.contains("\(failing):3: expect onhand A qty=2 value=21.00"))
        #expect(fail.stdout.contains("expected on-hand qty 2 value 21.00, found qty 2 value 20.00"))
    }

    @Test func demoLoadsOnceAndBalances() throws {
        let box = try Sandbox()
        let first = try box.ok(["demo", "--json"]).json()
        let result = try #require(first["result"] as? [String: Any])
        #expect(result["duplicate"] as? Bool == false)
        #expect((result["event_count"] as? Int ?? 0) >= 100)
        #expect((first["gl"] as? [String: Any])?["total"] as? String == "0.00")
        #expect(((first["onhand"] as? [String: Any])?["onhand"] as? [Any])?.isEmpty == false)
        // The demo ends with its first month closed (and the close's period snapshot stored).
        let close = try #require(first["close"] as? [String: Any])
        #expect(close["date"] as? String == "2026-01-31")
        #expect((first["close_result"] as? [String: Any])?["duplicate"] as? Bool == false)
        let closes = try box.ok(["closes", "--json"]).json()["closes"] as? [[String: Any]]
        #expect(closes?.count == 1)
        #expect(try box.ok(["snapshot", "list"]).stdout.contains("2026-01-31"))
        #expect(try box.ok(["settlements", "--json"]).json()["settlements"] as? [Any] != nil)

        let count = try box.eventCount()
        let second = try box.ok(["demo"])
        #expect(second.stdout.contains("nothing appended"))
        #expect(second.stdout.contains("Closed the first month: close through 2026-01-31"))
        #expect(second.stdout.contains("Trial balance"))
        #expect(try box.eventCount() == count)
        #expect((try box.ok(["closes", "--json"]).json()["closes"] as? [Any])?.count == 1)
    }
}
