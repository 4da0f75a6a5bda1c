import Foundation
import Testing

/// End-to-end tests of `close`, `recalculate`, `settlements`, `closes` and the settlement columns of
/// `transactions`, on the built binary (the runner and sandbox of `CLITests`).
struct CLICloseTests {
    typealias Sandbox = CLITests.Sandbox

    // MARK: - Fixtures

    /// The practitioner FIFO example (Scenarios/practitioner/blog-fifo.scenario): receipts P1..P5 at 10.00,
    /// 12.50, 9.00, 11.00, 13.00 and sales S1, S2 of one unit each, posted at the running average
    /// (10.50 and 10.67). A FIFO close settles S1 with P1 (-0.50) and S2 with P2 (+1.83).
    static func postPractitionerHistory(_ box: Sandbox) throws {
        try box.ok(["init"])
        try box.ok(["post", "item", "--item", "A", "--model", "fifo", "--price", "11.00"])
        let moves: [(date: String, tx: String, cost: String?)] = [
            ("2026-01-01", "P1", "10.00"), ("2026-01-03", "P2", "12.50"), ("2026-01-06", "P3", "9.00"),
            ("2026-01-09", "S1", nil), ("2026-01-11", "P4", "11.00"), ("2026-01-15", "S2", nil),
            ("2026-01-20", "P5", "13.00"),
        ]
        for move in moves {
            if let cost = move.cost {
                try box.ok([
                    "post", "receive", "--date", move.date, "--item", "A", "--tx", move.tx, "--qty", "1", "--cost",
                    cost,
                ])
            } else {
                try box.ok(["post", "issue", "--date", move.date, "--item", "A", "--tx", move.tx, "--qty", "1"])
            }
        }
    }

    /// `settlements --json` rows (with extra arguments).
    static func settlements(_ box: Sandbox, _ arguments: [String] = []) throws -> [[String: Any]] {
        try #require(try box.ok(["settlements", "--json"] + arguments).json()["settlements"] as? [[String: Any]])
    }

    /// `transactions --json` rows by transaction id.
    static func transactions(_ box: Sandbox) throws -> [String: [String: Any]] {
        let rows = try #require(try box.ok(["transactions", "--json"]).json()["transactions"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["tx"] as! String, $0) })
    }

    /// The balance of the account that carries `postingType` in `gl --json`.
    static func glBalance(_ box: Sandbox, _ postingType: String) throws -> String? {
        let accounts = try #require(try box.ok(["gl", "--json"]).json()["accounts"] as? [[String: Any]])
        let account = accounts.first { ($0["posting_types"] as? [String])?.contains(postingType) == true }
        return account?["balance"] as? String
    }

