import Testing

@testable import Subledger
@testable import SubledgerCore
@testable import SubledgerStore

/// `history_onhand_at_close` when the close's events are projected by another run than the closing
/// command's: a file whose close predates its history tables (opened later, the tables created by the
/// migration and projected on first use), or a close killed between its commit and its projection. The
/// projector stores the on-hand with the close (from a replay through it), so the tables equal the
/// fresh projection `replay --verify` compares them with; before, that row was missing for good.
struct HistoryOnHandAtCloseTests {
    static func command(_ name: String, _ pairs: [String: String]) throws -> LedgerCommand {
        try HistoryTablesTests.command(name, pairs)
    }

    /// One item, a receipt, an issue, a close, and a receipt after it: the smallest ledger that shows it.
    static func closedLedger() throws -> Ledger {
        let ledger = try Ledger(path: ":memory:")
        try ledger.execute(try command("item", ["item": "A", "model": "fifo"]))
        try ledger.execute(
            try command("receive", ["date": "2026-01-05", "item": "A", "tx": "P1", "qty": "4", "cost": "10.00"]))
        try ledger.execute(try command("issue", ["date": "2026-01-10", "item": "A", "tx": "S1", "qty": "3"]))
        try ledger.execute(.close(LedgerDate("2026-01-31")!))
        try ledger.execute(
            try command("receive", ["date": "2026-02-03", "item": "A", "tx": "P2", "qty": "2", "cost": "12.00"]))
        return ledger
    }

    /// The history tables as a file has them when the close was committed but never projected.
    static func forgetHistory(_ store: EventStore) throws {
        for table in HistorySchema.tables { try store.connection.execute("DELETE FROM \(table)") }
    }

    static func storedOnHand(_ store: EventStore, close: Int64) throws -> [[String]] {
        try HistoryTablesTests.rows(
            store,
            "SELECT item, site, financial_quantity, financial_value FROM history_onhand_at_close "
                + "WHERE close_sequence = \(close) ORDER BY item, site, warehouse, batch, serial")
    }

    @Test func aCloseProjectedLaterStoresItsOnHand() throws {
        let ledger = try Self.closedLedger()
        let close = try #require(ledger.state.closes.last).sequence
        #expect(ledger.state.lastSequence > close)  // the live state is past the close: a replay gives it
        try Self.forgetHistory(ledger.store)
        #expect(try Self.storedOnHand(ledger.store, close: close).isEmpty)

        let verification = try ledger.verifyHistory()  // projects the log, then compares
        #expect(verification.checked)
        #expect(verification.difference == nil, "\(verification.difference ?? "")")
        // One unit left at 10.00: the pool right after the close.
        #expect(try Self.storedOnHand(ledger.store, close: close) == [["A", "", "10000", "1000"]])
    }

    /// The same through the store-only facade (`replay --verify` on a ledger opened without its state).
    @Test func theLogFacadeProjectsTheOnHandToo() throws {
        let ledger = try Self.closedLedger()
        let close = try #require(ledger.state.closes.last).sequence
        try Self.forgetHistory(ledger.store)
        #expect(try HistoryTables.project(ledger.store) == ledger.state.lastSequence)
        #expect(try HistoryTables.verify(ledger.store).difference == nil)
        #expect(try Self.storedOnHand(ledger.store, close: close) == [["A", "", "10000", "1000"]])
    }

    /// The closing command's own run takes the on-hand from its live state: the same rows.
    @Test func theClosingRunStoresTheLiveOnHand() throws {
        let ledger = try Ledger(path: ":memory:")
        try ledger.execute(try Self.command("item", ["item": "A", "model": "fifo"]))
        try ledger.execute(
            try Self.command("receive", ["date": "2026-01-05", "item": "A", "tx": "P1", "qty": "4", "cost": "10.00"]))
        try ledger.execute(.close(LedgerDate("2026-01-31")!))
        let close = try #require(ledger.state.closes.last).sequence
        #expect(try Self.storedOnHand(ledger.store, close: close) == [["A", "", "40000", "4000"]])
        #expect(try ledger.verifyHistory().difference == nil)
    }
}
