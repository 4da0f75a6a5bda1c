// The shared `offPool` (SubledgerTestSupport): its bodies block on threads of their own, more of them at once
// than the cooperative pool has threads, and an expectation in a body is still the calling test's.

import Foundation
import SubledgerTestSupport
import Synchronization
import Testing

@Suite struct OffPoolTests {
    final class Count: Sendable {
        let value = Mutex(0)
        var now: Int { value.withLock { $0 } }
    }

    /// Bodies that each wait for all the others, more of them than there are cores: on the pool they could not
    /// all run; on `DispatchQueue.global()` they met only after 1.9 s (libdispatch adds a thread to its per-core
    /// limit once a second when they block); each on a thread of its own, at once.
    @Test func moreBlockingBodiesAtOnceThanThePoolHasThreads() async throws {
        let count = ProcessInfo.processInfo.activeProcessorCount + 2
        let arrived = Count()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<count {
                group.addTask {
                    try await offPool {
                        arrived.value.withLock { $0 += 1 }
                        let deadline = ContinuousClock.now + .seconds(1)
                        while arrived.now < count && ContinuousClock.now < deadline {
                            Thread.sleep(forTimeInterval: 0.001)
                        }
                        return arrived.now == count
                    }
                }
            }
            for try await all in group { #expect(all, "\(arrived.now) of \(count) bodies ran at once") }
        }
    }

    /// On a bare dispatch thread the issue would belong to no test, and this test would pass without it.
    @Test func anExpectationInTheBodyIsTheTests() async throws {
        try await withKnownIssue {
            try await offPool { #expect(Bool(false), "recorded in the body") }
        }
    }
}
