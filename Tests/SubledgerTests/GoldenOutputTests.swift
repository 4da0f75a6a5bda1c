// Golden outputs: every query command of the CLI, with `--json` and as a table, on one ledger built the same
// way every run, compared byte for byte with the files under Tests/Golden/. A change in how a query reads
// (the history tables, a stateless log command) must leave what users see as it was.
//
// Regenerate the fixtures on purpose only, then review the diff:
//     SUBLEDGER_RECORD_GOLDEN=1 swift test --filter GoldenOutputTests

import Foundation
import Subledger
import SubledgerTestSupport
import Testing

struct GoldenOutputTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden")
    static let recording = ProcessInfo.processInfo.environment["SUBLEDGER_RECORD_GOLDEN"] == "1"

    /// One query: the fixture's name, the arguments (without `--db` and `--json`) and its exit status.
    struct Query: Sendable, CustomStringConvertible {
        var name: String
        var arguments: [String]
        var status: Int32 = 0
        var description: String { arguments.joined(separator: " ") }
    }

    /// Every query command, with the filters and dates that take another path through it: before, on and
    /// after a close, a reversed close, a transaction, an item, a close sequence.
    static let queries: [Query] = [
        Query(name: "onhand", arguments: ["onhand"]),
        Query(name: "onhand-item", arguments: ["onhand", "--item", "GA"]),
        Query(name: "onhand-item-demo", arguments: ["onhand", "--item", "OIL-5L"]),
        Query(name: "transactions", arguments: ["transactions"]),
        Query(name: "transactions-item", arguments: ["transactions", "--item", "GA"]),
        Query(name: "transactions-item-demo", arguments: ["transactions", "--item", "BOLT-M8"]),
        Query(name: "vouchers", arguments: ["vouchers"]),
        Query(name: "vouchers-tx", arguments: ["vouchers", "--tx", "P-GA2"]),
        Query(name: "vouchers-item", arguments: ["vouchers", "--tx", "GL"]),
        Query(name: "vouchers-as-of", arguments: ["vouchers", "--as-of", "2026-01-15"]),
        Query(name: "gl", arguments: ["gl"]),
        Query(name: "gl-before-close", arguments: ["gl", "--as-of", "2026-01-20"]),
        Query(name: "gl-on-close", arguments: ["gl", "--as-of", "2026-01-31"]),
        Query(name: "gl-after-close", arguments: ["gl", "--as-of", "2026-02-10"]),
        Query(name: "gl-on-reclose", arguments: ["gl", "--as-of", "2026-02-28"]),
        Query(name: "settlements", arguments: ["settlements"]),
        Query(name: "settlements-item", arguments: ["settlements", "--item", "GA"]),
        Query(name: "settlements-tx", arguments: ["settlements", "--tx", "S-GA1"]),
        Query(name: "settlements-close-1", arguments: ["settlements", "--close", "289"]),
        Query(name: "settlements-close-last", arguments: ["settlements", "--close", "LAST_CLOSE"]),
        Query(name: "closes", arguments: ["closes"]),
        Query(name: "events", arguments: ["events"]),
        Query(name: "events-window", arguments: ["events", "--after", "285", "--limit", "6"]),
        Query(name: "events-limit", arguments: ["events", "--limit", "3"]),
        Query(name: "commands", arguments: ["commands"]),
        Query(name: "verify", arguments: ["verify"]),
        Query(name: "replay", arguments: ["replay"]),
        Query(name: "replay-as-of", arguments: ["replay", "--as-of", "2026-02-05"]),
        Query(name: "replay-at-sequence", arguments: ["replay", "--at-sequence", "150"]),
        Query(name: "replay-verify", arguments: ["replay", "--verify"]),
        Query(name: "reconcile", arguments: ["reconcile"]),
        Query(name: "reconcile-details", arguments: ["reconcile", "--details"]),
        Query(name: "reconcile-as-of-close", arguments: ["reconcile", "--as-of", "2026-01-31"]),
        Query(name: "reconcile-as-of-before", arguments: ["reconcile", "--as-of", "2026-01-20"]),
        Query(name: "reconcile-as-of-after", arguments: ["reconcile", "--as-of", "2026-02-20", "--details"]),
        Query(name: "reconcile-gl-manual", arguments: ["reconcile", "--gl", "tb-payable.csv"]),
        Query(name: "reconcile-gl-differs", arguments: ["reconcile", "--gl", "tb-inventory.csv"], status: 1),
        Query(name: "value", arguments: ["value"]),
        Query(name: "value-item", arguments: ["value", "--item", "GA"]),
        Query(name: "value-as-of-close", arguments: ["value", "--as-of", "2026-01-31"]),
        Query(name: "value-as-of-before", arguments: ["value", "--as-of", "2026-01-20"]),
        Query(name: "value-as-of-after", arguments: ["value", "--as-of", "2026-02-20"]),
        Query(name: "snapshot-list", arguments: ["snapshot", "list"]),
        Query(name: "snapshot-verify", arguments: ["snapshot", "verify"]),
    ]

    @Test func everyQueryPrintsItsRecordedOutput() throws {
        let directory = try TemporaryDirectory("golden")
        let db = directory.path("golden.db")
        let lastClose = try GoldenLedger.build(at: db)
        try GoldenLedger.trialBalance(payable: "-77703.60", inventory: "3493.44")
            .write(toFile: directory.path("tb-payable.csv"), atomically: true, encoding: .utf8)
        try GoldenLedger.trialBalance(payable: "-77713.60", inventory: "3494.44")
            .write(toFile: directory.path("tb-inventory.csv"), atomically: true, encoding: .utf8)
        var mismatches: [String] = []
        for query in Self.queries {
            let arguments = query.arguments.map { $0 == "LAST_CLOSE" ? String(lastClose) : $0 }
            for json in [true, false] {
                let run = try ProcessOutcome.run(
                    arguments + ["--db", db] + (json ? ["--json"] : []), in: directory.url)
                #expect(run.exited && run.status == query.status, "\(query) json: \(json): \(run.summary)")
                let name = query.name + (json ? ".json" : ".txt")
                if let mismatch = try Self.check(name, Self.normalized(run.stdout)) { mismatches.append(mismatch) }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) outputs differ:\n\(mismatches.joined(separator: "\n"))")
    }

    /// Compares `output` with the fixture `name` (or writes it when recording); the difference, if any.
    static func check(_ name: String, _ output: String) throws -> String? {
        let file = fixtures.appendingPathComponent(name)
        if recording {
            try FileManager.default.createDirectory(at: fixtures, withIntermediateDirectories: true)
            try output.write(to: file, atomically: true, encoding: .utf8)
            return nil
        }
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            return "\(name): no fixture (record with SUBLEDGER_RECORD_GOLDEN=1)"
        }
        return output == expected ? nil : firstDifference(name, expected, output)
    }

    /// Masks what issue 11 changes on purpose: the state digest (to be computed over the canonical
    /// encoding) and a snapshot's format and size (the open state only), in `replay` and `snapshot list`.
    /// Every other byte is compared as printed.
    static func normalized(_ text: String) -> String {
        var text = text
        let patterns: [(String, String)] = [
            (#""(digest|live_digest|replayed_digest)":"[0-9a-f]{64}""#, #""$1":"<digest>""#),
            (#"digest( |: )[0-9a-f]{64}"#, "digest$1<digest>"),
            (#""format":[0-9]+,"bytes":[0-9]+"#, #""format":"<format>","bytes":"<bytes>""#),
            (#"(?m)^( *[0-9]+  [0-9]{4}-[0-9]{2}-[0-9]{2})  +[0-9]+  +[0-9]+$"#, "$1  <format>  <bytes>"),
        ]
        for (pattern, template) in patterns {
            text = text.replacingOccurrences(of: pattern, with: template, options: .regularExpression)
        }
        return text
    }

    /// The first differing line of a fixture and an output, for a message that shows where.
    static func firstDifference(_ name: String, _ expected: String, _ actual: String) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(old.count, new.count) {
            let a = index < old.count ? String(old[index]) : "<end>"
            let b = index < new.count ? String(new[index]) : "<end>"
            if a != b { return "\(name) line \(index + 1):\n  fixture: \(a.prefix(300))\n  output:  \(b.prefix(300))" }
        }
        return "\(name): differs"
    }
}

/// The golden ledger: the demo history and its January close, then February and March with a marked
/// issue, a receipt invoiced in parts, an adjustment, a fixed receipt price, a LIFO date item, a
/// non-valuated item, a recalculation, a close reversed and run again, and a posting after the last close.
/// Fixed clock and command ids, so the events, their hashes and every recorded time are the same each run.
enum GoldenLedger {
    static let recordedAt: Int64 = 1_774_980_000_000  // 2026-03-31T18:00:00Z

    static let february = """
        {"command":"item","item":"GA","model":"fifo","price":"10.00"}
        {"command":"item","item":"GL","model":"lifo-date","price":"5.00"}
        {"command":"item","item":"GF","model":"fifo","price":"7.00","fixed-receipt-price":"yes"}
        {"command":"item","item":"GN","model":"non-valuated"}
        {"command":"receive","date":"2026-02-02","item":"GA","tx":"P-GA1","qty":"10","cost":"10.00"}
        {"command":"receive","date":"2026-02-03","item":"GA","tx":"P-GA2","qty":"10","cost":"12.00","physical":"yes"}
        {"command":"issue","date":"2026-02-04","item":"GA","tx":"S-GA1","qty":"4"}
        {"command":"mark","date":"2026-02-04","issue":"S-GA1","receipt":"P-GA2","qty":"4"}
        {"command":"invoice","date":"2026-02-06","tx":"P-GA2","qty":"6","cost":"12.50"}
        {"command":"issue","date":"2026-02-10","item":"GA","tx":"S-GA2","qty":"5"}
        {"command":"receive","date":"2026-02-03","item":"GL","tx":"P-GL1","qty":"8","cost":"5.00"}
        {"command":"receive","date":"2026-02-07","item":"GL","tx":"P-GL2","qty":"8","cost":"6.00"}
        {"command":"issue","date":"2026-02-08","item":"GL","tx":"S-GL1","qty":"10"}
        {"command":"receive","date":"2026-02-05","item":"GF","tx":"P-GF1","qty":"6","cost":"7.40"}
        {"command":"issue","date":"2026-02-09","item":"GF","tx":"S-GF1","qty":"2"}
        {"command":"receive","date":"2026-02-05","item":"GN","tx":"P-GN1","qty":"3","cost":"1.00"}
        {"command":"adjust","date":"2026-02-12","tx":"P-GA1","amount":"1.50"}
        """

    static let march = """
        {"command":"invoice","date":"2026-03-02","tx":"P-GA2","cost":"12.40"}
        {"command":"issue","date":"2026-03-03","item":"GA","tx":"S-GA3","qty":"3"}
        {"command":"issue","date":"2026-03-04","item":"GL","tx":"S-GL2","qty":"2","physical":"yes"}
        """

    /// Builds the ledger at `path` and returns the sequence of its last close.
    static func build(at path: String) throws -> Int64 {
        var counter = 0
        let ledger = try Ledger(
            path: path, clock: { recordedAt },
            makeCommandID: {
                counter += 1
                return "golden-auto-\(counter)"
            })
        try ledger.runDemo()
        try post(ledger, february, prefix: "feb")
        try ledger.execute(.recalculate(date("2026-02-15")), commandID: "golden-recalc-0215")
        try ledger.execute(.close(date("2026-02-28")), commandID: "golden-close-0228")
        try ledger.execute(.reverseClose(date: date("2026-02-28"), through: nil), commandID: "golden-reopen-0228")
        try post(ledger, march, prefix: "mar")
        let close = try ledger.execute(.close(date("2026-02-28")), commandID: "golden-reclose-0228")
        try ledger.execute(.recalculate(date("2026-03-05")), commandID: "golden-recalc-0305")
        let tail = try command(
            #"{"command":"receive","date":"2026-03-06","item":"GA","tx":"P-GA3","qty":"2","cost":"11"}"#)
        try ledger.execute(tail, commandID: "golden-tail")
        return close.lastSequence
    }

    /// The ledger's trial balance as a company's GL would export it, with the payable and the FIFO
    /// inventory account given: one differing outside inventory (manual postings), or on inventory.
    static func trialBalance(payable: String, inventory: String) -> String {
        """
        account,balance
        1400,\(inventory)
        1410,396.88
        1420,-10.00
        1430,-2.40
        1460,26520.00
        2100,\(payable)
        2150,-396.88
        5000,8695.39
        5010,10.00
        5060,32470.00
        5110,-240.00
        5140,-18.85
        5150,-1.50
        5160,-619.14
        5200,7414.26
        5210,2.40

        """
    }

    static func post(_ ledger: Ledger, _ lines: String, prefix: String) throws {
        for (index, line) in lines.split(separator: "\n").enumerated() {
            try ledger.execute(try command(String(line)), commandID: "golden-\(prefix)-\(index + 1)")
        }
    }

    static func command(_ line: String) throws -> LedgerCommand {
        let bytes = Array(line.utf8)
        return try bytes.withUnsafeBytes { buffer in try CommandReader.command(jsonLine: buffer, line: 1) }
    }

    static func date(_ text: String) -> LedgerDate { LedgerDate(text)! }
}
