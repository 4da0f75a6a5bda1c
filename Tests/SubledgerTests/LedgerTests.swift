import Foundation
import Subledger
import SubledgerCore
import SubledgerTestSupport
import Testing

/// End-to-end behaviour of the Ledger over a real SQLite file: atomicity, idempotency, replay.
struct LedgerTests {
    static func tempPath(_ name: String = #function) -> String {
        TemporaryDatabase("tests-" + name.filter(\.isLetter)).path
    }

    static func fields(_ pairs: KeyValuePairs<String, String>) -> CommandFields {
        CommandFields(pairs.map { (key: $0.key, value: $0.value) })
    }

    static func command(_ name: String, _ pairs: KeyValuePairs<String, String>) throws -> LedgerCommand {
        try CommandDecoder.decode(command: name, fields(pairs))
    }

    @Test func demoLoadsReplaysAndReconciles() throws {
        let path = Self.tempPath()
        let ledger = try Ledger(path: path)
        let first = try ledger.loadDemo()
        #expect(first.eventCount > 200)
        #expect(!first.duplicate)
        let again = try ledger.loadDemo()
        #expect(again.duplicate)
        #expect(again.eventCount == first.eventCount)
        #expect(try ledger.store.lastSequence() == first.lastSequence)

        // Replay from the file gives the same projection.
        let replayed = try Ledger(path: path)
        #expect(replayed.onHand() == ledger.onHand())
        #expect(replayed.trialBalance() == ledger.trialBalance())
        // The GL balances, and the subledger equals the inventory accounts.
        #expect(ledger.trialBalance().reduce(Money.zero) { $0 + $1.balance } == .zero)
        #expect(Reconciliation.totals(ledger.state).difference == .zero)
        if case .broken(let sequence, let reason) = try ledger.verify() {
            Issue.record("chain broken at \(sequence): \(reason)")
        }
    }

    @Test func rejectedBatchWritesNothing() throws {
        let ledger = try Ledger(path: Self.tempPath())
        try ledger.execute(try Self.command("item", ["item": "A", "model": "fifo"]))
        let before = try ledger.store.lastSequence()
        let beforeState = ledger.onHand()
        #expect(throws: Rejection.self) {
            try ledger.executeBatch(kind: "test") { submit in
                try submit(
                    try Self.command(
                        "receive", ["date": "2026-01-01", "item": "A", "tx": "P1", "qty": "1", "cost": "10"]))
                try submit(
                    try Self.command(
                        "receive", ["date": "2026-01-01", "item": "A", "tx": "P1", "qty": "1", "cost": "10"]))
            }
        }
        #expect(try ledger.store.lastSequence() == before)
        #expect(ledger.onHand() == beforeState)
        #expect(ledger.state.transactions["P1"] == nil)
    }

    @Test func resentCommandIdAppendsNothing() throws {
        let ledger = try Ledger(path: Self.tempPath())
        try ledger.execute(try Self.command("item", ["item": "A", "model": "fifo"]))
        let receive = try Self.command(
            "receive", ["date": "2026-01-01", "item": "A", "tx": "P1", "qty": "2", "cost": "5"])
        let first = try ledger.execute(receive, commandID: "client-42")
        let second = try ledger.execute(receive, commandID: "client-42")
        #expect(second.duplicate)
        #expect(second.firstSequence == first.firstSequence)
        #expect(ledger.state.pools.values.first?.financialQuantity == Quantity(whole: 2))
    }

    @Test func twoLedgersOnOneFileCatchUpAndDecideAgain() throws {
        let path = Self.tempPath()
        let a = try Ledger(path: path)
        let b = try Ledger(path: path)
        try a.execute(try Self.command("item", ["item": "A", "model": "fifo", "negative": "no"]))
        try a.execute(
            try Self.command("receive", ["date": "2026-01-01", "item": "A", "tx": "P1", "qty": "1", "cost": "10"]))
        // b has not seen the item yet: it must catch up before deciding.
        try b.execute(try Self.command("issue", ["date": "2026-01-02", "item": "A", "tx": "S1", "qty": "1"]))
        // a's view is stale: its issue would overdraw once it catches up, so it is rejected.
        #expect(throws: Rejection.self) {
            try a.execute(try Self.command("issue", ["date": "2026-01-02", "item": "A", "tx": "S2", "qty": "1"]))
        }
        #expect(b.state.transactions["S1"]?.financialValue == Money(cents: 1000))
        #expect(try a.store.lastSequence() == 3)
    }
}
