import Foundation
import Subledger
import SubledgerStore
import SubledgerTestSupport
import Testing

// MARK: - Shared helpers for the process-level crash and concurrency tests

/// The `subledger` JSON outputs and the checks the crash and concurrency tests make of a ledger file
/// (children are run by `ChildProcess` and `KillLoop` in SubledgerTestSupport).
enum Harness {
    static func json(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(text.prefix(400))")
    }

    /// A JSON Lines file: `items` items of mixed models, then `postings` receipts (60 %) and issues dated
    /// through January 2026. Item and tx ids are prefixed so files never collide. One event per line.
    static func jsonLines(prefix: String, postings: Int, items: Int = 7, seed: UInt64) -> (text: String, lines: Int) {
        let models = [
            "fifo", "lifo", "lifo-date", "weighted-average", "weighted-average-date", "moving-average", "fifo",
        ]
        var random = SplitMix64(seed: seed)
        var out = ""
        out.reserveCapacity(postings * 110)
        for index in 0..<items {
            out +=
                "{\"command\":\"item\",\"item\":\"\(prefix)I\(index)\",\"model\":\"\(models[index % models.count])\",\"price\":\"10.00\"}\n"
        }
        for serial in 0..<postings {
            let day = 1 + (serial * 28) / postings
            let date = "2026-01-" + (day < 10 ? "0" : "") + String(day)
            let item = "\(prefix)I\(random.next(upTo: UInt64(items)))"
            if random.next(upTo: 10) < 6 {
                let qty = 1 + random.next(upTo: 20), cents = 800 + random.next(upTo: 500)
                let cost = "\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)"
                out +=
                    "{\"command\":\"receive\",\"date\":\"\(date)\",\"item\":\"\(item)\",\"tx\":\"\(prefix)R\(serial)\",\"qty\":\"\(qty)\",\"cost\":\"\(cost)\",\"site\":\"S1\"}\n"
            } else {
                let qty = 1 + random.next(upTo: 5)
                out +=
                    "{\"command\":\"issue\",\"date\":\"\(date)\",\"item\":\"\(item)\",\"tx\":\"\(prefix)S\(serial)\",\"qty\":\"\(qty)\",\"site\":\"S1\"}\n"
            }
        }
        return (out, items + postings)
    }

    /// `verify --json`: the number of events in an intact chain (records an issue and throws otherwise).
    static func verifiedEventCount(
        db: String, in dir: URL, context: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Int {
        let r = try ProcessOutcome.run(["verify", "--json", "--db", db], in: dir)
        try #require(
            r.status == 0, "verify failed (\(context)): \(r.stdout) \(r.stderr)", sourceLocation: sourceLocation)
        let o = try json(r.stdout)
        #expect(o["intact"] as? Bool == true, "\(context)", sourceLocation: sourceLocation)
        return try #require(o["events"] as? Int, sourceLocation: sourceLocation)
    }

    static func replayVerifies(
        db: String, in dir: URL, context: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let r = try ProcessOutcome.run(["replay", "--verify", "--db", db], in: dir)
        #expect(
            r.status == 0, "replay --verify failed (\(context)): \(r.stdout) \(r.stderr)",
            sourceLocation: sourceLocation)
    }

    /// What a killed file holds, read with the library in this process: the chain checked, the log
    /// replayed and compared with the live projection. (A `verify` and a `replay` subprocess per kill
    /// point cost more than the kill itself; the CLI's own reading is covered by the reference runs.)
    struct Inspection {
        var events: Int
        var commands: [CommandEntry]
        var closes: [CloseRow]
        var settlements: Int
    }

    static func inspect(
        db: String, context: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Inspection {
        let ledger = try Ledger(path: db, access: .existing)
        let chain = try ledger.verify()
        guard case .intact(let count, _) = chain else {
            Issue.record("chain broken (\(context)): \(chain)", sourceLocation: sourceLocation)
            throw InspectionFailed()
        }
        let replay = try ledger.verifyReplay()
        #expect(
            replay.matches, "replay differs (\(context)): \(replay.firstDifference ?? "")",
            sourceLocation: sourceLocation)
        return Inspection(
            events: Int(count), commands: try ledger.commands(), closes: try ledger.closes(),
            settlements: try ledger.settlements().count)
    }

    struct InspectionFailed: Error {}

    static func commands(db: String, in dir: URL) throws -> [[String: Any]] {
        let r = try ProcessOutcome.run(["commands", "--json", "--db", db], in: dir)
        try #require(r.status == 0, "commands --json failed: \(r.stderr)")
        return try #require(try json(r.stdout)["commands"] as? [[String: Any]])
    }
}

