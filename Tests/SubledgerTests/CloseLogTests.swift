import Foundation
import Testing

@testable import Subledger
@testable import SubledgerCore
@testable import SubledgerStore

/// A close's settlement events live in the log only (CloseRecord.firstSequence..<sequence): a reversal
/// reads them back, and what it cannot read is refused or reported, never trapped on.
struct CloseLogTests {
    static func date(_ text: String) -> LedgerDate { LedgerDate(text)! }

    @Test func theStateKeepsWhereACloseIsNotWhatItSettled() throws {
        let ledger = try Ledger(path: ":memory:")
        try ledger.loadDemo()
        let result = try ledger.execute(.close(Self.date("2026-01-31")))
        let close = try #require(ledger.state.closes.last)
        #expect(close.sequence == result.lastSequence)
        #expect(close.firstSequence == result.firstSequence)
        let events = try ledger.store.settlementEvents(first: close.firstSequence, close: close.sequence)
        #expect(Int64(events.count) == close.settlementEventCount)
        #expect(events.flatMap(\.entries).count == (try ledger.closes().last?.entryCount))
    }

    @Test func aReversalWithoutTheClosesEventsIsRefusedNotGuessed() throws {
        let ledger = try Ledger(path: ":memory:")
        try ledger.loadDemo()
        try ledger.execute(.close(Self.date("2026-01-31")))
        // Deciding on the state alone (no facade to recall the log): nothing to negate, so a rejection.
        #expect(throws: Rejection.self) { _ = try ledger.state.decide(.reverseClose(date: nil, through: nil)) }
        // Through the facade the events are recalled and the reversal is decided.
        try ledger.execute(.reverseClose(date: nil, through: nil))
        #expect(ledger.state.closes.last?.isInForce == false)
    }

    @Test func aDamagedCloseEventStopsTheReversalWithAnError() throws {
        let path = SnapshotTests.tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ledger = try Ledger(path: path)
        try ledger.loadDemo()
        let close = try ledger.execute(.close(Self.date("2026-01-31")))
        let before = try ledger.store.lastSequence()
        try rawEventEdit(path, "UPDATE events SET type = 'close.posted' WHERE sequence = \(close.firstSequence)")
        #expect(throws: LedgerError.self) { try ledger.execute(.reverseClose(date: nil, through: nil)) }
        #expect(try ledger.store.lastSequence() == before)
    }
}
