// The Bloom filter of closed ids (DR-52): never a false "no", few false "maybe"s, grown by segments, and
// stored in the file as a projection that every save of history rows keeps covering the table.

import SubledgerCore
import Testing

@testable import SubledgerStore

@Suite struct ClosedIDFilterTests {
    @Test func everyAddedIDAnswersMaybeAndFewOthersDo() {
        var filter = ClosedIDFilter()
        let added = (0..<200_000).map { "T\($0)-M01" }
        for id in added { filter.insert(id) }
        #expect(added.allSatisfy { filter.mayContain($0) })
        #expect(filter.count == added.count)
        // Grown segment by segment from the smallest (no segment is resized: its ids are gone).
        #expect(filter.segments.count >= 3)
        #expect(filter.segments.dropLast().allSatisfy { $0.count == $0.capacity })
        let others = (0..<200_000).map { "T\($0)-M02" }
        let falseMaybes = others.filter { filter.mayContain($0) }.count
        #expect(falseMaybes < others.count * 3 / 100, "\(falseMaybes) of \(others.count)")
        #expect(!ClosedIDFilter().mayContain("T1-M01"))
    }

    @Test func aNewSegmentIsSizedForTheIDsComing() {
        var filter = ClosedIDFilter()
        filter.insert("A", expected: 100_000)
        #expect(filter.segments.count == 1 && filter.segments[0].capacity == 200_000)
        let before = filter
        filter.insert("B")
        #expect(filter.changedSegments(since: before) == [0])
        #expect(filter.changedSegments(since: filter).isEmpty)
    }

    static func row(_ id: String, sequence: Int64) -> HistoryTransactionRow {
        HistoryTransactionRow(
            transaction: id, item: "A", sequence: sequence, closedBy: 100, date: 2026_01_31, kind: "receipt",
            quantity: 1, postedAmount: 1, adjustment: 0, currentAmount: 1, record: [1, 2, 3])
    }

    static func save(_ store: EventStore, _ ids: [String]) throws {
        try store.connection.execute("BEGIN IMMEDIATE")
        try store.saveHistoryTransactions(ids.enumerated().map { row($1, sequence: Int64($0 + 1)) })
        try store.connection.execute("COMMIT")
    }

    @Test func savedRowsAreInTheStoredFilterAndARollbackKeepsItsRowsOut() throws {
        let store = try EventStore(path: ":memory:")
        #expect(try store.closedIDFilter()?.count == 0)  // a new file: covered, empty
        try Self.save(store, ["R1", "R2"])
        try store.connection.execute("BEGIN IMMEDIATE")
        try store.saveHistoryTransactions([Self.row("R3", sequence: 9)])
        #expect(try store.closedIDFilter()?.mayContain("R3") == true)
        try store.connection.execute("ROLLBACK")
        let filter = try #require(try store.closedIDFilter())
        #expect(filter.mayContain("R1") && filter.mayContain("R2"))
        #expect(filter.count == 2)
        #expect(try store.closedIDFilterDifference() == nil)
    }

    /// Migration 17 on a file that has history rows marks the filter not covering; the next save fills
    /// it from every id of the table, and a filter whose bits fail their checksum is never used.
    @Test func anUncoveredOrDamagedFilterIsNotUsedAndTheNextSaveMakesItAgain() throws {
        let store = try EventStore(path: ":memory:")
        try Self.save(store, ["R1", "R2"])
        try store.connection.execute("DROP TABLE history_id_filter; DROP TABLE history_id_filter_coverage")
        try store.connection.execute(ClosedIDFilterSchema.migration)
        #expect(try store.closedIDFilter() == nil)
        #expect(try store.closedIDFilterDifference() == nil)  // nothing reads it: not a difference
        try Self.save(store, ["R3"])
        let filter = try #require(try store.closedIDFilter())
        #expect(["R1", "R2", "R3"].allSatisfy { filter.mayContain($0) })
        #expect(try store.closedIDFilterDifference() == nil)

        try store.connection.execute("UPDATE history_id_filter SET checksum = checksum + 1")
        #expect(try store.closedIDFilter() == nil)
        #expect(try store.closedIDFilterDifference() == "history_id_filter: segment 0 does not match its checksum")
        try Self.save(store, ["R4"])
        #expect(try store.closedIDFilter()?.mayContain("R1") == true)
    }

    /// Bits lost with a checksum that matches them (a bug, not damage): `replay --verify` names an id.
    @Test func verificationNamesAnIDTheFilterMisses() throws {
        let store = try EventStore(path: ":memory:")
        try Self.save(store, ["R1", "R2"])
        let words = try #require(try store.closedIDFilter()?.segments.first?.words.count)
        let zeros = [UInt8](repeating: 0, count: words * 8)
        try store.connection.execute("UPDATE history_id_filter SET bits = zeroblob(\(words * 8))")
        let checksum = zeros.withUnsafeBytes { EventStore.filterChecksum($0) }
        try store.connection.execute("UPDATE history_id_filter SET checksum = \(checksum)")
        #expect(try store.closedIDFilterDifference()?.contains("is not in the filter") == true)
    }

    @Test func replacingTheRowsReplacesTheFilter() throws {
        let store = try EventStore(path: ":memory:")
        try Self.save(store, (0..<40_000).map { "OLD\($0)" })
        #expect(try store.closedIDFilter()?.count == 40_000)
        try store.connection.execute("BEGIN IMMEDIATE")
        try store.replaceHistoryTransactions([Self.row("NEW", sequence: 1)])
        try store.connection.execute("COMMIT")
        let filter = try #require(try store.closedIDFilter())
        #expect(filter.count == 1 && filter.mayContain("NEW"))
    }
}
