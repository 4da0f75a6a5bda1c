import Foundation
import Subledger
import SubledgerCore
import SubledgerTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Several `subledger` processes writing one database at once: imports (one command per file), single
/// posts, and a post racing the close of its period. Writers must queue on a busy database, every command
/// must land exactly once and whole, and the log must stay verifiable and replayable.
struct ConcurrentWriterTests {
    /// init, one FIFO item P and a receipt of 1000 on 2026-01-02.
    static func seededLedger(_ db: String, in dir: URL) throws {
        for arguments in [
            ["init"],
            ["post", "item", "--item", "P", "--model", "fifo", "--price", "11.00"],
            [
                "post", "receive", "--date", "2026-01-02", "--item", "P", "--tx", "P0", "--qty", "1000",
                "--cost", "2.50",
            ],
        ] {
            let r = try ProcessOutcome.run(arguments + ["--db", db], in: dir)
            try #require(r.status == 0, "\(arguments): \(r.stderr)")
        }
    }

    @Test func importsAndPostsRacingLandExactlyOnce() throws {
        let dir = try TemporaryDirectory("concurrent")
        let db = dir.path("ledger.db")
        try Self.seededLedger(db, in: dir.url)
        let base = try Harness.verifiedEventCount(db: db, in: dir.url, context: "seed")

        var children: [(ChildProcess, expected: Int, label: String)] = []
        for (index, prefix) in ["A", "B", "C"].enumerated() {
            let (text, lines) = Harness.jsonLines(prefix: prefix, postings: 1200, seed: UInt64(100 + index))
            let file = dir.path("\(prefix).jsonl")
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            children.append(
                (
                    try ChildProcess(["import", file, "--command-id", "import-\(prefix)", "--db", db], in: dir.url),
                    lines, "import \(prefix)"
                ))
        }
        for n in 1...6 {
            let arguments =
                n % 2 == 0
                ? ["post", "issue", "--date", "2026-01-1\(n)", "--item", "P", "--tx", "Q\(n)", "--qty", "3"]
                : [
                    "post", "receive", "--date", "2026-01-1\(n)", "--item", "P", "--tx", "Q\(n)", "--qty", "5",
                    "--cost", "2.75",
                ]
            children.append(
                (
                    try ChildProcess(arguments + ["--command-id", "post-\(n)", "--db", db], in: dir.url),
                    1, "post Q\(n)"
                ))
        }
        let start = ContinuousClock.now
        for child in children { try child.0.start() }
        for child in children {
            let r = try child.0.finish()
            #expect(!r.killed && r.status == 0, "\(child.label) exited \(r.status) on a shared database: \(r.stderr)")
        }
        let elapsed = KillLoop.milliseconds(since: start)
        let sum = children.reduce(0) { $0 + $1.expected }

        let events = try Harness.verifiedEventCount(db: db, in: dir.url, context: "after the race")
        #expect(events == base + sum, "expected \(base) + \(sum) events, found \(events)")

        // Every command once, whole and contiguous; its events all carry its id.
        let commands = try Harness.commands(db: db, in: dir.url)
        let byID = Dictionary(
            commands.map { ($0["command_id"] as? String ?? "?", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byID.count == commands.count, "a command id recorded twice")
        let eventsRun = try ProcessOutcome.run(["events", "--json", "--db", db], in: dir.url)
        try #require(eventsRun.status == 0)
        let log = try #require(try Harness.json(eventsRun.stdout)["events"] as? [[String: Any]])
        var perCommand: [String: [Int]] = [:]
        for event in log {
            perCommand[event["command_id"] as? String ?? "?", default: []].append(event["sequence"] as? Int ?? -1)
        }
        for (label, id, expected) in [
            ("A", "import-A", children[0].expected), ("B", "import-B", children[1].expected),
            ("C", "import-C", children[2].expected),
        ] + (1...6).map({ ("Q\($0)", "post-\($0)", 1) }) {
            let record = byID[id]
            #expect(
                record?["event_count"] as? Int == expected, "\(label): command record \(String(describing: record))")
            let sequences = perCommand[id] ?? []
            #expect(sequences.count == expected, "\(label): \(sequences.count) events in the log, expected \(expected)")
            if let first = record?["first_sequence"] as? Int, let last = record?["last_sequence"] as? Int {
                #expect(
                    last - first + 1 == expected && sequences == Array(first...last),
                    "\(label): events not one contiguous block \(first)-\(last)")
            }
        }
        for n in 1...6 {
            let refs = log.filter { $0["reference"] as? String == "Q\(n)" }
            #expect(refs.count == 1, "Q\(n) appears \(refs.count) times")
        }
        try Harness.replayVerifies(db: db, in: dir.url, context: "after the race")
        print(
            "ConcurrentWriterTests: 3 imports + 6 posts (\(sum) events) landed concurrently in \(elapsed) ms; "
                + "\(events) events, chain intact, replay matches")
    }

