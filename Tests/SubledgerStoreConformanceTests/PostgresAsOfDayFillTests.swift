// The fill of the as-of day sums on PostgreSQL (DR-56, revised): one day's rows are cut into statements
// by the row, never past the server's 65,535 bind parameters, whatever a day holds; and a fill that fails
// is not folded again by every query of the same ledger until it sees another event.

import Foundation
import SubledgerCore
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerPostgres
@testable import SubledgerStore

@Suite(.serialized) struct PostgresAsOfDayFillTests {
    static func table(_ log: PostgresEventLog) throws -> PostgresAsOfDaySums {
        try #require(log.asOfDaySums(scratch: false) as? PostgresAsOfDaySums)
    }

    /// With two rows a statement, the workload's busiest day is cut into several statements of at most
    /// two rows, and the rows stored are the ones the ledger's own fill stored.
    @Test func aSmallLimitCutsOneDaysRowsAndStoresTheSameRows() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let log = try harness.open(rowsPerInsert: 1000) as! PostgresEventLog
        try PostgresHistoryTests.run(try Ledger(log: log, snapshots: PostgresSnapshots(log)))
        let filled = try PostgresAsOfDaySumsTests.asOfRows(log)
        let closes = try HistoryTables.closesInForce(log, through: nil)
        let plan = try HistoryTables.asOfDayPlan(log: log, snapshots: nil, closes: closes, stored: [])
        let busiest = plan.segments.flatMap { $0.1.groups.values.map(\.count) + $0.1.pools.values.map(\.count) }
        #expect((busiest.max() ?? 0) > 2, "a day with more rows than one small statement holds")

        var table = try Self.table(log)
        let whole = plan.segments.flatMap { table.statements(close: $0.0, $0.1) }
        table.rowsPerStatement = 2
        let cut = plan.segments.flatMap { table.statements(close: $0.0, $0.1) }
        #expect(cut.count > whole.count)
        #expect(cut.allSatisfy { $0.binds.count <= 2 * 12 }, "at most two rows of at most 12 columns")
        try table.deleteAll()
        #expect(try PostgresAsOfDaySumsTests.asOfRows(log) != filled)
        for (close, segment) in plan.segments { try table.save(close: close, segment) }
        #expect(try PostgresAsOfDaySumsTests.asOfRows(log) == filled)
    }

    /// One day of 6,000 sums (72,000 parameters at 12 a row) and 14,000 pools (70,000 at 5): stored with
    /// the real limit, and summed back as they were.
    @Test func aDayPastTheServersParameterLimitIsStored() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let log = try harness.open(rowsPerInsert: 1000) as! PostgresEventLog
        let day: Int32 = 2026_01_31
        var segment = AsOfDaySegment()
        segment.events[day] = 20_000
        var groups: [EvictedSumKey: EvictedSums] = [:]
        for index in 0..<6_000 {
            var sums = EvictedSums()
            sums.financial = Total(units: Int128(index + 1))
            sums.transactions = 1
            groups[EvictedSumKey(item: "I\(index)", postedAccounts: 1, invoiceAccounts: 0, receipt: true,
                offsetEligible: false)] = sums
        }
        segment.groups[day] = groups
        var pools: [String: Total<Money>] = [:]
        for index in 0..<14_000 { pools["P\(index)"] = Total(units: Int128(-index - 1)) }
        segment.pools[day] = pools

        let table = try Self.table(log)
        #expect(table.statements(close: 9, segment).allSatisfy { $0.binds.count <= 65_535 })
        try table.save(close: 9, segment)
        let figures = try #require(try table.figures(through: date(day)))
        #expect(figures.events == 20_000)
        #expect(figures.groups == groups)
        #expect(figures.pools == pools)
    }

    /// A fill refused by the server (a check no row passes) fails once: the next query replays without
    /// folding again (fewer round trips); once the ledger sees another event the fill runs again, and
    /// with the check gone it stores the rows.
    @Test func aFailedFillIsNotFoldedAgainByEveryQuery() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let log = try harness.open(rowsPerInsert: 1000) as! PostgresEventLog
        let ledger = try Ledger(log: log, snapshots: PostgresSnapshots(log))
        try PostgresHistoryTests.run(ledger)
        let day = date(2026_01_15)
        let expected = try PostgresAsOfDaySumsTests.reconciled(ledger, 2026_01_15)
        try harness.runRaw("DELETE FROM history_asof_days")
        try harness.runRaw("ALTER TABLE history_asof_days ADD CONSTRAINT refused CHECK (events < 0) NOT VALID")

        var waits = log.session.waits
        #expect(try ledger.asOfDayFigures(day) == nil, "the fill failed: the replay")
        let first = log.session.waits - waits
        #expect(ledger.asOfDayFillFailedAt == ledger.state.lastSequence)
        waits = log.session.waits
        #expect(try ledger.asOfDayFigures(day) == nil)
        let second = log.session.waits - waits
        #expect(second < first, "no fold again: \(second) round trips against \(first)")
        #expect(try PostgresAsOfDaySumsTests.reconciled(ledger, 2026_01_15) == expected)

        try harness.runRaw("ALTER TABLE history_asof_days DROP CONSTRAINT refused")
        _ = try ledger.execute(.recalculate(date(2026_04_14)))
        #expect(try ledger.asOfDayFigures(day) != nil, "filled after the next event")
        #expect(ledger.asOfDayFillFailedAt == nil)
        #expect(try PostgresAsOfDaySumsTests.reconciled(ledger, 2026_01_15) == expected)
        #expect(try ledger.verifyHistory().difference == nil)
    }
}
