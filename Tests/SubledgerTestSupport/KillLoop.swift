// The crash harnesses' loop: start a `subledger` child on a fresh copy of a ledger, SIGKILL it after a
// random delay spread over its run, let the test check the file, re-run the command, repeat.

import Foundation
import Subledger

#if canImport(Glibc)
import Glibc
#endif

public final class KillLoop {
    /// One kill: where it happened and how the child ended.
    public struct Point {
        public var index: Int
        public var delay: Int
        public var context: String
        public var outcome: ProcessOutcome
    }

    public let seed: UInt64
    public let points: Int
    /// Milliseconds a whole run of the command takes; re-measured by `rerun` under the current load.
    public var window: Int
    var random: SplitMix64

    public init(seed: UInt64, points: Int, window: Int) {
        self.seed = seed
        self.points = points
        self.window = window
        random = SplitMix64(seed: seed)
    }

    /// A random delay in 0...1.4 x window ms, skewed so every phase gets hits: a quarter early (process
    /// start, open, catch-up, decide), half around the commit (70-120 % of a normal run), a quarter anywhere.
    public func delay() -> Int {
        let w = UInt64(max(window, 4))
        switch random.next(upTo: 4) {
        case 0: return Int(random.next(upTo: w * 7 / 10))
        case 1, 2: return Int(w * 7 / 10 + random.next(upTo: w * 5 / 10))
        default: return Int(random.next(upTo: w * 14 / 10))
        }
    }

    /// Kill points run so far (`points`, plus the retries `run` added).
    public private(set) var ran = 0

    /// A delay for a retry: anywhere in 5-100 % of the window (re-measured by the re-runs), where the
    /// command is at work rather than starting up or done.
    func retryDelay() -> Int {
        let w = UInt64(max(window, 4))
        return Int(w / 20 + random.next(upTo: w * 19 / 20))
    }

    /// For each kill point: `template` copied to `db`, `arguments` started on it and killed after a delay,
    /// then `check` with the point. Then, while `landed` says no kill yet did what the test must see
    /// (e.g. one between two groups: a loaded machine stretches a run, so a delay measured before may land
    /// before the work or after it), up to `retries` more points, each checked the same way.
    public func run(
        _ arguments: [String], template: String, db: String, in directory: URL,
        label: String, retries: Int = 0, until landed: () -> Bool = { true }, check: (Point) throws -> Void
    ) throws {
        var index = 0
        while index < points || (index < points + retries && !landed()) {
            try TemporaryDatabase.copy(template, to: db)
            let delay = index < points ? delay() : retryDelay()
            let child = try ChildProcess(arguments, in: directory)
            try child.start()
            usleep(UInt32(delay) * 1000)
            child.kill()
            let outcome = try child.finish()
            let kind = index < points ? "kill point" : "retry"
            let context = "\(label) \(kind) \(index) at \(delay) ms, seed \(seed)"
            try check(Point(index: index, delay: delay, context: context, outcome: outcome))
            index += 1
            ran = index
        }
    }

    /// Runs `arguments` to the end; when `calibrate`, its time moves the delay window (other tests share
    /// the cores, so a run takes longer or shorter than the reference did).
    public func rerun(_ arguments: [String], in directory: URL, calibrate: Bool) throws -> ProcessOutcome {
        let start = ContinuousClock.now
        let outcome = try ProcessOutcome.run(arguments, in: directory)
        if calibrate { window = (window + Self.milliseconds(since: start)) / 2 }
        return outcome
    }

    public static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let d = ContinuousClock.now - start
        return Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
    }

    /// The seed in the variable `name`, or a fresh one (printed by the caller so it can be replayed).
    public static func seed(fromEnvironment name: String) -> UInt64 {
        if let text = ProcessInfo.processInfo.environment[name], let value = UInt64(text) { return value }
        var generator = SystemRandomNumberGenerator()
        return generator.next() % 1_000_000_000
    }
}
