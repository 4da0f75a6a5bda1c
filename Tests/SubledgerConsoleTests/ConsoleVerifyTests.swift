// The event log's verify button re-checks the whole chain (about a second on the benchmark ledger) on a
// read-only connection of its own, off the ledger's queue: the commands do not wait for it. The overview then
// says when the chain was verified and through which sequence.

import Dispatch
import Hummingbird
import HummingbirdTesting
import Subledger
import SubledgerServer
import SubledgerTestSupport
import Synchronization
import Testing

@Suite struct ConsoleVerifyTests {
    @Test func theVerifyButtonLeavesTheQueueFreeAndTheOverviewShowsIt() async throws {
        let database = TemporaryDatabase("console-verify")
        defer { database.remove() }
        let ledger = try Ledger(path: database.path)
        try ledger.runDemo()
        let last = ledger.state.lastSequence
        let service = LedgerService(ledger: ledger, filePath: database.path)
        // Without tokens: the session check then needs no queue, so only the verify itself could wait for it.
        let app = Application(router: buildRouter(service: service, authenticate: false))
        try await app.test(.router) { client in
            let cookie = try #require(try await client.login(""))
            let before = try await client.page("/", cookie: cookie).text
            #expect(before.contains("not verified yet"))
            let csrf = try #require(PageText.csrf(before))
            // A long command holds the ledger's queue; were the verify on it, it would wait: let go after 5 s.
            let gate = Gate()
            async let held = service.read { ledger in
                gate.wait()
                return ledger.state.lastSequence
            }
            try await waitUntil { gate.isBlocking }
            let released = Mutex(false)
            let release = Task {
                try await Task.sleep(for: .seconds(5))
                released.withLock { $0 = true }
                gate.open()
            }
            let verified = try await client.post("/events/verify", form: ["csrf": csrf], cookie: cookie)
            let answeredWhileHeld = !released.withLock { $0 }
            if answeredWhileHeld {
                release.cancel()
                gate.open()
            }
            #expect(try await held == last)
            #expect(answeredWhileHeld, "the verify waited for the ledger's queue")
            #expect(verified.status == .ok)
            #expect(verified.text.contains("Intact: \(last) events, every hash matches."))
            let after = try await client.page("/", cookie: cookie).text
            #expect(after.contains("data-chain=\"intact\">verified at 20"))
            #expect(after.contains(", through sequence <a href=\"/events?after=\(max(0, last - 50))\">\(last)</a>"))
        }
    }
}
