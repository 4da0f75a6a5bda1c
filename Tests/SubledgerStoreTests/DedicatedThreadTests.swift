// `DedicatedThread` gives each body a thread of its own at once: many bodies that each wait for all the
// others all start. On a global dispatch queue (Linux: a pool about one thread per core, grown by about a
// thread a second when its threads block) the same barrier stays short of its count for seconds.

import Dispatch
import SubledgerStore
import SubledgerTestSupport
import Synchronization
import Testing

@Suite struct DedicatedThreadTests {
    @Test func manyBlockingBodiesAllRunAtOnce() async throws {
        let bodies = 24
        let started = Atomic<Int>(0)
        let allStarted = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        for _ in 0..<bodies {
            finished.enter()
            DedicatedThread.run {
                if started.add(1, ordering: .relaxed).newValue == bodies { allStarted.signal() }
                release.wait()  // blocks its thread, as a pipeline's reader blocks on its partner
                finished.leave()
            }
        }
        let reached = try await offPool { allStarted.wait(timeout: .now() + .seconds(3)) == .success }
        let startedInTime = started.load(ordering: .relaxed)
        for _ in 0..<bodies { release.signal() }
        try await offPool { finished.wait() }
        #expect(reached, "only \(startedInTime) of \(bodies) bodies started within 3 s")
    }
}