    static func closes(_ box: Sandbox) throws -> (closes: [[String: Any]], closedThrough: String?) {
        let json = try box.ok(["closes", "--json"]).json()
        return (try #require(json["closes"] as? [[String: Any]]), json["closed_through"] as? String)
    }

    /// Sequence of the last event in the log.
    static func lastSequence(_ box: Sandbox) throws -> Int? {
        let events = try #require(try box.ok(["events", "--json"]).json()["events"] as? [[String: Any]])
        return events.last?["sequence"] as? Int
    }

    // MARK: - close

    @Test func closeSettlesTheFIFOExampleAndMovesTheAdjustmentToCOGS() throws {
        let box = try Sandbox()
        try Self.postPractitionerHistory(box)
        #expect(try Self.glBalance(box, "cogs") == "21.17", "before the close: 10.50 + 10.67 at the running average")

        let close = try box.ok(["close", "2026-01-31", "--json"]).json()
        let result = try #require(close["result"] as? [String: Any])
        #expect(result["duplicate"] as? Bool == false)
        #expect(close["appended"] as? Int == 2, "one settlement.posted for the pool, then close.posted")
        let run = try #require(close["close"] as? [String: Any])
        #expect(run["mode"] as? String == "close")
        #expect(run["date"] as? String == "2026-01-31")
        #expect(run["settlement_entries"] as? Int == 2)
        #expect(run["total_adjustment"] as? String == "1.33")
        #expect((run["log"] as? [Any])?.isEmpty == true, "every issue settles: nothing to log")

        let rows = try Self.settlements(box)
        #expect(rows.count == 2)
        let byIssue = Dictionary(uniqueKeysWithValues: rows.map { ($0["tx"] as! String, $0) })
        let s1 = try #require(byIssue["S1"])
        #expect(s1["counterpart"] as? String == "P1")
        #expect(s1["kind"] as? String == "settlement")
        #expect(s1["model"] as? String == "fifo")
        #expect(s1["mode"] as? String == "close")
        #expect(s1["qty"] as? String == "1.0000")
        #expect(s1["settled_amount"] as? String == "10.00")
        #expect(s1["adjustment"] as? String == "-0.50")
        #expect(s1["date"] as? String == "2026-01-31")
        let s2 = try #require(byIssue["S2"])
        #expect(s2["counterpart"] as? String == "P2")
        #expect(s2["settled_amount"] as? String == "12.50")
        #expect(s2["adjustment"] as? String == "1.83")

        #expect(try Self.glBalance(box, "cogs") == "22.50", "21.17 - 0.50 + 1.83")
        #expect(try Self.glBalance(box, "inventory") == "33.00", "P3 + P4 + P5 at their receipt cost")
        #expect(try box.ok(["gl", "--json"]).json()["total"] as? String == "0.00")
    }

    @Test func closeTablePrintsTheSettlementsAndTheLogWithoutProgressOnAPipe() throws {
        let box = try Sandbox()
        try Self.postPractitionerHistory(box)
        let run = try box.ok(["close", "2026-01-31"])
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("appended 2 events") == true, "\(run.stdout)")
        #expect(run.stdout.contains("close through 2026-01-31"))
        #expect(run.stdout.contains("2 settlement entries"))
        #expect(run.stdout.contains("total adjustment +1.33"))
        #expect(lines.contains { $0.contains(" S1 ") && $0.contains(" P1 ") && $0.hasSuffix("-0.50") }, "\(run.stdout)")
        #expect(lines.contains { $0.contains(" S2 ") && $0.contains(" P2 ") && $0.hasSuffix("+1.83") }, "\(run.stdout)")
        #expect(run.stdout.contains("Close log"))
        #expect(run.stdout.contains("unsettled issues: none"))
        #expect(run.stdout.contains("zero-cost issues: none"))
        #expect(run.stdout.contains("negative on-hand: none"))
        #expect(run.stderr.isEmpty, "no progress line when stderr is not a terminal: \(run.stderr)")

        let table = try box.ok(["settlements"]).stdout
        let total = try #require(table.split(separator: "\n").last).split(separator: " ")
        #expect(total.first == "total" && total.suffix(2) == ["22.50", "+1.33"], "\(table)")
    }

    @Test func aPostInTheClosedPeriodIsRefusedAndALaterOneAccepted() throws {
        let box = try Sandbox()
        try Self.postPractitionerHistory(box)
        try box.ok(["close", "2026-01-31"])
        let before = try box.eventCount()

        let text = try box.run([
            "post", "receive", "--date", "2026-01-15", "--item", "A", "--tx", "P9", "--qty", "1",
            "--cost", "5.00",
        ])
        #expect(text.status == 2)
        #expect(text.stderr.hasPrefix("error[period-closed]"), "\(text.stderr)")
        let json = try box.run([
            "post", "issue", "--date", "2026-01-31", "--item", "A", "--tx", "S9", "--qty", "1", "--json",
        ])
        #expect(json.status == 2)
        #expect(try json.errorJSON()["error"] as? String == "period-closed")
        let again = try box.run(["close", "2026-01-31"])
        #expect(again.status == 2, "closing the same period again under a new command id is refused")
        #expect(again.stderr.hasPrefix("error[period-closed]"))
        #expect(try box.eventCount() == before, "refused commands write nothing")

        try box.ok([
            "post", "receive", "--date", "2026-02-01", "--item", "A", "--tx", "P9", "--qty", "1", "--cost", "5.00",
        ])
        #expect(try box.eventCount() == before + 1)
    }

