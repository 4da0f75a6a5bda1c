// The command line's shape: `--version`, the `snapshot` subcommands (with `take` as the default, so
// `snapshot [DATE]` takes one, as scripts expect), and `import -` reading standard input with the file path's checks.

import Foundation
import Testing

struct CLIShapeTests {
    /// Runs `subledger` with `input` on its standard input (the sandbox's runner gives it none).
    static func run(_ box: CLITests.Sandbox, _ arguments: [String], input: [UInt8]) throws -> CLITests.Run {
        let binary = try #require(CLITests.binary, "build the executable first: swift build --product subledger")
        let inputURL = box.directory.appendingPathComponent("stdin-\(UUID().uuidString)")
        try Data(input).write(to: inputURL)
        let outURL = box.directory.appendingPathComponent("stdout")
        let errURL = box.directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments + ["--db", box.db]
        var environment = ProcessInfo.processInfo.environment
        environment["SUBLEDGER_DB"] = nil
        process.environment = environment
        process.standardInput = try FileHandle(forReadingFrom: inputURL)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return CLITests.Run(
            status: process.terminationStatus, stdout: try String(contentsOf: outURL, encoding: .utf8),
            stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    @Test func versionPrintsTheOneVersionConstant() throws {
        let box = try CLITests.Sandbox()
        let run = try box.run(["--version"], withDB: false)
        #expect(run.status == 0 && run.stdout == "0.10.0\n", "\(run)")
    }

    @Test func snapshotSubcommandsWithTakeAsTheDefault() throws {
        let box = try CLITests.Sandbox()
        try box.seed()
        let taken = try box.ok(["snapshot", "take", "2026-01-02", "--json"]).json()
        #expect(taken["business_date"] as? String == "2026-01-02")
        #expect(try box.ok(["snapshot", "2026-01-03"]).stdout.contains("(2026-01-03)"), "a date alone takes one")
        #expect(try box.ok(["snapshot"]).stdout.hasPrefix("snapshot of events 1...3"), "no argument takes one")
        let listed = try box.ok(["snapshot", "list", "--json"]).json()["snapshots"] as? [Any]
        #expect(listed?.count == 1, "all three are of event 3: the latest replaces the others")
        let verified = try box.ok(["snapshot", "verify", "--timing", "--json"]).json()
        #expect(verified["matches"] as? Bool == true && verified["replay_milliseconds"] != nil)
        #expect(try box.run(["snapshot", "--timing"]).status == 64, "--timing belongs to verify")
        #expect(try box.run(["snapshot", "take", "list"]).status == 64, "a subcommand is not a date")
        #expect(try box.ok(["snapshot", "delete"]).stdout == "deleted 1 snapshots\n")
        #expect(try box.ok(["snapshot", "list"]).stdout == "no snapshots\n")
    }

    @Test func importDashReadsStandardInput() throws {
        let box = try CLITests.Sandbox()
        try box.ok(["init"])
        let bytes = Array(CLITests.smallJSONL.utf8)
        let imported = try Self.run(box, ["import", "-", "--format", "jsonl"], input: bytes)
        #expect(imported.status == 0 && imported.stdout.hasPrefix("imported standard input: 3 events"), "\(imported)")
        let again = try Self.run(box, ["import", "-", "--format", "jsonl"], input: bytes)
        #expect(again.status == 0 && again.stdout.hasPrefix("already applied: standard input"), "\(again)")
        #expect(try box.eventCount() == 3)

        let noFormat = try Self.run(box, ["import", "-"], input: bytes)
        #expect(noFormat.status == 64 && noFormat.stderr.contains("--format"), "\(noFormat)")
        let binary = try Self.run(box, ["import", "-", "--format", "csv"], input: [0x41, 0x00, 0x0A])
        #expect(binary.status == 2 && binary.stderr.contains("NUL byte"), "\(binary)")
        let long = Array("{\"a\":\"".utf8) + [UInt8](repeating: 0x78, count: 1 << 20) + Array("\"}\n".utf8)
        let tooLong = try Self.run(box, ["import", "-", "--format", "jsonl", "--json"], input: long)
        #expect(tooLong.status == 2 && tooLong.stderr.contains("longer than 1 MiB"), "\(tooLong)")
        #expect(try box.eventCount() == 3)
    }

    @Test func eachReadModelHasOneRendering() throws {
        let box = try CLITests.Sandbox()
        try box.ok(["demo"])
        let replay = try box.ok(["replay", "--json"]).json()
        let onhand = try box.ok(["onhand", "--json"]).json(), gl = try box.ok(["gl", "--json"]).json()
        #expect(replay["onhand"] as? NSArray == onhand["onhand"] as? NSArray)
        #expect(replay["trial_balance"] as? NSArray == gl["accounts"] as? NSArray)
        let text = try box.ok(["replay"]).stdout
        let onhandText = try box.ok(["onhand"]).stdout, glText = try box.ok(["gl"]).stdout
        #expect(text.contains(onhandText) && text.contains(glText))

        // A settlement row is the close event's entry after the row's own date, close and item.
        let rows = try #require(try box.ok(["settlements", "--json"]).json()["settlements"] as? [[String: Any]])
        let row = try #require(rows.first)
        let events = try #require(try box.ok(["events", "--json"]).json()["events"] as? [[String: Any]])
        let event = try #require(events.first { $0["sequence"] as? Int == row["sequence"] as? Int })
        // The event's entry also says which financial parts it settled (`part`, `issue_part`).
        let entries = try #require((event["data"] as? [String: Any])?["entries"] as? [[String: Any]]).map {
            var shared = $0
            for key in ["part", "issue_part"] { shared[key] = nil }
            return shared as NSDictionary
        }
        var entry = row
        for key in ["date", "close_sequence", "sequence", "mode", "item"] { entry[key] = nil }
        #expect(entries.contains(entry as NSDictionary), "\(entry)")
    }
}
