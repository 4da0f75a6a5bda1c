import Foundation
import Testing

/// DR-17 end to end: figures out of range, which would trap (exit 132) without the range checks, are refused with
/// exit 2 (`post`, `import`, `reconcile --gl`) or a refused statement (`scenario`), and nothing is written.
struct OverflowCLITests {
    typealias Sandbox = CLITests.Sandbox

    @Test func postRefusesOutOfRangeFiguresWithExit2() throws {
        let box = try Sandbox()
        try box.seed()
        let before = try box.eventCount()
        let attempts: [([String], String)] = [
            (
                [
                    "post", "receive", "--date", "2026-01-03", "--item", "A", "--tx", "P9", "--qty", "900000000000000",
                    "--cost", "100000",
                ],
                "error[invalid-quantity] field 'qty'"
            ),
            (
                ["post", "issue", "--date", "2026-01-03", "--item", "A", "--tx", "S9", "--qty", "922337203685477"],
                "error[invalid-quantity] field 'qty'"
            ),
            (
                [
                    "post", "receive", "--date", "2026-01-03", "--item", "A", "--tx", "P9", "--qty", "1000000",
                    "--cost", "1000000000000",
                ],
                "error[invalid-amount] field 'cost'"
            ),
        ]
        for (arguments, message) in attempts {
            let run = try box.run(arguments)
            #expect(run.status == 2, "\(arguments): exit \(run.status) \(run.stderr)")
            #expect(run.stderr.contains(message), "\(run.stderr)")
        }
        try box.ok(["post", "item", "--item", "STD", "--model", "standard", "--standard", "1"])
        try box.ok([
            "post", "receive", "--date", "2026-01-03", "--item", "STD", "--tx", "Q1", "--qty", "1000000000", "--cost",
            "1",
        ])
        let change = try box.run([
            "post", "standard-cost", "--date", "2026-01-04", "--item", "STD", "--price", "1000000000",
        ])
        #expect(change.status == 2)
        #expect(change.stderr.contains("error[invalid-amount] field 'price'"), "\(change.stderr)")
        let adjust = try box.run([
            "post", "adjust", "--date", "2026-01-04", "--tx", "P1", "--amount", "92233720368547758.07",
        ])
        #expect(adjust.status == 2)
        #expect(adjust.stderr.contains("field 'amount'"), "\(adjust.stderr)")
        #expect(try box.eventCount() == before + 2)
    }

