import Foundation
import SubledgerTestSupport
import Testing

/// `--command-id` through the built binary: the same command again is "already applied" (exit 0), another
/// command under the id is refused with `command-id-conflict` (exit 2) and nothing is written.
struct CLICommandIDTests {
    typealias Sandbox = CLITests.Sandbox

    /// Runs `arguments`, which must be refused with command-id-conflict and append nothing.
    static func expectConflict(
        _ box: Sandbox, _ arguments: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let before = try box.eventCount()
        let run = try box.run(arguments)
        #expect(run.status == 2, "exit \(run.status): \(run.stdout)", sourceLocation: sourceLocation)
        #expect(
            run.stderr.hasPrefix("error[command-id-conflict] field 'command-id': command id '"),
            "\(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stdout.isEmpty, "\(run.stdout)", sourceLocation: sourceLocation)
        let json = try box.run(arguments + ["--json"])
        #expect(json.status == 2, sourceLocation: sourceLocation)
        let error = try json.errorJSON()
        #expect(error["error"] as? String == "command-id-conflict", sourceLocation: sourceLocation)
        #expect(error["field"] as? String == "command-id", sourceLocation: sourceLocation)
        #expect(try box.eventCount() == before, "something was appended", sourceLocation: sourceLocation)
    }

    @Test func postUnderTheIdOfAnotherPostIsRefused() throws {
        let box = try Sandbox()
        try box.seed()
        try box.ok([
            "post", "receive", "--date", "2026-01-05", "--item", "A", "--tx", "P2", "--qty", "1",
            "--cost", "3.00", "--command-id", "order-1",
        ])
        let other = [
            "post", "receive", "--date", "2026-01-05", "--item", "A", "--tx", "P3", "--qty", "1",
            "--cost", "3.00", "--command-id", "order-1",
        ]
        try Self.expectConflict(box, other)
        let run = try box.run(other)
        // The message names the id, the first command and the new one.
        #expect(
            run.stderr.contains("'order-1'") && run.stderr.contains("first receive (1 event at sequence 4")
                && run.stderr.contains("now receive P3 of A on 2026-01-05"), "\(run.stderr)")
        // The same command with its flags in another order and its numbers spelled otherwise: the same.
        let again = try box.ok([
            "post", "receive", "--command-id", "order-1", "--cost", "3", "--qty", "1.0",
            "--tx", "P2", "--item", "A", "--date", "2026-01-05",
        ])
        #expect(again.stdout.hasPrefix("already applied: command order-1"), "\(again.stdout)")
    }

    @Test func importUnderTheIdOfOtherCommandsIsRefused() throws {
        let box = try Sandbox()
        try box.seed()
        let jsonl = try box.write(
            "a.jsonl",
            """
            {"command":"receive","date":"2026-01-06","item":"A","tx":"P7","qty":"2","cost":"4.00"}
            {"command":"issue","date":"2026-01-07","item":"A","tx":"S7","qty":"1"}

            """)
        try box.ok(["import", jsonl, "--command-id", "batch-1"])
        // The same commands as CSV: already applied.
        let csv = try box.write(
            "a.csv", "command,date,item,tx,qty,cost\nreceive,2026-01-06,A,P7,2,4\nissue,2026-01-07,A,S7,1,\n")
        let again = try box.ok(["import", csv, "--command-id", "batch-1"])
        #expect(again.stdout.hasPrefix("already applied"), "\(again.stdout)")
        let other = try box.write(
            "b.jsonl",
            """
            {"command":"receive","date":"2026-01-06","item":"A","tx":"P8","qty":"2","cost":"4.00"}

            """)
        try Self.expectConflict(box, ["import", other, "--command-id", "batch-1"])
    }

    @Test func closeUnderTheIdOfAnotherCloseIsRefusedAndThePeriodStaysOpen() throws {
        let box = try Sandbox()
        try box.seed()
        try box.ok(["close", "2026-01-31", "--command-id", "close-1"])
        try Self.expectConflict(box, ["close", "2026-02-28", "--command-id", "close-1"])
        let closes = try box.ok(["closes", "--json"]).json()["closes"] as? [[String: Any]]
        #expect(closes?.count == 1)
        try box.ok([
            "post", "receive", "--date", "2026-02-10", "--item", "A", "--tx", "P9", "--qty", "1", "--cost", "2",
        ])
        try Self.expectConflict(box, ["reverse-close", "--date", "2026-01-31", "--command-id", "close-1"])
    }

    @Test func commandsShowTheContentHash() throws {
        let box = try Sandbox()
        try box.seed()
        let commands = try #require(try box.ok(["commands", "--json"]).json()["commands"] as? [[String: Any]])
        #expect(commands.count == 3)  // the item, the receipt, the issue
        for command in commands {
            let hash = command["content_hash"] as? String ?? ""
            #expect(hash.count == 64 && hash.allSatisfy(\.isHexDigit), "\(command)")
        }
        let table = try box.ok(["commands"]).stdout
        #expect(table.contains("CONTENT"), "\(table)")
        let posted = try box.ok([
            "post", "receive", "--date", "2026-01-05", "--item", "A", "--tx", "P2", "--qty", "1",
            "--cost", "3.00", "--json",
        ]).json()
        #expect((posted["content_hash"] as? String)?.count == 64)
    }

    /// Two processes post different commands under one id at the same time: exactly one lands, the other
    /// is refused.
    @Test func twoProcessesWithOneIdAndDifferentContentLandOnce() throws {
        let box = try Sandbox()
        try box.seed()
        let start = try box.eventCount()
        for round in 1...4 {
            let children = try (0..<2).map { writer in
                try ChildProcess(
                    [
                        "post", "receive", "--date", "2026-01-05", "--item", "A", "--tx", "R\(round)-\(writer)",
                        "--qty", "1", "--cost", "3", "--command-id", "race-\(round)", "--db", box.db,
                    ],
                    in: box.directory)
            }
            for child in children { try child.start() }
            let results = try children.map { try $0.finish() }
            let landed = results.filter { $0.status == 0 }
            let refused = results.filter { $0.status == 2 && $0.stderr.hasPrefix("error[command-id-conflict]") }
            #expect(
                landed.count == 1 && refused.count == 1,
                "round \(round): \(results.map { "\($0.status) \($0.stdout) \($0.stderr)" })")
        }
        #expect(try box.eventCount() == start + 4)
    }
}
