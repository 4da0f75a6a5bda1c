// Keeps the served ledger's open state current with the log (issue 14, DR-42): when the watcher hears that
// the log grew (another node's commit, a CLI import), the follower queues ONE catch-up job on the ledger's
// queue and waits for it before it listens again, so hints that arrive meanwhile coalesce into the next
// job instead of queuing one each; a hint the state already holds (this node's own commit, heard back)
// reads nothing. The watcher's slow timer also brings a catch-up (one query when nothing changed), so a
// lost hint delays the state by at most that timer. Runs while the service runs.

import Logging
import Subledger
import Synchronization

final class LogFollower: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)
    /// Catch-up jobs run so far (for the tests: one per wake, not one per hint).
    private let jobs = Atomic<Int>(0)

    var catchUps: Int { jobs.load(ordering: .relaxed) }
    /// Catch-up jobs that read nothing because a group was queued behind them (for the tests).
    private let skipped = Atomic<Int>(0)
    var skippedForGroups: Int { skipped.load(ordering: .relaxed) }

    /// Starts following `service`'s log (again a no-op while it follows).
    func start(_ service: LedgerService) {
        task.withLock { task in
            guard task == nil else { return }
            task = Task { await self.follow(service) }
        }
    }

    /// Stops following and waits until no catch-up job of the follower is left on the queue.
    func stop() async {
        let running = task.withLock { task in
            defer { task = nil }
            return task
        }
        running?.cancel()
        await running?.value
    }

    private func follow(_ service: LedgerService) async {
        var known: Int64 = 0
        var failing = false
        while !Task.isCancelled {
            let hint = await service.watcher.wait(after: known)
            if Task.isCancelled { return }
            do {
                jobs.add(1, ordering: .relaxed)
                let caughtUp = try await service.onQueue { ledger in
                    // The node's own commits come back as hints too: the state holds them, nothing to read.
                    if let hint, hint <= ledger.state.lastSequence { return ledger.state.lastSequence }
                    // A group job is queued behind this one: it reads the tail under the lock anyway, in its
                    // first pipeline, so a read here would only delay it (DR-51). Its catch-up reaches the log's
                    // end at its lock, past the hinted event (committed before the hint was sent).
                    if service.writer.isScheduled {
                        self.skipped.add(1, ordering: .relaxed)
                        return ledger.state.lastSequence
                    }
                    try ledger.catchUp()
                    return ledger.state.lastSequence
                }
                // Past the hint too: a hint the log does not bear out waits for the next one or the timer.
                known = max(caughtUp, hint ?? 0)
                if failing { service.logger.notice("following the log again at event \(caughtUp)") }
                failing = false
            } catch let problem as Problem where problem == Problem.shuttingDown {
                return
            } catch {
                if !failing { service.logger.warning("cannot catch up with the log: \(error)") }
                failing = true
                known = max(known, hint ?? 0)
            }
        }
    }
}
