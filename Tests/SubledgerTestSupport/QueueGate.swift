// Holding a ledger's serial queue from a test: a job that waits on the gate keeps every later job (a
// command group, a read) waiting, so a test can prove which work runs off the queue.

import Dispatch
import Synchronization

/// Holds the ledger's queue: `wait` (on the queue) blocks until `open`.
public final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let blocking = Mutex(false)

    public init() {}

    public var isBlocking: Bool { blocking.withLock { $0 } }

    public func wait() {
        blocking.withLock { $0 = true }
        semaphore.wait()
    }

    public func open() { semaphore.signal() }
}

/// Polls `condition` every 5 ms, for at most 20 s (a loaded machine).
public func waitUntil(_ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(20)
    while !condition() && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
}
