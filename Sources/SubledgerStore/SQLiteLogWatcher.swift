// The SQLite log's watcher: SQLite has no notifications, so a connection of its own reads the file's last
// sequence every `poll` (one indexed lookup) on a serial queue of its own, off the cooperative pool, and
// feeds what it reads to the waiters. One poller serves every reader of a server (the event streams, the
// follower), where each stream polled the ledger itself before. An in-memory log has no other writer
// and no file to poll: its waits end on the timer only.

import Dispatch
import Synchronization

public final class SQLiteLogWatcher: LogWatcher {
    let signal: LogSignal
    private let poller: Poller?

    /// Watches the ledger file at `path`; a path of an in-memory log (":memory:") is watched by timer.
    public init(
        path: String, poll: Duration = .milliseconds(100), timer: Duration = .seconds(1),
        report: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        signal = LogSignal(timer: Connection.isInMemory(path) ? min(poll, timer) : timer)
        poller = Connection.isInMemory(path) ? nil : Poller(path: path, every: poll, signal: signal, report: report)
    }

    deinit { poller?.stop() }

    public func wait(after sequence: Int64) async -> Int64? {
        poller?.start()
        return await signal.wait(after: sequence)
    }

    public func stop() { poller?.stop() }

    /// The polling connection and its timer; the connection is touched only on `queue`.
    final class Poller: @unchecked Sendable {
        let path: String
        let interval: Duration
        let signal: LogSignal
        let report: @Sendable (String) -> Void
        let queue = DispatchQueue(label: "subledger.log-watcher")
        private let timer = Mutex<(source: DispatchSourceTimer?, stopped: Bool)>((nil, false))
        /// Only on `queue`.
        private var store: EventStore?
        private var failing = false

        init(path: String, every interval: Duration, signal: LogSignal, report: @escaping @Sendable (String) -> Void) {
            self.path = path
            self.interval = interval
            self.signal = signal
            self.report = report
        }

        func start() {
            timer.withLock { timer in
                guard timer.source == nil, !timer.stopped else { return }
                let source = DispatchSource.makeTimerSource(queue: queue)
                let nanoseconds =
                    Int(interval.components.seconds) * 1_000_000_000
                    + Int(interval.components.attoseconds / 1_000_000_000)
                source.schedule(
                    deadline: .now(), repeating: .nanoseconds(nanoseconds), leeway: .nanoseconds(nanoseconds / 10))
                source.setEventHandler { [self] in poll() }
                source.resume()
                timer.source = source
            }
        }

        func stop() {
            timer.withLock { timer in
                timer.source?.cancel()
                timer.source = nil
                timer.stopped = true
            }
            // The connection closes on the queue, after a poll that may be running.
            queue.async { [self] in store = nil }
        }

        private func poll() {
            do {
                if store == nil { store = try EventStore(path: path, access: .readOnly) }
                signal.grew(to: try store!.lastSequence())
                failing = false
            } catch {
                store = nil
                if !failing { report("subledger: cannot watch the ledger file \(path): \(error)") }
                failing = true
            }
        }
    }
}

extension EventStore: WatchableLog {
    public func makeWatcher(timer: Duration, report: @escaping @Sendable (String) -> Void) -> any LogWatcher {
        SQLiteLogWatcher(path: connection.path, timer: timer, report: report)
    }
}
