import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Subledger
import SubledgerServer
import SubledgerTestSupport
import Synchronization
import Testing

/// `GET /v1/verify` streams the whole chain: on a ledger file it reads through a connection of its own,
/// so it answers while the ledger's queue is busy (a long verify does not hold the commands up), with the
/// same document as the verify on the queue.
@Suite struct VerifyOffQueueTests {
    @Test func verifyAnswersWhileTheLedgerIsBusyAndAgreesWithTheQueuesVerify() async throws {
        let database = TemporaryDatabase("verify-off-queue")
        defer { database.remove() }
        let ledger = try Ledger(path: database.path)
        try ledger.execute(try Posting.command("item", "item=A model=fifo"))
        // What the verify on the ledger's queue answers (the route's body: the document and a newline).
        let expected =
            VerifyJSON.document(try ledger.verify(), snapshots: try ledger.snapshotChecksums()).serialized() + "\n"
        #expect(expected.contains("\"intact\":true"), "\(expected)")

        let service = LedgerService(ledger: try Ledger(path: database.path), filePath: database.path)
        let busy = Gate()
        try await Application(router: buildRouter(service: service, authenticate: false)).test(.router) { client in
            async let blocker: Void = service.read { _ in busy.wait() }  // the ledger's queue is busy
            try await waitUntil { busy.isBlocking }
            // Without the connection of its own the verify would wait for the queue: let it go after 5 s
            // so that case fails instead of hanging.
            let released = Mutex(false)
            let release = Task {
                try await Task.sleep(for: .seconds(5))
                released.withLock { $0 = true }
                busy.open()
            }
            let response = try await client.execute(uri: "/v1/verify", method: .get)
            let answeredWhileBusy = !released.withLock { $0 }
            if answeredWhileBusy {
                release.cancel()
                busy.open()
            }
            try await blocker
            #expect(answeredWhileBusy, "the verify waited for the ledger's queue")
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == expected)
        }
    }
}