// MARK: - Crash tests

/// SIGKILLs `subledger import` and `subledger close` at random moments (before, during and after the
/// commit) and checks that the log is always intact, all-or-nothing, replayable, and that a re-run
/// completes idempotently. SUBLEDGER_CRASH_SEED reproduces a run; SUBLEDGER_CRASH_POINTS sets the number
/// of kill points of each harness, import and close (default 16 each, so 32 a run). After each kill the
/// file is checked in this process (chain, all-or-nothing, replay); the re-run is the CLI again.
struct CrashTests {
    static let seed = KillLoop.seed(fromEnvironment: "SUBLEDGER_CRASH_SEED")
    static let pointsPerHarness: Int = {
        if let text = ProcessInfo.processInfo.environment["SUBLEDGER_CRASH_POINTS"], let n = Int(text), n >= 1 {
            return n
        }
        return 16
    }()
    static let postings = 2000

    /// Prints a harness's tally and expects every kill point survived, some of them killed before the
    /// commit (else the delays do not reach the interesting part).
    static func report(
        _ harness: String, survived: Int, of points: Int, since start: ContinuousClock.Instant,
        killedBefore: Int, killedAfter: Int, finished: Int
    ) {
        let milliseconds = KillLoop.milliseconds(since: start)
        print(
            "CrashTests.\(harness): survived \(survived)/\(points) kill points in \(milliseconds) ms "
                + "(killed before commit \(killedBefore), killed after commit \(killedAfter), finished before kill \(finished))"
        )
        #expect(survived == points)
        if points >= 10 { #expect(killedBefore > 0, "no kill landed before the commit: the delays are not spread") }
    }

    @Test func killedImportLeavesAllOrNothing() throws {
        let points = Self.pointsPerHarness
        print(
            "CrashTests.import: seed \(Self.seed) (SUBLEDGER_CRASH_SEED=\(Self.seed) reproduces), \(points) kill points"
        )
        let dir = try TemporaryDirectory("crash-import")
        let (text, lines) = Harness.jsonLines(prefix: "K", postings: Self.postings, seed: Self.seed)
        let file = dir.path("postings.jsonl")
        try text.write(toFile: file, atomically: true, encoding: .utf8)

        let template = dir.path("empty.db")
        #expect(try ProcessOutcome.run(["init", "--db", template], in: dir.url).status == 0)

        // Reference run: the expected count and how long a whole import takes.
        let reference = dir.path("reference.db")
        try TemporaryDatabase.copy(template, to: reference)
        let t0 = ContinuousClock.now
        let ref = try ProcessOutcome.run(["import", file, "--json", "--db", reference], in: dir.url)
        let window = KillLoop.milliseconds(since: t0)
        try #require(ref.status == 0, "reference import failed: \(ref.stderr)")
        let expected = try #require(try Harness.json(ref.stdout)["appended"] as? Int)
        #expect(expected == lines, "one event per line expected")
        #expect(try Harness.verifiedEventCount(db: reference, in: dir.url, context: "reference") == expected)
        print("CrashTests.import: \(expected) events per import, a full import takes \(window) ms")

        let loop = KillLoop(seed: Self.seed, points: points, window: window)
        var survived = 0, killedNone = 0, killedLanded = 0, finished = 0
        let start = ContinuousClock.now
        let db = dir.path("crash.db")
        try loop.run(["import", file, "--db", db], template: template, db: db, in: dir.url, label: "import") { point in
            let context = point.context, result = point.outcome
            let found = try Harness.inspect(db: db, context: context)
            let events = found.events, commands = found.commands
            #expect(
                events == 0 || events == expected, "half-applied import: \(events) of \(expected) events (\(context))")
            if events == expected {
                #expect(commands.count == 1 && commands.first?.eventCount == expected, "\(context): \(commands)")
            } else {
                #expect(commands.isEmpty, "a command record without its events (\(context)): \(commands)")
            }
            if !result.killed {
                #expect(result.status == 0, "import exited \(result.status) (\(context)): \(result.stderr)")
                #expect(events == expected, "import exited 0 but its events are missing (\(context))")
                finished += 1
            } else if events == expected {
                killedLanded += 1
            } else {
                killedNone += 1
            }

            // Re-running completes; appends nothing if the first run had landed.
            let again = try loop.rerun(
                ["import", file, "--json", "--db", db], in: dir.url,
                calibrate: events != expected)
            try #require(again.status == 0, "re-import failed (\(context)): \(again.stderr)")
            let o = try Harness.json(again.stdout)
            #expect(o["appended"] as? Int == (events == expected ? 0 : expected), "\(context): \(again.stdout)")
            #expect((o["result"] as? [String: Any])?["event_count"] as? Int == expected, "\(context)")
            survived += 1
        }
        Self.report(
            "import", survived: survived, of: points, since: start,
            killedBefore: killedNone, killedAfter: killedLanded, finished: finished)
    }

