import Foundation
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerStore

/// `subledger close` SIGKILLed at random moments, also between its commit and the history projection
/// that follows it: the history tables of the killed file are always a prefix the next run completes
/// (the watermark moves with the rows), and after it they equal a fresh projection, the close's on-hand
/// included (the run that projects a close stores its on-hand with it, from a replay when it is not the
/// closing command's).
/// SUBLEDGER_CRASH_SEED reproduces; SUBLEDGER_CRASH_POINTS sets the kill points (default 6 here).
struct HistoryCrashTests {
    @Test func killedCloseLeavesHistoryTheNextRunCompletes() throws {
        let seed = KillLoop.seed(fromEnvironment: "SUBLEDGER_CRASH_SEED")
        let points = ProcessInfo.processInfo.environment["SUBLEDGER_CRASH_POINTS"].flatMap { Int($0) } ?? 6
        print("HistoryCrashTests: seed \(seed), \(points) kill points")
        let dir = try TemporaryDirectory("history-crash")
        let (text, _) = Harness.jsonLines(prefix: "H", postings: 2000, seed: seed &+ 2)
        let file = dir.path("history.jsonl")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let template = dir.path("history.db")
        #expect(try ProcessOutcome.run(["init", "--db", template], in: dir.url).status == 0)
        try #require(try ProcessOutcome.run(["import", file, "--db", template], in: dir.url).status == 0)

        let closeArgs = ["close", "2026-01-31", "--command-id", "close-2026-01"]
        let reference = dir.path("reference.db")
        try TemporaryDatabase.copy(template, to: reference)
        let t0 = ContinuousClock.now
        try #require(try ProcessOutcome.run(closeArgs + ["--db", reference], in: dir.url).status == 0)
        let loop = KillLoop(seed: seed ^ 0x4157, points: points, window: KillLoop.milliseconds(since: t0))
        var behind = 0
        let db = dir.path("crash.db")
        try loop.run(closeArgs + ["--db", db], template: template, db: db, in: dir.url, label: "close") { point in
            let ledger = try Ledger(path: db, access: .existing)
            let store = try ledger.store
            if try store.historyWatermark() < store.checkedLastSequence() { behind += 1 }
            let difference = try ledger.verifyHistory().difference  // projects what the kill left, then compares
            #expect(difference == nil, "\(point.context): \(difference ?? "")")
            _ = try ledger.rebuildHistory()
            #expect(try ledger.verifyHistory().difference == nil, "\(point.context)")
        }
        print("HistoryCrashTests: \(behind) kills left the history behind the log")
    }
}