    @Test func aPostRacingTheCloseOfItsPeriodLandsBeforeItOrIsRefused() throws {
        let seed = KillLoop.seed(fromEnvironment: "SUBLEDGER_CRASH_SEED")
        var random = SplitMix64(seed: seed ^ 0xC105E)
        let rounds = 6
        var landed = 0, refused = 0
        let dir = try TemporaryDirectory("close-race")
        let start = ContinuousClock.now
        for round in 0..<rounds {
            let db = dir.path("ledger-\(round).db")
            try Self.seededLedger(db, in: dir.url)
            // A little history so the close has some work to do.
            for n in 1...5 {
                let r = try ProcessOutcome.run(
                    [
                        "post", "issue", "--date", "2026-01-0\(n + 2)", "--item", "P", "--tx", "H\(n)",
                        "--qty", "2", "--db", db,
                    ], in: dir.url)
                try #require(r.status == 0, "\(r.stderr)")
            }
            let close = try ChildProcess(["close", "2026-01-31", "--db", db], in: dir.url)
            let post = try ChildProcess(
                [
                    "post", "issue", "--date", "2026-01-20", "--item", "P", "--tx", "RACE",
                    "--qty", "4", "--db", db,
                ], in: dir.url)
            // Alternate who starts first, with a small random stagger, so both orders happen.
            let stagger = UInt32(random.next(upTo: 40)) * 1000
            let (first, second) = round % 2 == 0 ? (close, post) : (post, close)
            try first.start()
            usleep(stagger)
            try second.start()
            let closeResult = try close.finish(), postResult = try post.finish()
            let context =
                "round \(round), seed \(seed), \(round % 2 == 0 ? "close" : "post") first, stagger \(stagger / 1000) ms"
            #expect(closeResult.status == 0, "close failed (\(context)): \(closeResult.stderr)")

            let settlementsRun = try ProcessOutcome.run(["settlements", "--json", "--db", db], in: dir.url)
            try #require(settlementsRun.status == 0)
            let settlements = try #require(try Harness.json(settlementsRun.stdout)["settlements"] as? [[String: Any]])
            let settledRace = settlements.contains { $0["tx"] as? String == "RACE" }
            let eventsRun = try ProcessOutcome.run(["events", "--json", "--db", db], in: dir.url)
            let log = try #require(try Harness.json(eventsRun.stdout)["events"] as? [[String: Any]])
            let raceEvents = log.filter { $0["reference"] as? String == "RACE" }
            let closeSequence = log.last { ($0["type"] as? String ?? "").hasPrefix("close") }?["sequence"] as? Int

            if postResult.status == 0 {
                landed += 1
                #expect(raceEvents.count == 1, "post exited 0 but its issue is not in the log once (\(context))")
                if let issueSequence = raceEvents.first?["sequence"] as? Int, let closeSequence {
                    #expect(
                        issueSequence < closeSequence,
                        "an issue dated in a closed period landed after the close (\(context))")
                }
                #expect(settledRace, "the issue landed before the close but the close did not settle it (\(context))")
            } else {
                refused += 1
                #expect(
                    postResult.status == 2 && postResult.stderr.contains("period-closed"),
                    "post failed other than period-closed (\(context)): exit \(postResult.status) \(postResult.stderr)")
                #expect(raceEvents.isEmpty && !settledRace, "a refused post left events (\(context))")
            }
            _ = try Harness.verifiedEventCount(db: db, in: dir.url, context: context)
            try Harness.replayVerifies(db: db, in: dir.url, context: context)
        }
        print(
            "ConcurrentWriterTests: close race seed \(seed): \(rounds) rounds in \(KillLoop.milliseconds(since: start)) ms, "
                + "post landed before the close \(landed), refused period-closed \(refused)")
    }

    /// A writer that finds the database busy (another process in the middle of its write transaction) waits
    /// for it (SQLite's busy timeout, 10 s), then catches up with what the other wrote, decides again and
    /// lands after it, instead of failing at once with a storage error.
    @Test func aWriterWaitsForABusyDatabaseAndThenLands() throws {
        let dir = try TemporaryDirectory("busy")
        let db = dir.path("ledger.db")
        try Self.seededLedger(db, in: dir.url)
        let holder = try Ledger(path: db)
        let waiter = try ChildProcess(
            [
                "post", "issue", "--date", "2026-01-05", "--item", "P", "--tx", "WAITER",
                "--qty", "4", "--db", db,
            ], in: dir.url)
        let holdMilliseconds = 3_000
        let start = ContinuousClock.now
        // The holder's command keeps SQLite's write lock while its body runs: the waiter starts meanwhile.
        try holder.executeBatch(kind: "post") { submit in
            try waiter.start()
            usleep(UInt32(holdMilliseconds) * 1000)
            try submit(
                .receive(
                    .init(
                        date: LedgerDate("2026-01-04")!, item: "P", transaction: "HOLDER",
                        quantity: Quantity(whole: 10), unitPrice: UnitPrice(units: 30_000))))
        }
        let result = try waiter.finish()
        let elapsed = KillLoop.milliseconds(since: start)
        #expect(result.status == 0, "a writer on a busy database failed instead of waiting: \(result.stderr)")
        #expect(elapsed >= holdMilliseconds, "the waiter finished in \(elapsed) ms, before the lock was released")

        let eventsRun = try ProcessOutcome.run(["events", "--json", "--db", db], in: dir.url)
        let log = try #require(try Harness.json(eventsRun.stdout)["events"] as? [[String: Any]])
        let sequence = { (reference: String) in
            log.first { $0["reference"] as? String == reference }?["sequence"] as? Int
        }
        let holderSequence = try #require(sequence("HOLDER")), waiterSequence = try #require(sequence("WAITER"))
        #expect(waiterSequence > holderSequence, "the waiter landed before the holder's command")
        _ = try Harness.verifiedEventCount(db: db, in: dir.url, context: "after the busy wait")
        try Harness.replayVerifies(db: db, in: dir.url, context: "after the busy wait")
        print(
            "ConcurrentWriterTests: a post on a database held busy for \(holdMilliseconds) ms waited and landed after \(elapsed) ms"
        )
    }
}
