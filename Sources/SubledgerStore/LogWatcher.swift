// LogWatcher: how a reader learns that the log grew past the sequence it holds, whoever appended (another
// node, another process, this one). A watcher only gives hints: the reader always reads the log after its
// own last sequence, so a hint lost, late or repeated costs time, never an event. On PostgreSQL the hints
// come from NOTIFY (PostgresLogWatcher); on SQLite from polling the file's last sequence (SQLiteLogWatcher).
// Every wait also ends on the watcher's slow timer, which bounds the delay a lost hint can cause (DR-42).

import Synchronization

/// Tells a reader that the log may have grown.
public protocol LogWatcher: AnyObject, Sendable {
    /// Returns the newest last sequence the watcher has heard of, once it is past `sequence` (at once when
    /// it already is), or nil when the slow timer passes first (or the waiting task is cancelled): the
    /// reader then reads the log anyway.
    func wait(after sequence: Int64) async -> Int64?
    /// Stops listening or polling (waits then end on the timer only).
    func stop()
}

/// A log that can make a watcher of itself: one more connection that follows the log's end.
public protocol WatchableLog {
    /// A watcher of this log, started by its first wait. `timer` is the slow timer; `report` gets a line
    /// for each failure of the watcher's own connection (naming the server, never a password).
    func makeWatcher(timer: Duration, report: @escaping @Sendable (String) -> Void) -> any LogWatcher
}

/// The waiting half every watcher shares: waiters parked until the known last sequence passes theirs, or
/// their timer fires. Whatever feeds it (notifications, polling) calls `grew(to:)`.
public final class LogSignal: Sendable {
    public let timer: Duration

    private enum Slot {
        /// The waiter is about to park.
        case pending
        case waiting(after: Int64, CheckedContinuation<Int64?, Never>)
        /// Cancelled before it parked: it must not park.
        case cancelled
    }

    private struct State {
        var known: Int64 = 0
        var nextID: UInt64 = 0
        var slots: [UInt64: Slot] = [:]
    }

    private let state = Mutex(State())

    public init(timer: Duration) {
        self.timer = timer
    }

    /// The newest last sequence heard of (0 before the first).
    public var known: Int64 { state.withLock { $0.known } }

    /// The log ends at `sequence` or later: wakes every waiter behind it.
    public func grew(to sequence: Int64) {
        let woken = state.withLock { state -> [CheckedContinuation<Int64?, Never>] in
            guard sequence > state.known else { return [] }
            state.known = sequence
            var woken: [CheckedContinuation<Int64?, Never>] = []
            for (id, slot) in state.slots {
                guard case .waiting(let after, let continuation) = slot, after < sequence else { continue }
                state.slots[id] = nil
                woken.append(continuation)
            }
            return woken
        }
        for continuation in woken { continuation.resume(returning: sequence) }
    }

    /// See `LogWatcher.wait(after:)`.
    public func wait(after sequence: Int64) async -> Int64? {
        let known = self.known
        if known > sequence { return known }
        return await withTaskGroup(of: Int64?.self) { group in
            group.addTask { await self.parked(after: sequence) }
            group.addTask {
                try? await Task.sleep(for: self.timer)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Parks until `grew(to:)` passes `sequence`; nil when cancelled (the timer won).
    private func parked(after sequence: Int64) async -> Int64? {
        let id = state.withLock { state in
            state.nextID += 1
            state.slots[state.nextID] = .pending
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Int64?, Never>) in
                let now: Int64?? = state.withLock { state in
                    if case .cancelled = state.slots[id] {
                        state.slots[id] = nil
                        return .some(nil)
                    }
                    if state.known > sequence {
                        state.slots[id] = nil
                        return .some(state.known)
                    }
                    state.slots[id] = .waiting(after: sequence, continuation)
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            let parked = state.withLock { state -> CheckedContinuation<Int64?, Never>? in
                switch state.slots[id] {
                case .pending:
                    state.slots[id] = .cancelled
                    return nil
                case .waiting(_, let continuation):
                    state.slots[id] = nil
                    return continuation
                case .cancelled, nil:
                    return nil
                }
            }
            parked?.resume(returning: nil)
        }
    }
}