    @Test func closesListsTheCloseAndSettlementsFilterByIt() throws {
        let box = try Sandbox()
        try Self.postPractitionerHistory(box)
        #expect(try Self.closes(box).closes.isEmpty)
        #expect(try Self.closes(box).closedThrough == nil)
        try box.ok(["close", "2026-01-31"])

        let (closes, closedThrough) = try Self.closes(box)
        #expect(closes.count == 1)
        let close = try #require(closes.first)
        #expect(close["date"] as? String == "2026-01-31")
        #expect(close["mode"] as? String == "close")
        #expect(close["settled"] as? Int == 2)
        let sequence = try #require(close["sequence"] as? Int)
        #expect(sequence == (try Self.lastSequence(box)), "a close's sequence is that of its close.posted event")
        #expect(closedThrough == "2026-01-31")

        let text = try box.ok(["closes"]).stdout
        #expect(text.contains("Close \(sequence) through 2026-01-31"), "\(text)")
        #expect(text.contains("closed through 2026-01-31"))

        #expect(try Self.settlements(box, ["--close", String(sequence)]).count == 2)
        #expect(
            try Self.settlements(box, ["--close", String(sequence)]).allSatisfy {
                $0["close_sequence"] as? Int == sequence
            })
        let wrong = try box.run(["settlements", "--close", String(sequence - 1)])
        #expect(wrong.status == 64)
        #expect(wrong.stderr.contains("subledger closes"))

