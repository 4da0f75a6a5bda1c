// A PostgreSQL ledger asks the filter of closed ids (DR-53) before looking a new id up: after a close an
// import of new ids makes (almost) no round trips for them, where without the filter each costs one; a
// reused id of an evicted transaction is still refused; `replay --verify` sees a filter missing ids, and a
// rebuild fills it again; another node's close is not missed.

import Foundation
import SubledgerCore
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerPostgres
@testable import SubledgerStore

@Suite(.serialized) struct PostgresClosedIDFilterTests {
    /// JSON Lines of `count` receipts of new ids `<prefix>0`, `<prefix>1`, ... of an item of their own.
    static func receipts(_ prefix: String, _ count: Int, date: String = "2026-02-10") -> [UInt8] {
        let lines = (0..<count).map { index in
            #"{"command":"receive","date":"\#(date)","item":"NEW","tx":"\#(prefix)\#(index)","qty":1,"cost":"2"}"#
        }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// The PostgreSQL ledger of `pair` with the item of `receipts` and the filter taken at the first lookup.
    static func prepared(_ pair: PostgresEvictionTests.Pair) throws -> Ledger {
        let ledger = pair.postgres
        ledger.closedIDLookupsBeforeLoading = 0
        let fields = CommandFields([(key: "item", value: "NEW"), (key: "model", value: "fifo")])
        try ledger.execute(try CommandDecoder.decode(command: "item", fields))
        return ledger
    }

    /// The round trips of the log's session while `body` runs.
    static func roundTrips(_ log: PostgresEventLog, _ body: () throws -> Void) rethrows -> Int {
        let before = log.session.waits
        try body()
        return log.session.waits - before
    }

    static func isLoaded(_ ledger: Ledger) -> Bool {
        if case .loaded = ledger.closedIDs { return true }
        return false
    }

    @Test func anImportAfterACloseLooksUpAlmostNoNewIDs() throws {
        try PostgresEvictionTests.pair("pg-filter-import") { pair in
            let ledger = try Self.prepared(pair)
            let history = try pair.log.historyTransactionCount()
            #expect(history > 0, "the demo's close evicted transactions")
            #expect(try pair.log.closedIDFilter()?.count == history, "the close wrote their ids")
            try ledger.importFile(bytes: Self.receipts("FIRST", 1), format: .jsonl)
            #expect(Self.isLoaded(ledger))
            let filtered = try Self.roundTrips(pair.log) {
                try ledger.importFile(bytes: Self.receipts("NEW", 400), format: .jsonl)
            }
            // The same import without the filter: a lookup, a round trip, per id.
            ledger.closedIDs = .unavailable
            let unfiltered = try Self.roundTrips(pair.log) {
                try ledger.importFile(bytes: Self.receipts("OLD", 400), format: .jsonl)
            }
            #expect(unfiltered >= 400, "\(unfiltered) round trips without the filter")
            #expect(filtered < 40, "\(filtered) round trips with the filter")
            #expect(ledger.state.transactions["NEW399"] != nil && ledger.state.transactions["OLD399"] != nil)
        }
    }

    @Test func aReusedEvictedIDIsRefusedWithTheFilterLoaded() throws {
        try PostgresEvictionTests.pair("pg-filter-reuse") { pair in
            let ledger = try Self.prepared(pair)
            let evicted = try #require(try ledger.historyTransactions().first)
            #expect(ledger.state.transactions[evicted.id] == nil)
            try ledger.importFile(bytes: Self.receipts("FIRST", 1), format: .jsonl)
            #expect(Self.isLoaded(ledger))
            let sequence = try pair.log.lastSequence()
            let lines = """
                {"command":"receive","date":"2026-02-10","item":"NEW","tx":"FRESH1","qty":1,"cost":"2"}
                {"command":"receive","date":"2026-02-10","item":"NEW","tx":"\(evicted.id)","qty":1,"cost":"2"}

                """
            let rejection = #expect(throws: Rejection.self) {
                try ledger.importFile(bytes: Array(lines.utf8), format: .jsonl)
            }
            #expect(rejection?.code == .duplicateTransaction && rejection?.line == 2)
            #expect(try pair.log.lastSequence() == sequence, "nothing written")
        }
    }

    @Test func verifySeesAFilterMissingIDsAndARebuildFillsIt() throws {
        try PostgresEvictionTests.pair("pg-filter-verify") { pair in
            #expect(try pair.postgres.verifyHistory() == HistoryVerification(checked: true, difference: nil))
            try pair.harness.runRaw("DELETE FROM history_id_filter")  // covering, but empty
            let difference = try pair.postgres.verifyHistory().difference
            #expect(difference?.contains("is not in the filter") == true, "\(String(describing: difference))")
            _ = try pair.postgres.rebuildHistory()
            #expect(try pair.postgres.verifyHistory() == HistoryVerification(checked: true, difference: nil))
            #expect(try pair.log.closedIDFilter()?.count == (try pair.log.historyTransactionCount()))
        }
    }

    /// A node that read the filter before another node's close must not trust it for that close's ids.
    @Test func anotherNodesCloseIsNotMissed() throws {
        try PostgresEvictionTests.pair("pg-filter-nodes") { pair in
            let first = try Self.prepared(pair)
            try first.importFile(bytes: Self.receipts("FIRST", 1), format: .jsonl)
            #expect(Self.isLoaded(first))
            let second = try pair.node()
            try PostgresEvictionTests.settledMonth(second)
            #expect(second.state.transactions["BR0"] == nil, "settled by February's close: in the history")
            let reused = #expect(throws: Rejection.self) {
                try first.importFile(bytes: Self.receipts("BR", 1, date: "2026-03-05"), format: .jsonl)
            }
            #expect(reused?.code == .duplicateTransaction)
        }
    }
}
