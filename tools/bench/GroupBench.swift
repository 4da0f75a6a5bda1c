// `subledger-bench --group-commit N`: N single-receipt commands, each its own durable transaction
// (`Ledger.execute`), against the same N through `Ledger.executeGroup` in groups of 32 (DR-25), on fresh
// files in --dir. What the server's group commit buys per request: one fsync per group instead of one per
// command. Prints commands per second, medians of --runs.

import Subledger
import SubledgerCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum GroupBench {
    static let groupSize = 32

    static func run(commands: Int, runs: Int, dir: String) throws {
        print("subledger-bench --group-commit: \(commands) single receipts, \(runs) runs (medians)")
        let receipts = try (0..<commands).map { try receipt($0) }
        var single: [Double] = [], grouped: [Double] = []
        for _ in 1...runs {
            single.append(
                try measure(dir: dir) { ledger in
                    for (index, command) in receipts.enumerated() {
                        try ledger.execute(command, commandID: "c\(index)")
                    }
                })
            grouped.append(
                try measure(dir: dir) { ledger in
                    for start in stride(from: 0, to: receipts.count, by: groupSize) {
                        let requests = (start..<min(start + groupSize, receipts.count)).map {
                            GroupedCommand.single(receipts[$0], commandID: "c\($0)", actor: "bench")
                        }
                        for result in try ledger.executeGroup(requests) { _ = try result.get() }
                    }
                })
        }
        let singleRate = Double(commands) / median(single), groupedRate = Double(commands) / median(grouped)
        print("  one transaction per command: \(format(singleRate)) commands/s")
        print(
            "  groups of \(groupSize):              \(format(groupedRate)) commands/s (x\(format(groupedRate / singleRate, 1)))"
        )
    }

    /// Seconds `body` takes on a fresh ledger holding the item.
    static func measure(dir: String, _ body: (Ledger) throws -> Void) throws -> Double {
        let path = "\(dir)/subledger-bench-group-\(getpid()).db"
        remove(path); remove(path + "-wal"); remove(path + "-shm")
        defer { remove(path); remove(path + "-wal"); remove(path + "-shm") }
        let ledger = try Ledger(path: path)
        try ledger.execute(try decode("item", [("item", "A"), ("model", "fifo")]))
        let t0 = monotonicSeconds()
        try body(ledger)
        return monotonicSeconds() - t0
    }

    static func receipt(_ index: Int) throws -> LedgerCommand {
        try decode(
            "receive", [("date", "2026-01-05"), ("item", "A"), ("tx", "R\(index)"), ("qty", "2"), ("cost", "5.25")])
    }

    static func decode(_ name: String, _ pairs: [(String, String)]) throws -> LedgerCommand {
        try CommandDecoder.decode(command: name, CommandFields(pairs.map { (key: $0.0, value: $0.1) }))
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}
