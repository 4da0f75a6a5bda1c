import Foundation
import Subledger
import SubledgerTestSupport
import Testing

/// SIGKILLs `subledger import --group 32` (each line its own command, 32 commands per transaction through
/// `Ledger.executeGroup`) at random moments and checks that every command is all there or absent, that
/// the commands form whole groups (a group is one transaction: a count that is not a multiple of 32 would
/// mean a group half-committed), that the log verifies and replays, and that a re-run appends exactly the
/// lines that were missing. SUBLEDGER_CRASH_SEED and SUBLEDGER_CRASH_POINTS as for CrashTests.
struct GroupCrashTests {
    static let groupSize = 32
    static let postings = 600

    @Test func killedGroupedImportLeavesWholeGroups() throws {
        let points = CrashTests.pointsPerHarness
        let seed = CrashTests.seed ^ 0x6_0_0_9
        print("GroupCrashTests: seed \(seed) (SUBLEDGER_CRASH_SEED=\(CrashTests.seed) reproduces), \(points) points")
        let dir = try TemporaryDirectory("crash-group")
        let (text, lines) = Harness.jsonLines(prefix: "G", postings: Self.postings, seed: seed)
        let file = dir.path("postings.jsonl")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let template = dir.path("empty.db")
        #expect(try ProcessOutcome.run(["init", "--db", template], in: dir.url).status == 0)
        let arguments = ["import", file, "--group", String(Self.groupSize), "--json"]

        // Reference run: every line accepted, and how long a whole grouped import takes.
        let reference = dir.path("reference.db")
        try TemporaryDatabase.copy(template, to: reference)
        let t0 = ContinuousClock.now
        let ref = try ProcessOutcome.run(arguments + ["--db", reference], in: dir.url)
        let window = KillLoop.milliseconds(since: t0)
        try #require(ref.status == 0, "reference import failed: \(ref.stderr)")
        let refOutput = try Harness.json(ref.stdout)
        #expect(refOutput["appended"] as? Int == lines)
        #expect(refOutput["transactions"] as? Int == (lines + Self.groupSize - 1) / Self.groupSize)

        let loop = KillLoop(seed: seed, points: points, window: window)
        var survived = 0, partial = 0, none = 0, all = 0
        let db = dir.path("crash.db")
        // A kill between two groups must be seen (with 10 points or more): retried until one lands there.
        let retries = points >= 10 ? 3 * points : 0
        try loop.run(
            arguments + ["--db", db], template: template, db: db, in: dir.url, label: "group", retries: retries,
            until: { partial > 0 }
        ) { point in
            let context = point.context
            let found = try Harness.inspect(db: db, context: context)
            #expect(found.events == found.commands.count, "\(context): a command is not one event")
            #expect(found.commands.allSatisfy { $0.eventCount == 1 }, "\(context): a command half there")
            let count = found.commands.count
            #expect(count % Self.groupSize == 0 || count == lines, "\(context): \(count) commands is no whole group")
            // The committed lines are the file's first ones, in order (groups commit in order).
            let numbers = found.commands.compactMap { $0.commandID.split(separator: "-").last.flatMap { Int($0) } }
            #expect(numbers == Array(1..<(count + 1)), "\(context): not a prefix")
            if !point.outcome.killed {
                #expect(point.outcome.status == 0 && count == lines, "\(context): \(point.outcome.summary)")
            }
            if count == 0 { none += 1 } else if count == lines { all += 1 } else { partial += 1 }

            let again = try loop.rerun(arguments + ["--db", db], in: dir.url, calibrate: count != lines)
            try #require(again.status == 0, "re-import failed (\(context)): \(again.stderr)")
            let o = try Harness.json(again.stdout)
            #expect(o["appended"] as? Int == lines - count && o["already_applied"] as? Int == count, "\(context)")
            #expect(try Harness.inspect(db: db, context: context + " after the re-run").events == lines)
            survived += 1
        }
        print(
            "GroupCrashTests: survived \(survived)/\(loop.ran) (none \(none), some groups \(partial), all \(all); "
                + "\(loop.ran - points) retries)")
        #expect(survived == loop.ran)
        if points >= 10 {
            #expect(partial > 0, "no kill landed between two groups in \(loop.ran) tries: the delays are not spread")
        }
    }

    /// Two processes importing grouped files into one ledger at once: each group is decided on the log as
    /// the other left it (a group that finds the log moved catches up and is decided again), so every line
    /// of both files lands once, and the file verifies and replays.
    @Test func twoGroupedImportsIntoOneFileBothLand() throws {
        let dir = try TemporaryDirectory("group-concurrent")
        let db = dir.path("shared.db")
        #expect(try ProcessOutcome.run(["init", "--db", db], in: dir.url).status == 0)
        var files: [String] = [], total = 0
        for prefix in ["X", "Y"] {
            let (text, lines) = Harness.jsonLines(prefix: prefix, postings: 300, seed: 7)
            let file = dir.path("\(prefix).jsonl")
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            files.append(file)
            total += lines
        }
        let children = try files.map {
            try ChildProcess(["import", $0, "--group", "8", "--json", "--db", db], in: dir.url)
        }
        for child in children { try child.start() }
        for child in children {
            let outcome = try child.finish()
            #expect(outcome.status == 0, "\(outcome.summary)")
        }
        let found = try Harness.inspect(db: db, context: "two grouped imports")
        #expect(found.events == total && found.commands.count == total)
        // How often the log passes from one file's groups to the other's (informational: the scheduler decides).
        let owners = found.commands.map { $0.commandID.hasPrefix(found.commands[0].commandID.prefix(39)) }
        let switches = zip(owners, owners.dropFirst()).filter { $0 != $1 }.count
        print("GroupCrashTests: two grouped imports, \(switches) switches between them in the log")
    }
}
