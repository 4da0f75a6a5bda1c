import Hummingbird
import HummingbirdTesting
import Subledger
import SubledgerServer
import SubledgerTestSupport
import Synchronization
import Testing

/// The long reports (`GET /v1/reconciliation`: 1.4 s on the benchmark ledger) run on a read-only copy of
/// the ledger off its queue: while one runs, the queue answers other requests (the commands do not wait).
@Suite struct ReadCopyTests {
    @Test func aReportOnACopyDoesNotHoldTheQueue() async throws {
        let database = TemporaryDatabase("read-copy")
        defer { database.remove() }
        let ledger = try Ledger(path: database.path)
        try ledger.execute(try Posting.command("item", "item=A model=fifo"))
        try ledger.execute(try Posting.command("receive", "date=2026-01-02 item=A tx=R1 qty=2 cost=10.00"))
        let service = LedgerService(ledger: ledger, filePath: database.path)
        let report = Gate()
        async let copy = service.readCopy { copy in
            report.wait()  // a long report
            return copy.onHand().count
        }
        try await waitUntil { report.isBlocking }
        // Were the report on the queue, this read would wait for it: let it go after 5 s so that fails.
        let released = Mutex(false)
        let release = Task {
            try await Task.sleep(for: .seconds(5))
            released.withLock { $0 = true }
            report.open()
        }
        let sequence = try await service.read { ledger in ledger.state.lastSequence }
        let answeredWhileBusy = !released.withLock { $0 }
        if answeredWhileBusy {
            release.cancel()
            report.open()
        }
        #expect(try await copy == 1)
        #expect(answeredWhileBusy, "the read waited for the report")
        #expect(sequence == 2)
    }
}
