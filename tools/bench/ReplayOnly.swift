// `--replay-db PATH`: replay timing alone, for iterating on the fold. Imports the workload into PATH once
// (kept between invocations), then times `runs` full replays of it and prints each and the median.

import Subledger

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum ReplayOnly {
    static func run(path: String, postings: Int, items: Int, runs: Int) throws {
        if access(path, F_OK) != 0 {
            let ledger = try Ledger(path: path)
            try ledger.importFile(bytes: Workload(postings: postings, items: items).jsonLines(), format: .jsonl)
        }
        var rates: [Double] = [], cpus: [Double] = []
        for run in 1...runs {
            let t0 = monotonicSeconds(), c0 = cpuSeconds()
            let ledger = try Ledger(path: path, useSnapshots: false)
            let seconds = monotonicSeconds() - t0, cpu = cpuSeconds() - c0
            cpus.append(cpu)
            rates.append(Double(ledger.state.eventCount) / seconds)
            print(
                "  replay run \(run): \(format(rates.last!)) ev/s (\(format(seconds, 3)) s, cpu \(format(cpu, 3)) s, \(ledger.state.eventCount) events)"
            )
        }
        print("  replay median \(format(median(rates))) events/s, cpu median \(format(median(cpus), 3)) s")
    }
}

/// User plus system CPU time of this process: less disturbed by other processes than wall time.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}
