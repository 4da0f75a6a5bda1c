// The ledger asks the filter of closed ids before looking an id up (DR-52): every answer stays the
// lookup's (a reused id of an evicted transaction is refused, a closed-out one recalled), including after
// another writer's close and with a filter that does not cover the history.

import Foundation
import SubledgerCore
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerStore

struct ClosedIDFilterLedgerTests {
    /// January closed (OpenStateTests: R1, RB, S1, S2 and SB in the history), with the filter taken at once.
    static func january(path: String = TemporaryDatabase("closed-ids").path) throws -> Ledger {
        let ledger = try OpenStateTests.januaryClosed(path: path)
        ledger.closedIDLookupsBeforeLoading = 0
        return ledger
    }

    static func isLoaded(_ ledger: Ledger) -> Bool {
        if case .loaded = ledger.closedIDs { return true }
        return false
    }

    @Test func closedOutIDsAnswerAsTheyDidInMemory() throws {
        let ledger = try Self.january()
        try OpenStateTests.expectClosedOutIDsAnswerAsInMemory(ledger)
        // A closed-out issue is still not marked (DR-22), with the filter read.
        let mark = #expect(throws: Rejection.self) {
            try OpenStateTests.run(ledger, "mark", "date=2026-02-02 issue=S1 receipt=R2 qty=1")
        }
        #expect(mark?.code == .invalidMarking && mark?.field == "issue")
        try OpenStateTests.run(ledger, "receive", "date=2026-02-02 item=A tx=R9 qty=1 cost=10.00")
        #expect(ledger.state.transactions["R9"] != nil)
        #expect(Self.isLoaded(ledger))
    }

    @Test func anImportReusingAClosedOutIDIsRefusedOnItsLine() throws {
        let ledger = try Self.january()
        let first = """
            {"command":"receive","date":"2026-02-02","item":"A","tx":"R7","qty":1,"cost":"10"}

            """
        try ledger.importFile(bytes: Array(first.utf8), format: .jsonl)
        #expect(Self.isLoaded(ledger))  // so the import below asks the filter
        let sequence = ledger.state.lastSequence
        let lines = """
            {"command":"receive","date":"2026-02-02","item":"A","tx":"R8","qty":1,"cost":"10"}
            {"command":"receive","date":"2026-02-02","item":"A","tx":"S2","qty":1,"cost":"10"}

            """
        let rejection = #expect(throws: Rejection.self) {
            try ledger.importFile(bytes: Array(lines.utf8), format: .jsonl)
        }
        #expect(rejection?.code == .duplicateTransaction && rejection?.line == 2)
        #expect(try ledger.store.lastSequence() == sequence)
    }

    /// A ledger that read the filter before another writer's close must not trust it for that close's ids.
    @Test func anotherWritersCloseIsNotMissed() throws {
        let path = TemporaryDatabase("closed-ids-writers").path
        let first = try Self.january(path: path)
        try OpenStateTests.run(first, "receive", "date=2026-02-02 item=A tx=R4 qty=2 cost=12.00")
        #expect(Self.isLoaded(first))
        let second = try Ledger(path: path)
        try OpenStateTests.run(second, "issue", "date=2026-02-03 item=A tx=S3 qty=4")
        try OpenStateTests.run(second, "close", "date=2026-02-28")
        #expect(second.state.transactions["R2"] == nil)  // settled by February's close: in the history
        let reused = #expect(throws: Rejection.self) {
            try OpenStateTests.run(first, "receive", "date=2026-03-02 item=A tx=R2 qty=1 cost=10.00")
        }
        #expect(reused?.code == .duplicateTransaction)
    }

    /// A file whose history predates the filter (migration 17 marks it not covering): every id is looked
    /// up until the next close fills the filter from the table.
    @Test func anUncoveredFilterFallsBackToLookupsUntilTheNextClose() throws {
        let path = TemporaryDatabase("closed-ids-uncovered").path
        try OpenStateTests.januaryClosed(path: path).store.connection.execute(
            "DELETE FROM history_id_filter; UPDATE history_id_filter_coverage SET covered = 0")
        let ledger = try Ledger(path: path)
        ledger.closedIDLookupsBeforeLoading = 0
        #expect(try ledger.verifyHistory().difference == nil)  // not filled yet is not damage
        let reused = #expect(throws: Rejection.self) {
            try OpenStateTests.run(ledger, "receive", "date=2026-02-02 item=A tx=S1 qty=1 cost=10.00")
        }
        #expect(reused?.code == .duplicateTransaction)
        if case .unavailable = ledger.closedIDs {} else { Issue.record("expected no filter: \(ledger.closedIDs)") }
        try OpenStateTests.run(ledger, "receive", "date=2026-02-02 item=A tx=R4 qty=2 cost=12.00")
        try OpenStateTests.run(ledger, "issue", "date=2026-02-03 item=A tx=S3 qty=4")
        try OpenStateTests.run(ledger, "close", "date=2026-02-28")
        let filter = try #require(try ledger.store.closedIDFilter())
        #expect(try OpenStateTests.historyIDs(ledger).allSatisfy { filter.mayContain($0) })
        #expect(try ledger.verifyHistory().difference == nil)
        let again = #expect(throws: Rejection.self) {
            try OpenStateTests.run(ledger, "receive", "date=2026-03-02 item=A tx=R2 qty=1 cost=10.00")
        }
        #expect(again?.code == .duplicateTransaction)
        #expect(Self.isLoaded(ledger))
    }

    @Test func rebuildRefillsTheFilter() throws {
        let ledger = try Self.january()
        try ledger.store.connection.execute("DELETE FROM history_id_filter")  // covering, but empty
        #expect(try ledger.verifyHistory().difference?.contains("is not in the filter") == true)
        _ = try ledger.rebuildHistory()
        #expect(try ledger.verifyHistory().difference == nil)
        #expect(try ledger.store.closedIDFilter()?.count == 5)
    }
}
