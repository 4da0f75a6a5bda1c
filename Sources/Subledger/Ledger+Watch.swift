// How a server learns that the ledger's log grew without reading it (DR-42): the store's watcher
// (LogWatcher.swift) behind the facade, so that the server never sees which database it is.

package import SubledgerStore

/// Tells its holder that the ledger's log may have grown (a hint: read the log after your last sequence).
public final class LedgerWatcher: Sendable {
    package let watcher: any LogWatcher

    package init(_ watcher: any LogWatcher) {
        self.watcher = watcher
    }

    /// The newest last sequence heard of once it is past `sequence` (at once when it already is), or nil
    /// when the watcher's slow timer (1 s) passes first or the task is cancelled.
    public func wait(after sequence: Int64) async -> Int64? {
        await watcher.wait(after: sequence)
    }

    /// Stops the watcher's connection (waits then end on the timer only).
    public func stop() { watcher.stop() }
}

extension Ledger {
    /// A watcher of this ledger's log on a connection of its own (started by its first wait); `report` gets
    /// a line for each failure of that connection.
    public func makeWatcher(
        timer: Duration = .seconds(1), report: @escaping @Sendable (String) -> Void = { _ in }
    ) -> LedgerWatcher {
        if let watchable = log as? any WatchableLog {
            return LedgerWatcher(watchable.makeWatcher(timer: timer, report: report))
        }
        // A log that cannot be watched (none today): the timer alone, as a poll of the log.
        return LedgerWatcher(SQLiteLogWatcher(path: ":memory:", poll: timer, timer: timer))
    }
}