    /// The issue's three receipts in three posting groups: refused at import; reports still run.
    @Test func importRefusesAndReportsStillRun() throws {
        let box = try Sandbox()
        try box.ok(["init"])
        let file = try box.write(
            "big.jsonl",
            """
            {"command":"item","item":"G1","model":"fifo","group":"g1"}
            {"command":"item","item":"G2","model":"fifo","group":"g2"}
            {"command":"item","item":"G3","model":"fifo","group":"g3"}
            {"command":"receive","date":"2026-01-02","item":"G1","tx":"P1","qty":"50","cost":"900000000000000"}
            {"command":"receive","date":"2026-01-02","item":"G2","tx":"P2","qty":"50","cost":"900000000000000"}
            {"command":"receive","date":"2026-01-02","item":"G3","tx":"P3","qty":"50","cost":"900000000000000"}

            """)
        let run = try box.run(["import", file])
        #expect(run.status == 2, "exit \(run.status): \(run.stderr)")
        #expect(run.stderr.contains("error[invalid-amount] line 4 field 'cost'"), "\(run.stderr)")
        let near = try box.write(
            "near.jsonl",
            """
            {"command":"item","item":"G1","model":"fifo","group":"g1"}
            {"command":"item","item":"G2","model":"fifo","group":"g2"}
            {"command":"item","item":"G3","model":"fifo","group":"g3"}
            {"command":"receive","date":"2026-01-02","item":"G1","tx":"P1","qty":"400","cost":"1000000000000"}
            {"command":"receive","date":"2026-01-02","item":"G2","tx":"P2","qty":"400","cost":"1000000000000"}
            {"command":"receive","date":"2026-01-02","item":"G3","tx":"P3","qty":"400","cost":"1000000000000"}

            """)
        let third = try box.run(["import", near])
        #expect(third.status == 2)
        #expect(
            third.stderr.contains("line 6 field 'cost'") && third.stderr.contains("account 1400"), "\(third.stderr)")
        #expect(try box.eventCount() == 0, "an import is one atomic command")
        for query in [
            ["onhand"], ["gl"], ["replay"], ["value", "--as-of", "2026-01-31"], ["reconcile", "--as-of", "2026-01-31"],
        ] {
            #expect(try box.run(query).status == 0, "\(query)")
        }
    }

    @Test func scenarioRefusesTheStatementInsteadOfTrapping() throws {
        let box = try Sandbox()
        let file = try box.write(
            "big.scenario",
            """
            item A model=fifo
            2026-01-01 receive A P1 qty=900000000000000 cost=100000
            expect rejected invalid-quantity
            2026-01-01 receive A P2 qty=1000000 cost=1000000000000
            expect rejected invalid-amount

            """)
        let run = try box.run(["scenario", file], withDB: false)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let unexpected = try box.write(
            "refused.scenario", "item A model=fifo\n2026-01-01 receive A P1 qty=900000000000000 cost=100000\n")
        let refused = try box.run(["scenario", unexpected], withDB: false)
        #expect(refused.status == 1, "a refused statement fails the scenario, it does not trap: \(refused.status)")
        #expect(refused.stdout.contains("error[invalid-quantity]"))
    }

    @Test func reconcileRefusesAnExternalBalanceOutOfRange() throws {
        let box = try Sandbox()
        try box.seed()
        // 2100 (payable) is -25.00 in the ledger: the difference external - ledger trapped.
        let file = try box.write("tb.csv", "account,balance\n1400,15.00\n2100,92233720368547758.00\n")
        let run = try box.run(["reconcile", "--as-of", "2026-01-31", "--gl", file])
        #expect(run.status == 2, "exit \(run.status): \(run.stderr)")
        #expect(run.stderr.contains("error[invalid-amount] line 3 field 'balance'"), "\(run.stderr)")
        #expect(run.stderr.contains("out of range"))
    }
}

/// Reports over a ledger near the bounds: 120 cost pools each at the money limit, each in its own
/// posting group and accounts (so every figure is in range), whose totals exceed `Int64`. Every report
/// adds them up in Int128 (DR-17); before, each trapped on its total.
struct ReportTotalsNearBoundsTests {
    static let pools = 120

    static func history() -> String {
        var lines: [String] = []
        for n in 1...pools {
            lines.append(#"{"command":"accounts","group":"g\#(n)","inventory":"1400-\#(n)","payable":"2100-\#(n)"}"#)
            lines.append(#"{"command":"item","item":"I\#(n)","model":"weighted-average","group":"g\#(n)"}"#)
            lines.append(
                #"{"command":"receive","date":"2026-01-02","item":"I\#(n)","tx":"P\#(n)","qty":"1000","cost":"1000000000000"}"#
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// 120 x 10^17 cents (1.2 x 10^19, beyond Int64), as text.
    static let total = "120000000000000000.00"

    @Test func everyReportAddsUpBeyondInt64() throws {
        let box = try CLITests.Sandbox()
        try box.ok(["init"])
        try box.ok(["import", try box.write("near.jsonl", Self.history())])
        let onhand = try box.ok(["onhand", "--json"]).json()
        #expect(onhand["total_value"] as? String == Self.total)
        // The debits alone exceed Int64 before the credits bring the total back to zero.
        let gl = try box.ok(["gl", "--json"]).json()
        #expect(gl["total"] as? String == "0.00")
        let value = try box.ok(["value", "--as-of", "2026-01-31", "--json"]).json()
        #expect((value["total"] as? [String: Any])?["value"] as? String == Self.total, "\(value["total"] ?? "")")
        #expect(value["gl_inventory_total"] as? String == Self.total)
        let reconcile = try box.ok(["reconcile", "--as-of", "2026-01-31", "--json"]).json()
        #expect(reconcile["pool_value"] as? String == Self.total)
        let replay = try box.ok(["replay", "--json"]).json()
        #expect(replay["total_value"] as? String == Self.total)
        try box.ok(["replay", "--verify"])
        try box.ok(["close", "2026-01-31"])
        try box.ok(["closes"])
        try box.ok(["vouchers"])
        try box.ok(["snapshot"])
        try box.ok(["snapshot", "verify"])
    }
}
