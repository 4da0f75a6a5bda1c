// Blocking work from a test, off Swift's cooperative pool. swift-testing runs every test body on that
// pool, which has one thread per core (two here); a test that blocks in it (a child process, a server's
// start and stop, a socket read, a PostgreSQL call: DR-34) holds a thread for as long as it blocks. Two such
// tests at once stop every other test's continuations, the services' followers and watchers among them:
// measured under load, the pool stalled 13 s while two server-process tests ran, and the three tests that
// wait 10 s for a notification failed together. `DispatchQueue.global()` is no way out on Linux: its
// threads come from the same per-core limit (the same run measured it 2.6 s late). So the work runs on a
// serial queue of its own, whose thread is made for it, as a task executor preference: the body stays in
// the test's task, and an `#expect` in it is still the test's (on a bare dispatch thread it would be
// recorded for an unknown test, and the test itself would pass).

import Dispatch

/// Runs `body` on a thread of its own, in the calling task, without holding a thread of the pool.
@discardableResult
public func offPool<T>(_ body: () throws -> T) async throws -> T {
    try await withTaskExecutorPreference(OwnThread()) { try body() }
}

/// A task executor that runs its jobs on one serial dispatch queue (a new thread, outside the pool's limit).
private final class OwnThread: TaskExecutor {
    let queue = DispatchQueue(label: "subledger.tests.off-pool")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
