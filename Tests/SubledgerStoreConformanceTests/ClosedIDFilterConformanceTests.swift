// The filter of closed ids on both stores (DR-52 on the file, DR-53 on PostgreSQL): every save of history
// rows adds their ids in its transaction, a filter that does not cover the table is not read and is made
// from the table's ids by the next save, a damaged segment is reported by number and never read, and both
// stores hold the same filter for the same rows (one codec).

import Foundation
import Testing

@testable import SubledgerPostgres
@testable import SubledgerStore

@Suite struct ClosedIDFilterConformanceTests {
    typealias Store = any TransactionHistory & ClosedIDFilterSource

    static func rows(_ ids: [String], from sequence: Int64) -> [HistoryTransactionRow] {
        ids.enumerated().map { index, id in
            HistoryTransactionRow(
                transaction: id, item: "A", sequence: sequence + Int64(index), closedBy: 100, date: 2026_01_31,
                kind: "receipt", quantity: 1, postedAmount: 1, adjustment: 0, currentAmount: 1, record: [1, 2, 3])
        }
    }

    static func store(_ harness: LogHarness) throws -> Store {
        try #require(try harness.open() as? Store)
    }

    @Test(arguments: Backend.allCases)
    func savedRowsAreInTheFilter(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let store = try Self.store(harness)
        #expect(try store.closedIDFilter()?.count == 0, "a new ledger: covering, empty")
        try store.saveHistoryTransactionsAtomically(Self.rows(["R1", "R2"], from: 1))
        try store.saveHistoryTransactionsAtomically(Self.rows(["R3"], from: 9))
        let filter = try #require(try store.closedIDFilter())
        #expect(["R1", "R2", "R3"].allSatisfy { filter.mayContain($0) } && filter.count == 3)
        #expect(try store.closedIDFilterDifference() == nil)
        // Another connection reads what this one wrote.
        #expect(try Self.store(harness).closedIDFilter() == filter)
    }

    @Test(arguments: Backend.allCases)
    func aFilterNotCoveringIsNotReadAndTheNextSaveMakesItFromTheTable(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let store = try Self.store(harness)
        try store.saveHistoryTransactionsAtomically(Self.rows(["R1", "R2"], from: 1))
        // What the migration leaves on a ledger whose history predates the filter.
        try harness.runRaw("DELETE FROM history_id_filter")
        try harness.runRaw("UPDATE history_id_filter_coverage SET covered = 0")
        #expect(try store.closedIDFilter() == nil)
        #expect(try store.closedIDFilterDifference() == nil, "nothing reads it: not filled yet is not damage")
        try store.saveHistoryTransactionsAtomically(Self.rows(["R3"], from: 9))
        let filter = try #require(try store.closedIDFilter())
        #expect(["R1", "R2", "R3"].allSatisfy { filter.mayContain($0) } && filter.count == 3)
        #expect(try store.closedIDFilterDifference() == nil)
    }

    @Test(arguments: Backend.allCases)
    func aDamagedOrIncompleteFilterIsADifferenceAndNeverRead(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let store = try Self.store(harness)
        try store.saveHistoryTransactionsAtomically(Self.rows(["R1", "R2"], from: 1))
        try harness.runRaw("UPDATE history_id_filter SET checksum = checksum + 1 WHERE segment = 0")
        #expect(try store.closedIDFilter() == nil)
        #expect(try store.closedIDFilterDifference() == "history_id_filter: segment 0 does not match its checksum")
        try store.saveHistoryTransactionsAtomically(Self.rows(["R3"], from: 9))  // made again from the table
        #expect(try store.closedIDFilter()?.mayContain("R1") == true)
        #expect(try store.closedIDFilterDifference() == nil)
        try harness.runRaw("DELETE FROM history_id_filter")  // covering, but empty
        #expect(try store.closedIDFilterDifference()?.contains("is not in the filter") == true)
    }

    /// The same rows give the same segments on both stores: one codec, one checksum.
    @Test func bothStoresHoldTheSameFilter() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let fileHarness = try #require(LogHarness.make(.sqlite))
        let file = try Self.store(fileHarness)
        let postgres = try Self.store(harness)
        // The first save sizes a segment for twice its ids; the second overflows it into a second one.
        let ids = (0..<50_000).map { "T\($0)-M01" }
        for store in [file, postgres] {
            try store.saveHistoryTransactionsAtomically(Self.rows(Array(ids[..<15_000]), from: 1))
            try store.saveHistoryTransactionsAtomically(Self.rows(Array(ids[15_000...]), from: 20_000))
        }
        let filters = try [file, postgres].map { try #require(try $0.closedIDFilter()) }
        #expect(filters[0].segments.count == 2 && filters[0] == filters[1])
        #expect(ids.allSatisfy { filters[1].mayContain($0) })
    }
}