    @Test func killedCloseLeavesAllOrNothing() throws {
        let points = Self.pointsPerHarness
        print("CrashTests.close: seed \(Self.seed), \(points) kill points")
        let dir = try TemporaryDirectory("crash-close")
        let (text, _) = Harness.jsonLines(prefix: "C", postings: Self.postings, seed: Self.seed &+ 1)
        let file = dir.path("history.jsonl")
        try text.write(toFile: file, atomically: true, encoding: .utf8)

        // The imported history every kill point starts from.
        let template = dir.path("history.db")
        #expect(try ProcessOutcome.run(["init", "--db", template], in: dir.url).status == 0)
        let imported = try ProcessOutcome.run(["import", file, "--db", template], in: dir.url)
        try #require(imported.status == 0, "history import failed: \(imported.stderr)")
        let base = try Harness.verifiedEventCount(db: template, in: dir.url, context: "history")

        // Reference close.
        let closeArgs = ["close", "2026-01-31", "--command-id", "close-2026-01", "--json"]
        let reference = dir.path("reference.db")
        try TemporaryDatabase.copy(template, to: reference)
        let t0 = ContinuousClock.now
        let ref = try ProcessOutcome.run(closeArgs + ["--db", reference], in: dir.url)
        let window = KillLoop.milliseconds(since: t0)
        try #require(ref.status == 0, "reference close failed: \(ref.stderr)")
        let refJSON = try Harness.json(ref.stdout)
        let closeEvents = try #require(refJSON["appended"] as? Int)
        let refEntries = try #require((refJSON["close"] as? [String: Any])?["settlement_entries"] as? Int)
        #expect(closeEvents > 0 && refEntries > 0)
        print(
            "CrashTests.close: history \(base) events; a close appends \(closeEvents) events, \(refEntries) settlement entries, takes \(window) ms"
        )

        #expect(try Harness.inspect(db: reference, context: "reference close").settlements == refEntries)

        let loop = KillLoop(seed: Self.seed ^ 0x5EED_C105E, points: points, window: window)
        var survived = 0, killedNone = 0, killedLanded = 0, finished = 0
        let start = ContinuousClock.now
        let db = dir.path("crash.db")
        // A kill before the commit must be seen (with 10 points or more): retried until one lands there.
        try loop.run(
            closeArgs + ["--db", db], template: template, db: db, in: dir.url, label: "close",
            retries: points >= 10 ? 3 * points : 0, until: { killedNone > 0 }
        ) { point in
            let context = point.context, result = point.outcome
            let found = try Harness.inspect(db: db, context: context)
            let events = found.events, closes = found.closes
            #expect(
                events == base || events == base + closeEvents,
                "half-applied close: \(events - base) of \(closeEvents) events (\(context))")
            let landed = events == base + closeEvents
            if landed {
                #expect(closes.count == 1 && closes.first?.entryCount == refEntries, "\(context): \(closes)")
                #expect(found.settlements == refEntries, "close without all its settlements (\(context))")
                killedLanded += result.killed ? 1 : 0
            } else {
                #expect(closes.isEmpty, "a close without its events (\(context))")
                #expect(found.settlements == 0, "settlements without a close (\(context))")
                killedNone += result.killed ? 1 : 0
            }
            if !result.killed {
                #expect(result.status == 0 && landed, "close exited \(result.status) (\(context)): \(result.stderr)")
                finished += 1
            }

            // A second close run (same command id) completes; appends nothing if the first had landed.
            let again = try loop.rerun(closeArgs + ["--db", db], in: dir.url, calibrate: !landed)
            try #require(again.status == 0, "second close failed (\(context)): \(again.stderr)")
            let o = try Harness.json(again.stdout)
            #expect(o["appended"] as? Int == (landed ? 0 : closeEvents), "\(context): \(again.stdout.prefix(300))")
            #expect((o["close"] as? [String: Any])?["settlement_entries"] as? Int == refEntries, "\(context)")
            survived += 1
        }
        Self.report(
            "close", survived: survived, of: loop.ran, since: start,
            killedBefore: killedNone, killedAfter: killedLanded, finished: finished)
    }
}
