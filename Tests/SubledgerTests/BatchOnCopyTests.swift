import Foundation
import SubledgerCore
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerStore

/// A batch the server runs (`POST /v1/batches`) is decided on a copy of the state: refused part-way
/// through, it puts the state back as it was, instead of rebuilding it from the log (0.85 s on a ledger of
/// a million postings, while every command waits).
struct BatchOnCopyTests {
    /// Two receipts under one id: refused on the second command (`duplicate-transaction`), after the first
    /// changed the working state.
    static func refusedBatch(_ n: Int) -> ((LedgerCommand) throws -> Void) throws -> Void {
        { submit in
            try submit(try Posting.command("receive", "date=2026-02-10 item=G tx=GP\(n) qty=1 cost=3.00"))
            try submit(try Posting.command("receive", "date=2026-02-11 item=G tx=GP\(n) qty=2 cost=3.00"))
        }
    }

    @Test func aRefusedBatchLeavesTheStateAsItWasWithoutARebuild() throws {
        let ledger = try TransactionPageTests.ledger("batch-on-copy")
        // A rebuild starts from the newest snapshot: damaged, it leaves a warning, which shows the rebuild.
        try ledger.store.connection.execute("UPDATE snapshots SET checksum = zeroblob(32)")
        let before = StateDigest(ledger.state)
        let events = ledger.state.lastSequence
        #expect(throws: Rejection.self) { try ledger.executeBatchOnCopy(kind: "batch", Self.refusedBatch(9)) }
        #expect(ledger.snapshotWarnings.isEmpty, "the state was rebuilt from the log")
        #expect(StateDigest(ledger.state) == before)
        #expect(ledger.state.lastSequence == events)
        // The batch after it lands on the state as it was.
        try ledger.executeBatchOnCopy(kind: "batch") { submit in
            try submit(try Posting.command("receive", "date=2026-02-10 item=G tx=GP9 qty=1 cost=3.00"))
        }
        #expect(ledger.state.transactions["GP9"]?.quantity == Quantity(whole: 1))
        let replayed = try Ledger(path: ledger.store.connection.path, useSnapshots: false)
        #expect(StateDigest(ledger.state) == StateDigest(replayed.state))

        // The same refusal without the copy rebuilds (the damaged snapshot is reported): what the test sees.
        #expect(throws: Rejection.self) { try ledger.executeBatch(kind: "batch", Self.refusedBatch(8)) }
        #expect(!ledger.snapshotWarnings.isEmpty)
    }
}