        let p2 = try Self.settlements(box, ["--tx", "P2"])
        #expect(p2.count == 1)
        #expect(p2.first?["tx"] as? String == "S2", "--tx also finds the entries that settle against a receipt")
        #expect(try Self.settlements(box, ["--item", "A"]).count == 2)
        // An item the ledger never defined is a mistake, not an empty list.
        let unknown = try box.run(["settlements", "--item", "B"])
        #expect(unknown.status == 2 && unknown.stderr.hasPrefix("error[unknown-item]"), "\(unknown.stderr)")
    }

    @Test func resendingACloseWithTheSameCommandIDAppendsNothing() throws {
        let box = try Sandbox()
        try Self.postPractitionerHistory(box)
        let first = try box.ok(["close", "2026-01-31", "--command-id", "close-2026-01"])
        #expect(first.stdout.hasPrefix("appended 2 events"))
        let count = try box.eventCount()

        let second = try box.ok(["close", "2026-01-31", "--command-id", "close-2026-01"])
        #expect(second.stdout.hasPrefix("already applied"), "\(second.stdout)")
        #expect(second.stdout.contains("total adjustment +1.33"), "the re-sent command reports the first run")
        let json = try box.ok(["close", "2026-01-31", "--command-id", "close-2026-01", "--json"]).json()
        #expect((json["result"] as? [String: Any])?["duplicate"] as? Bool == true)
        #expect(json["appended"] as? Int == 0)
        #expect(try box.eventCount() == count)
        #expect(try Self.closes(box).closes.count == 1)
        #expect(try Self.settlements(box).count == 2)
    }

    // MARK: - recalculate

    @Test func recalculateAdjustsCostsButLeavesThePeriodOpen() throws {
        let box = try Sandbox()
        try Self.postPractitionerHistory(box)
        #expect(try Self.transactions(box)["S1"]?["current_amount"] as? String == "10.50")

        let run = try box.ok(["recalculate", "2026-01-31"])
        #expect(run.stdout.contains("recalculation through 2026-01-31"), "\(run.stdout)")
        #expect(run.stdout.contains("Recalculation log"))

        let transactions = try Self.transactions(box)
        let s1 = try #require(transactions["S1"]), s2 = try #require(transactions["S2"])
        #expect(s1["current_amount"] as? String == "10.00")
        #expect(s1["adjustment"] as? String == "-0.50")
        #expect(s1["posted_amount"] as? String == "10.50")
        #expect(s1["settled_qty"] as? String == "0.0000", "a recalculation settles nothing")
        #expect(s1["open_qty"] as? String == "1.0000")
        #expect(s2["current_amount"] as? String == "12.50")
        #expect(try Self.glBalance(box, "cogs") == "22.50")

        let rows = try Self.settlements(box)
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { $0["mode"] as? String == "recalculation" && $0["kind"] as? String == "adjustment" })
        let (closes, closedThrough) = try Self.closes(box)
        #expect(closes.first?["mode"] as? String == "recalculation")
        #expect(closedThrough == nil)

        let before = try box.eventCount()
        try box.ok([
            "post", "receive", "--date", "2026-01-25", "--item", "A", "--tx", "P6", "--qty", "1", "--cost", "8.00",
        ])
        try box.ok(["post", "issue", "--date", "2026-01-10", "--item", "A", "--tx", "S3", "--qty", "1"])
        #expect(try box.eventCount() == before + 2, "posts dated before the recalculation are still accepted")
    }

    // MARK: - transactions

    @Test func transactionsShowPostedAdjustedCurrentSettledAndOpen() throws {
        let box = try Sandbox()
        try Self.postPractitionerHistory(box)
        try box.ok(["close", "2026-01-31"])
        let transactions = try Self.transactions(box)

        let s1 = try #require(transactions["S1"])
        #expect(s1["posted_unit_cost"] as? String == "10.5000")
        #expect(s1["posted_amount"] as? String == "10.50")
        #expect(s1["adjustment"] as? String == "-0.50")
        #expect(s1["current_amount"] as? String == "10.00")
        #expect(s1["current_unit_cost"] as? String == "10.0000")
        #expect(s1["settled_qty"] as? String == "1.0000")
        #expect(s1["open_qty"] as? String == "0.0000")
        let s2 = try #require(transactions["S2"])
        #expect(s2["posted_unit_cost"] as? String == "10.6700")
        #expect(s2["current_unit_cost"] as? String == "12.5000")
        let p1 = try #require(transactions["P1"]), p3 = try #require(transactions["P3"])
        #expect(p1["settled_qty"] as? String == "1.0000")
        #expect(p1["open_qty"] as? String == "0.0000")
        #expect(p3["settled_qty"] as? String == "0.0000")
        #expect(p3["open_qty"] as? String == "1.0000")
        #expect(p3["adjustment"] as? String == "0.00")

        let table = try box.ok(["transactions"]).stdout
        let header = try #require(table.split(separator: "\n").first)
        for column in ["POSTED UNIT", "POSTED AMT", "ADJUSTMENT", "AMOUNT", "UNIT COST", "SETTLED", "OPEN"] {
            #expect(header.contains(column), "\(header)")
        }
        let row = try #require(table.split(separator: "\n").first { $0.contains(" S2 ") })
        #expect(
            row.contains("10.6700") && row.contains("10.67") && row.contains("+1.83") && row.contains("12.5000"),
            "\(row)")
    }

    // MARK: - The close log, help, arguments

    @Test func theCloseLogNamesUnsettledIssuesAndNegativeOnHand() throws {
        let box = try Sandbox()
        try box.ok(["init"])
        try box.ok(["post", "item", "--item", "B", "--model", "lifo", "--price", "3.00"])
        try box.ok(["post", "issue", "--date", "2026-01-05", "--item", "B", "--tx", "SB1", "--qty", "2"])

        let run = try box.ok(["close", "2026-01-31"])
        #expect(run.stdout.contains("unsettled issues: 1"), "\(run.stdout)")
        #expect(run.stdout.contains("negative on-hand: 1"))
        let logLines = run.stdout.split(separator: "\n").filter { $0.hasPrefix("    ") }
        #expect(logLines.contains { $0.contains("SB1") }, "\(run.stdout)")

        let close = try #require(try Self.closes(box).closes.first)
        #expect((close["unsettled"] as? [String])?.contains { $0.contains("SB1") } == true)
        #expect((close["negative_onhand"] as? [String])?.count == 1)
        #expect((close["zero_cost"] as? [String])?.isEmpty == true)
        #expect(try Self.settlements(box).isEmpty)
    }

    @Test func helpHasAnExampleAndABadDateIsAUsageError() throws {
        let box = try Sandbox()
        for (command, example) in [
            ("close", "subledger close 2026-01-31"), ("recalculate", "subledger recalculate 2026-01-15"),
            ("settlements", "subledger settlements --tx S1"), ("closes", "subledger closes"),
        ] {
            let help = try box.run([command, "--help"], withDB: false)
            #expect(help.status == 0)
            #expect(help.stdout.contains("Examples:"), "\(command): \(help.stdout)")
            #expect(help.stdout.contains(example), "\(command): \(help.stdout)")
        }
        try box.ok(["init"])
        #expect(try box.run(["close", "2026-02-30"]).status == 64)
        #expect(try box.run(["close"]).status == 64)
        #expect(try box.eventCount() == 0)
    }
}
