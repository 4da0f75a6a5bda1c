import Foundation
import Subledger
import SubledgerCore
import SubledgerTestSupport
import Testing

/// What the CLI shows of the actor (DR-25) and what `import --group N` does.
struct GroupCLITests {
    @Test func commandsAndEventsShowTheActorOnlyWhereThereIsOne() throws {
        let box = try CLITests.Sandbox()
        try box.ok(["init"])
        try box.ok(["post", "item", "--item", "A", "--model", "fifo"])
        let before = try box.ok(["commands"]).stdout
        #expect(!before.contains("ACTOR"))
        do {
            let ledger = try Ledger(path: box.db, access: .existing)
            try ledger.execute(try CommandIDTests.receive("P1"), commandID: "erp-1", actor: "erp")
        }
        let table = try box.ok(["commands"]).stdout
        let lines = table.split(separator: "\n")
        #expect(lines.first?.hasSuffix("ACTOR") == true, "\(table)")
        #expect(lines.last?.hasPrefix("erp-1") == true && lines.last?.hasSuffix("erp") == true, "\(table)")
        #expect(lines.count == 4 && lines[2].hasSuffix(" -"), "the CLI's command shows no actor: \(table)")

        let commands = try #require(try box.ok(["commands", "--json"]).json()["commands"] as? [[String: Any]])
        #expect(commands.count == 2 && commands[0]["actor"] == nil && commands[1]["actor"] as? String == "erp")
        let events = try #require(try box.ok(["events", "--json"]).json()["events"] as? [[String: Any]])
        #expect(events.count == 2 && events[0]["actor"] == nil && events[1]["actor"] as? String == "erp")
        let page = try #require(
            try box.ok(["events", "--json", "--after", "1", "--limit", "1"]).json()["events"] as? [[String: Any]])
        #expect(page.count == 1 && page[0]["actor"] as? String == "erp")
    }

    @Test func groupedImportPostsTheGoodLinesAndNamesTheRefusedOnes() throws {
        let box = try CLITests.Sandbox()
        try box.ok(["init"])
        let file = try box.write(
            "feed.jsonl",
            """
            {"command":"item","item":"A","model":"fifo"}
            {"command":"receive","date":"2026-01-02","item":"A","tx":"R1","qty":"2","cost":"5"}
            {"command":"receive","date":"2026-01-02","item":"A","tx":"R1","qty":"3","cost":"5"}
            {"command":"receive","date":"2026-01-03","item":"A","tx":"R2","qty":"1","cost":"6"}
            {"command":"receive","date":"2026-01-03","item":"B","tx":"R3","qty":"1","cost":"6"}

            """)
        let first = try box.run(["import", file, "--group", "2", "--json"])
        #expect(first.status == 2, "\(first.stderr)")
        let o = try first.json()
        #expect(o["appended"] as? Int == 3 && o["events"] as? Int == 3 && o["transactions"] as? Int == 3)
        let refused = try #require(o["refused"] as? [[String: Any]])
        #expect(refused.map { $0["line"] as? Int } == [3, 5])
        #expect(refused.map { $0["error"] as? String } == ["duplicate-transaction", "unknown-item"])
        // Again: the accepted lines are in the log already, the refused ones are refused again.
        let again = try box.run(["import", file, "--group", "2", "--json"]).json()
        #expect(again["appended"] as? Int == 0 && again["already_applied"] as? Int == 3)
        #expect(try box.eventCount() == 3)
        // A line that cannot be read refuses the file before anything is written.
        let bad = try box.write("bad.jsonl", "{\"command\":\"item\",\"item\":\"C\",\"model\":\"fifo\"}\n{not json\n")
        #expect(try box.run(["import", bad, "--group", "2"]).status == 2)
        #expect(try box.eventCount() == 3)
        #expect(try box.run(["import", file, "--group", "0"]).status != 0)
    }
}
