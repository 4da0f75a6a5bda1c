// The storage benchmark: import N postings over M items as JSON Lines into a fresh SQLite
// file, replay the log into the projection, and in the same run insert and scan rows of the same size
// through the raw SQLite C API. Prints medians of several runs, the ratios to raw SQLite, and peak memory.
//
//   swift run -c release subledger-bench [--postings 1000000] [--items 1000] [--runs 3] [--dir /tmp]

import Subledger
import SubledgerCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum Bench {
    static func main() {
        var postings = 1_000_000, items = 1_000, runs = 3, dir = "/tmp"
        var workloadPath: String?, replayDB: String?
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        while let flag = arguments.next() {
            let value = arguments.next() ?? ""
            switch flag {
            case "--postings": postings = Int(value) ?? postings
            case "--items": items = Int(value) ?? items
            case "--runs": runs = Int(value) ?? runs
            case "--dir": dir = value
            case "--write-workload": workloadPath = value
            case "--replay-db": replayDB = value
            case "--hash": HashBench.run(hashes: Int(value) ?? 1_000_000); return
            case "--group-commit":
                do { try GroupBench.run(commands: Int(value) ?? 2_000, runs: runs, dir: dir) } catch {
                    print("benchmark failed: \(error)")
                    exit(1)
                }
                return
            default:
                print(
                    "usage: subledger-bench [--postings N] [--items N] [--runs N] [--dir PATH] [--write-workload FILE] [--replay-db PATH] [--hash N] [--group-commit N]"
                )
                exit(2)
            }
        }
        if let workloadPath {
            // Writes the workload as a JSON Lines file (for `subledger import` by hand) and stops.
            let bytes = Workload(postings: postings, items: items).jsonLines()
            guard let file = fopen(workloadPath, "w") else { print("cannot write \(workloadPath)"); exit(1) }
            _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
            print("wrote \(bytes.count) bytes to \(workloadPath)")
            return
        }
        if let replayDB {
            do { try ReplayOnly.run(path: replayDB, postings: postings, items: items, runs: runs) } catch {
                print("benchmark failed: \(error)")
                exit(1)
            }
            return
        }
        do { try run(postings: postings, items: items, runs: runs, dir: dir) } catch {
            print("benchmark failed: \(error)")
            exit(1)
        }
    }

    static func run(postings: Int, items: Int, runs: Int, dir: String) throws {
        print(
            "subledger-bench: \(format(Double(postings))) postings over \(format(Double(items))) items, \(runs) runs (medians)"
        )
        let started = monotonicSeconds()
        let input = Workload(postings: postings, items: items).jsonLines()
        print(
            "  workload: \(format(Double(input.count) / 1_048_576, 1)) MiB of JSON Lines generated in \(format(monotonicSeconds() - started, 2)) s"
        )

        var importRates: [Double] = [], replayRates: [Double] = [], rawInserts: [Double] = [], rawScans: [Double] = []
        var closeSeconds: [Double] = [], closeReplaySeconds: [Double] = []
        var snapshotTake: [Double] = [], fullReplay: [Double] = [], snapshotOpen: [Double] = []
        var reconcileSeconds: [Double] = [], reverseSeconds: [Double] = []
        var importPeak = 0.0, replayPeak = 0.0, closePeak = 0.0, payloadBytes = 0, settlements = 0
        for run in 1...runs {
            let path = "\(dir)/subledger-bench-\(getpid()).db"
            remove(path); remove(path + "-wal"); remove(path + "-shm")
            defer { remove(path); remove(path + "-wal"); remove(path + "-shm") }

            resetPeakMemory()
            var t0 = monotonicSeconds()
            let events: Int
            do {
                let ledger = try Ledger(path: path)
                let result = try ledger.importFile(bytes: input, format: .jsonl)
                events = result.eventCount
            }
            let importSeconds = monotonicSeconds() - t0
            importPeak = max(importPeak, peakMemoryMiB())

            // Each phase opens its own Ledger and lets it go before the next, so peaks and times are its own.
            var replaySeconds = 0.0
            do {
                resetPeakMemory()
                t0 = monotonicSeconds()
                let replayed = try Ledger(path: path, useSnapshots: false)
                replaySeconds = monotonicSeconds() - t0
                replayPeak = max(replayPeak, peakMemoryMiB())
                precondition(
                    replayed.state.eventCount == events, "replay saw \(replayed.state.eventCount) of \(events) events")
                if payloadBytes == 0 { payloadBytes = try averagePayloadBytes(replayed) }

                // Close of the whole period.
                resetPeakMemory()
                t0 = monotonicSeconds()
                try replayed.execute(.close(LedgerDate(year: 2026, month: 1, day: 31)!))
                closeSeconds.append(monotonicSeconds() - t0)
                closePeak = max(closePeak, peakMemoryMiB())
                settlements = try replayed.settlements().count
            }
            do {
                // The replay of the same log, the close included; then a snapshot and a 1% tail.
                t0 = monotonicSeconds()
                let afterClose = try Ledger(path: path, useSnapshots: false)
                closeReplaySeconds.append(monotonicSeconds() - t0)
                precondition(!afterClose.state.closes.isEmpty, "replay lost the close")
                t0 = monotonicSeconds()
                try afterClose.takeSnapshot()
                snapshotTake.append(monotonicSeconds() - t0)
                let tail = Workload(postings: postings / 100, items: items, tail: true).jsonLines()
                try afterClose.importFile(bytes: tail, format: .jsonl)
            }
            let fullDigest: StateDigest
            do {
                t0 = monotonicSeconds()
                let full = try Ledger(path: path, useSnapshots: false)
                fullReplay.append(monotonicSeconds() - t0)
                fullDigest = StateDigest(full.state)
            }
            do {
                t0 = monotonicSeconds()
                let fromSnapshot = try Ledger(path: path)
                snapshotOpen.append(monotonicSeconds() - t0)
                precondition(
                    StateDigest(fromSnapshot.state) == fullDigest, "snapshot + tail differs from a full replay")
                t0 = monotonicSeconds()
                let report = try fromSnapshot.reconcile(asOf: LedgerDate(year: 2026, month: 12, day: 31)!)
                reconcileSeconds.append(monotonicSeconds() - t0)
                precondition(report.agrees, "the benchmark ledger does not reconcile")
                t0 = monotonicSeconds()
                try fromSnapshot.execute(.reverseClose(date: nil, through: nil))
                reverseSeconds.append(monotonicSeconds() - t0)
            }

            let raw = try rawSQLiteBaseline(path: path + ".raw", rows: events, payloadBytes: payloadBytes)
            importRates.append(Double(events) / importSeconds)
            replayRates.append(Double(events) / replaySeconds)
            rawInserts.append(raw.insertsPerSecond)
            rawScans.append(raw.scansPerSecond)
            print(
                "  run \(run): close \(format(closeSeconds.last!, 2)) s (\(format(Double(settlements))) settlement entries), replay with the close \(format(closeReplaySeconds.last!, 2)) s"
            )
            print(
                "  run \(run): import \(format(Double(events) / importSeconds)) ev/s (\(format(importSeconds, 2)) s), replay \(format(Double(events) / replaySeconds)) ev/s (\(format(replaySeconds, 2)) s), raw insert \(format(raw.insertsPerSecond)) rows/s, raw scan \(format(raw.scansPerSecond)) rows/s"
            )
        }
        let importRate = median(importRates), replayRate = median(replayRates)
        let rawInsert = median(rawInserts), rawScan = median(rawScans)
        print("")
        print(
            "  import  \(format(importRate)) events/s   = \(format(100 * importRate / rawInsert, 1))% of raw SQLite inserts (\(format(rawInsert)) rows/s, ~\(payloadBytes + 90) B rows)   target >= 50%"
        )
        print(
            "  replay  \(format(replayRate)) events/s   = \(format(100 * replayRate / rawScan, 1))% of raw SQLite scan (\(format(rawScan)) rows/s)   target >= 1,000,000 events/s"
        )
        let close = median(closeSeconds), closeReplay = median(closeReplaySeconds)
        print(
            "  close   \(format(close, 2)) s for \(format(Double(postings))) transactions = \(format(Double(postings) / close)) transactions/s, \(format(close / closeReplay, 2))x the replay of the same log (\(format(closeReplay, 2)) s)   targets <= 3x replay, < 10 s"
        )
        print(
            "  snapshot + 1% tail: open \(format(median(snapshotOpen), 2)) s vs full replay \(format(median(fullReplay), 2)) s = \(format(median(fullReplay) / median(snapshotOpen), 1))x faster   target >= 20x (taking the snapshot: \(format(median(snapshotTake), 2)) s)"
        )
        print(
            "  reconcile \(format(median(reconcileSeconds), 2)) s   target < 2 s;  reverse-close \(format(median(reverseSeconds), 2)) s"
        )
        print("  peak memory: close \(format(closePeak)) MiB")
        print("  peak memory: import \(format(importPeak)) MiB, replay \(format(replayPeak)) MiB   target < 1024 MiB")
    }

    static func averagePayloadBytes(_ ledger: Ledger) throws -> Int {
        var total = 0, count = 0
        try ledger.store.scan(after: 0, through: 10_000) { view in
            total += view.payload.count
            count += 1
        }
        return count == 0 ? 100 : total / count
    }
}
