// One flipped byte anywhere in a ledger file (event rows, command rows, the snapshot, SQLite's own pages
// and header) must give either the same figures with exit 0 or a clear error exit; never a signal and
// never different figures with exit 0. Each flip runs the built binary on its own copy of a small
// ledger that has a close and a snapshot.
//
//   SUBLEDGER_BYTEFLIP_SEED=N   replays one seed (printed by every run)
//   SUBLEDGER_BYTEFLIP_RUNS=N   number of flips (default 200, three processes a flip)

import Foundation
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerCore
@testable import SubledgerStore

struct ByteFlipTests {
    /// The queries compared with the undamaged ledger's answers. `transactions` shows every amount of
    /// every transaction, `gl` every balance; `verify` checks the chain and the snapshot.
    static let queries: [[String]] = [["transactions", "--json"], ["gl", "--json"], ["verify"]]

    /// Items, receipts, issues, an invoice, a close (which stores a snapshot) and postings after it.
    static func makeLedger(_ path: String) throws {
        // A fixed clock and command ids: the same bytes every time, so a seed replays the same flips.
        nonisolated(unsafe) var counter = 0
        let ledger = try Ledger(
            path: path, clock: { 1_700_000_000_000 },
            makeCommandID: {
                counter += 1
                return "cmd-\(counter)"
            })
        func run(_ name: String, _ pairs: KeyValuePairs<String, String>) throws {
            try ledger.execute(
                CommandDecoder.decode(command: name, CommandFields(pairs.map { (key: $0.key, value: $0.value) })))
        }
        try run("item", ["item": "A", "model": "fifo", "price": "11.00"])
        try run("item", ["item": "B", "model": "weighted-average", "price": "4.00"])
        try run("receive", ["date": "2026-01-02", "item": "A", "tx": "P1", "qty": "5", "cost": "10.00"])
        try run("receive", ["date": "2026-01-03", "item": "B", "tx": "P2", "qty": "8", "cost": "4.25"])
        try run(
            "receive", ["date": "2026-01-04", "item": "A", "tx": "P3", "qty": "3", "cost": "12.50", "physical": "yes"])
        try run("issue", ["date": "2026-01-06", "item": "A", "tx": "S1", "qty": "4"])
        try run("issue", ["date": "2026-01-07", "item": "B", "tx": "S2", "qty": "3"])
        try run("invoice", ["date": "2026-01-09", "tx": "P3", "cost": "12.00"])
        try ledger.execute(.close(LedgerDate("2026-01-31")!))
        try run("receive", ["date": "2026-02-02", "item": "B", "tx": "P4", "qty": "2", "cost": "5.00"])
        try run("issue", ["date": "2026-02-03", "item": "A", "tx": "S3", "qty": "2"])
        // Everything in the main file: a flip then lands on the bytes a reader would see.
        try ledger.store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    static var flips: Int {
        if let text = ProcessInfo.processInfo.environment["SUBLEDGER_BYTEFLIP_RUNS"], let n = Int(text), n >= 1 {
            return n
        }
        return 200
    }

    enum Outcome: String, CaseIterable {
        case same = "same figures"
        case sameWarned = "same figures, snapshot skipped with a warning"
        case error = "clear error"
    }

    @Test func flippedBytesGiveTheSameFiguresOrAClearError() throws {
        let temporary = try TemporaryDirectory("byteflip")
        let directory = temporary.url
        let original = directory.appendingPathComponent("original.db").path
        try Self.makeLedger(original)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: original)))
        let baseline = try Self.queries.map { query in
            let outcome = try ProcessOutcome.run(query + ["--db", original], in: directory)
            try #require(outcome.exited && outcome.status == 0, "undamaged ledger: \(query) \(outcome.summary)")
            return outcome.stdout
        }

        let seed = KillLoop.seed(fromEnvironment: "SUBLEDGER_BYTEFLIP_SEED")
        print(
            "ByteFlipTests: seed \(seed) (SUBLEDGER_BYTEFLIP_SEED=\(seed) replays it), \(Self.flips) flips of a \(bytes.count)-byte ledger"
        )
        var random = SplitMix64(seed: seed)
        var tally: [String: Int] = [:], exits: [Int32: Int] = [:]
        let start = ContinuousClock.now
        for flip in 0..<Self.flips {
            let offset = Int(random.next(upTo: UInt64(bytes.count)))
            let mask = UInt8(1 + random.next(upTo: 255))
            var damaged = bytes
            damaged[offset] ^= mask
            let path = directory.appendingPathComponent("flip-\(flip).db").path
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            if let keep = ProcessInfo.processInfo.environment["SUBLEDGER_BYTEFLIP_KEEP"], Int(keep) == flip {
                try Data(damaged).write(to: TemporaryFiles.kept("byteflip-\(flip).db"))
                try Data(bytes).write(to: TemporaryFiles.kept("byteflip-original.db"))
            }
            let context = "seed \(seed), flip \(flip): byte \(offset) ^ 0x\(String(mask, radix: 16))"
            for (query, expected) in zip(Self.queries, baseline) {
                let outcome = try ProcessOutcome.run(query + ["--db", path], in: directory)
                let kind = try Self.classify(
                    outcome, expected: expected, context: "\(context), \(query.joined(separator: " "))")
                tally[kind.rawValue, default: 0] += 1
                if kind == .error { exits[outcome.status, default: 0] += 1 }
            }
        }
        let seconds = Double((ContinuousClock.now - start).components.seconds)
        print(
            "ByteFlipTests: \(Self.flips) flips x \(Self.queries.count) queries in about \(Int(seconds)) s: "
                + Outcome.allCases.map { "\($0.rawValue) \(tally[$0.rawValue] ?? 0)" }.joined(separator: ", ")
                + "; error exits "
                + exits.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
    }

    /// Same figures, or a non-zero exit with a message; anything else fails the test with its context.
    static func classify(_ outcome: ProcessOutcome, expected: String, context: String) throws -> Outcome {
        try #require(outcome.exited, "\(context): killed by signal \(outcome.status)")
        if outcome.status == 0 {
            try #require(
                outcome.stdout == expected, "\(context): different figures with exit 0\n\(outcome.stdout.prefix(400))")
            return outcome.stderr.contains("warning: snapshot") ? .sameWarned : .same
        }
        try #require(
            !outcome.stderr.isEmpty || outcome.status == 1, "\(context): exit \(outcome.status) without a message")
        try #require(
            [1, 3, 66].contains(outcome.status), "\(context): unexpected exit \(outcome.status): \(outcome.stderr)")
        return .error
    }
}
