// Golden outputs of the commands that write: `post`, `import`, `recalculate`, `close`, `reverse-close`, a
// re-sent and a conflicting command id, rejections, each with `--json` or as a table, run in order through
// the CLI on the golden ledger, then the queries that show what they did. Compared byte for byte with the
// files under Tests/Golden/ (stdout, then stderr when there is any), like GoldenOutputTests.
//
// Regenerate on purpose only: SUBLEDGER_RECORD_GOLDEN=1 swift test --filter GoldenOutputTests

import Foundation
import SubledgerTestSupport
import Testing

struct GoldenWriteOutputTests {
    typealias Query = GoldenOutputTests.Query

    /// In order: each one sees what the ones before it wrote.
    static let commands: [Query] = [
        Query(
            name: "write-01-post-receive",
            arguments: [
                "post", "receive", "--date", "2026-03-07", "--item", "GA", "--tx", "P-GA4", "--qty", "3", "--cost",
                "11.50", "--command-id", "cli-post-1", "--json",
            ]),
        Query(
            name: "write-02-post-issue",
            arguments: [
                "post", "issue", "--date", "2026-03-08", "--item", "GA", "--tx", "S-GA4", "--qty", "2", "--command-id",
                "cli-post-2",
            ]),
        Query(
            name: "write-03-post-resent",
            arguments: [
                "post", "receive", "--item", "GA", "--date", "2026-03-07", "--tx", "P-GA4", "--qty", "3.00", "--cost",
                "11.5", "--command-id", "cli-post-1", "--json",
            ]),
        Query(
            name: "write-04-post-id-conflict",
            arguments: [
                "post", "receive", "--date", "2026-03-07", "--item", "GA", "--tx", "P-GA5", "--qty", "3", "--cost",
                "11.50", "--command-id", "cli-post-1", "--json",
            ], status: 2),
        Query(
            name: "write-05-post-period-closed",
            arguments: ["post", "issue", "--date", "2026-02-20", "--item", "GA", "--tx", "S-GA5", "--qty", "1"],
            status: 2),
        Query(name: "write-06-import", arguments: ["import", "april.jsonl", "--json"]),
        Query(name: "write-07-import-again", arguments: ["import", "april.jsonl"]),
        Query(name: "write-08-import-csv", arguments: ["import", "april.csv"]),
        Query(name: "write-09-recalculate", arguments: ["recalculate", "2026-03-10", "--command-id", "cli-recalc"]),
        Query(name: "write-10-close", arguments: ["close", "2026-03-31", "--command-id", "cli-close-03"]),
        Query(
            name: "write-11-reverse-close",
            arguments: ["reverse-close", "--date", "2026-03-31", "--command-id", "cli-reopen-03", "--json"]),
        Query(
            name: "write-12-close-again",
            arguments: ["close", "2026-03-31", "--command-id", "cli-close-03b", "--json"]),
        Query(
            name: "write-13-reverse-not-latest",
            arguments: ["reverse-close", "--date", "2026-02-28", "--json"], status: 2),
        Query(
            name: "write-14-reverse-through",
            arguments: ["reverse-close", "--through", "2026-01-31", "--command-id", "cli-reopen-through"]),
        Query(name: "write-15-closes", arguments: ["closes", "--json"]),
        Query(name: "write-16-settlements-ga", arguments: ["settlements", "--item", "GA"]),
        Query(name: "write-17-gl", arguments: ["gl", "--json"]),
        Query(name: "write-18-transactions-ga", arguments: ["transactions", "--item", "GA", "--json"]),
        Query(name: "write-19-onhand", arguments: ["onhand"]),
        Query(name: "write-20-reconcile", arguments: ["reconcile", "--json"]),
    ]

    static let aprilJSONL = """
        {"command":"receive","date":"2026-04-01","item":"GL","tx":"P-GL3","qty":"5","cost":"6.50"}
        {"command":"invoice","date":"2026-04-02","tx":"S-GL2"}
        {"command":"issue","date":"2026-04-03","item":"GA","tx":"S-GA6","qty":"4"}

        """

    static let aprilCSV = """
        command,date,item,tx,qty,cost,site
        receive,2026-04-04,BOLT-M8,P-B1,40,0.47,WEST
        issue,2026-04-05,BOLT-M8,S-B1,15,,WEST

        """

    @Test func everyWriteCommandPrintsItsRecordedOutput() throws {
        let directory = try TemporaryDirectory("golden-write")
        let db = directory.path("golden.db")
        _ = try GoldenLedger.build(at: db)
        try Self.aprilJSONL.write(toFile: directory.path("april.jsonl"), atomically: true, encoding: .utf8)
        try Self.aprilCSV.write(toFile: directory.path("april.csv"), atomically: true, encoding: .utf8)
        var mismatches: [String] = []
        for command in Self.commands {
            let run = try ProcessOutcome.run(command.arguments + ["--db", db], in: directory.url)
            #expect(run.exited && run.status == command.status, "\(command): \(run.summary)")
            var output = run.stdout
            if !run.stderr.isEmpty { output += "--- stderr\n" + run.stderr }
            let name = command.name + (command.arguments.contains("--json") ? ".json" : ".txt")
            if let mismatch = try GoldenOutputTests.check(name, Self.normalized(output)) {
                mismatches.append(mismatch)
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) outputs differ:\n\(mismatches.joined(separator: "\n"))")
    }

    /// What the wall clock decides: the time a command took and its rate, the time it was recorded and the
    /// event hashes that cover it; and the snapshot's size, as in GoldenOutputTests.
    static func normalized(_ text: String) -> String {
        var text = GoldenOutputTests.normalized(text)
        let patterns: [(String, String)] = [
            (#""(milliseconds|events_per_second)":[0-9]+"#, #""$1":"<time>""#),
            (#"in [0-9]+\.[0-9]+ s(, [0-9,]+ events/s)?"#, "in <time>"),
            (#""recorded_at":"[0-9T:Z-]+""#, #""recorded_at":"<time>""#),
            (#""hash":"[0-9a-f]{64}""#, #""hash":"<hash>""#),
            (#"\([0-9]+ bytes\)"#, "(<bytes> bytes)"),
        ]
        for (pattern, template) in patterns {
            text = text.replacingOccurrences(of: pattern, with: template, options: .regularExpression)
        }
        return text
    }
}
