// The history tables a PostgreSQL ledger's queries read (DR-56): after the same workload as the file's,
// its close summaries, settlement days and as-of day sums stand for the log (the queries read them, not the
// log); a database at migration 6 gets its day sums from the first projection after migration 7; and a
// ledger's role granted before migration 7 replays (the same figures) and is told what to run by `rebuild`.

import Foundation
import SubledgerCore
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerPostgres
@testable import SubledgerStore

@Suite(.serialized) struct PostgresAsOfDaySumsTests {
    static let asOfTables = PostgresAsOfDaySumsSchema.tables

    /// The reconciliation as of `day` in the fields both paths fill.
    static func reconciled(_ ledger: Ledger, _ day: Int32, path: Ledger.SubledgerPath = .closeSums) throws -> String {
        let report = try ledger.reconcile(asOf: date(day), external: nil, details: false, path: path)
        return "\(report.accounts) \(report.poolValue) \(report.unexplainedPoolValue)"
    }

    @Test func theQueriesReadTheTablesAsOnTheFile() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let file = TemporaryDatabase("pg-asof")
        defer { file.remove() }
        let (onFile, log, ledger) = try PostgresHistoryTests.runOnBothStores(harness, file: file)

        #expect(try ledger.summariesAreCurrent())
        #expect(try ledger.historySettlementDays() == onFile.historySettlementDays())
        #expect(try ledger.closeSummaries() == onFile.closeSummaries())
        let march = try #require(try ledger.closeSummaries().last).sequence
        #expect(try ledger.closeSummary(sequence: march) == onFile.closeSummary(sequence: march))
        let page = try ledger.closeSettlements(sequence: march, after: 0, limit: 3)
        let filePage = try onFile.closeSettlements(sequence: march, after: 0, limit: 3)
        #expect(page.rows.map(\.entry) == filePage.rows.map(\.entry) && page.more == filePage.more)
        // The demo's close covers events through 2026-03-28: the days from its date to then are a gap (DR-35),
        // which both stores replay.
        for day: Int32 in [2026_01_15, 2026_01_20, 2026_01_31, 2026_02_20, 2026_03_31] {
            let stands = [2026_01_15, 2026_01_20, 2026_03_31].contains(day)
            #expect(try (ledger.asOfDayFigures(date(day)) != nil) == stands, "\(day): from the day sums")
            #expect(try (onFile.asOfDayFigures(date(day)) != nil) == stands, "\(day): from the file's day sums")
            #expect(try Self.reconciled(ledger, day) == Self.reconciled(onFile, day), "\(day)")
            #expect(try Self.reconciled(ledger, day) == Self.reconciled(ledger, day, path: .fullState), "\(day)")
        }
        #expect(try ledger.stateFromCloseSnapshot(asOf: date(2026_03_31)) != nil, "value --as-of from a close")
        #expect(try ledger.verifyHistory() == HistoryVerification(checked: true, difference: nil))

        // A row changed behind the ledger shows in its answer (read from the table) and in the verification.
        try harness.runRaw("UPDATE history_asof_days SET events = events + 1000 WHERE day <= 20260115")
        let changed = try #require(try ledger.asOfDayFigures(date(2026_01_15)))
        let fileFigures = try #require(try onFile.asOfDayFigures(date(2026_01_15)))
        let rows = try harness.ownerSession().scalarInt64(
            "SELECT count(*) FROM history_asof_days WHERE day <= 20260115")
        #expect(changed.events == fileFigures.events + 1000 * (rows ?? 0) && rows ?? 0 > 0)
        #expect(try ledger.verifyHistory().difference?.hasPrefix("history_asof_days: stored (") == true)
        _ = try ledger.rebuildHistory()
        #expect(try ledger.asOfDayFigures(date(2026_01_15))?.events == fileFigures.events)
        #expect(try ledger.verifyHistory().difference == nil)
    }

    /// A reading copy (a server's long report) reads the tables the owner keeps current and never projects:
    /// behind the log, they are not read (the replay's figures) and stay as they were.
    @Test func aReadingCopyReadsTheTablesAndNeverProjects() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let log = try harness.open(rowsPerInsert: 1000) as! PostgresEventLog
        let owner = try Ledger(log: log, snapshots: PostgresSnapshots(log))
        try PostgresHistoryTests.run(owner)
        let other = try harness.open(rowsPerInsert: 1000) as! PostgresEventLog
        let copy = Ledger.readingCopy(log: LedgerLog(log: other), state: owner.state)
        #expect(try copy.asOfDayFigures(date(2026_01_15)) != nil, "the owner's current tables")
        _ = try owner.execute(.recalculate(date(2026_04_14)))
        let expected = try Self.reconciled(owner, 2026_01_15, path: .fullState)
        try harness.runRaw("UPDATE history_watermark SET sequence = sequence - 1")
        let watermark = try log.historyWatermark()
        #expect(try copy.asOfDayFigures(date(2026_01_15)) == nil, "behind the log: the copy replays")
        #expect(try Self.reconciled(copy, 2026_01_15) == expected)
        #expect(try log.historyWatermark() == watermark, "the copy projected nothing")
    }

    /// A database at migration 6 (the tables and their version row dropped by the owner): the next open
    /// migrates it, and the first projection fills the sums of every close in force from the log.
    @Test func aDatabaseAtMigrationSixGetsItsSumsFromTheNextProjection() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let log = try harness.open(rowsPerInsert: 1000) as! PostgresEventLog
        try PostgresHistoryTests.run(try Ledger(log: log, snapshots: PostgresSnapshots(log)))
        let before = try Self.asOfRows(log)
        #expect(before["history_asof_days"]?.isEmpty == false)
        try harness.runRaw("DROP TABLE " + Self.asOfTables.joined(separator: ", "))
        try harness.runRaw("DELETE FROM subledger_schema_migrations WHERE version = 7")

        let reopened = try harness.open(rowsPerInsert: 1000) as! PostgresEventLog
        #expect(reopened.schemaVersion == 7)
        let ledger = try Ledger(log: reopened, snapshots: PostgresSnapshots(reopened))
        #expect(try ledger.asOfDayFigures(date(2026_01_15)) != nil)
        #expect(try Self.asOfRows(reopened) == before)
        #expect(try ledger.verifyHistory().difference == nil)
    }

    static func asOfRows(_ log: PostgresEventLog) throws -> [String: [[String?]]] {
        var rows: [String: [[String?]]] = [:]
        for (table, key) in PostgresAsOfDaySumsSchema.keys {
            rows[table] = try log.textRows("SELECT * FROM \(table) ORDER BY \(key)")
        }
        return rows
    }

    /// The role granted before migration 7 (its grants on the day sums revoked): its reports replay and
    /// give the same figures; `rebuild` and `replay --verify` refuse with what the owner runs, writing
    /// nothing; after the owner's grants the sums are filled and read.
    @Test func aRoleWithoutTheGrantReplaysAndIsToldWhatToRun() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        try harness.asLedgerRole("asof") { log, owner in
            let role = try #require(try log.textRows("SELECT current_user").first?.first ?? nil)
            try owner.execute("REVOKE ALL ON \(Self.asOfTables.joined(separator: ", ")) FROM \(role)")
            let ledger = try Ledger(log: log, snapshots: PostgresSnapshots(log))
            try PostgresHistoryTests.run(ledger)
            #expect(try ledger.asOfDayFigures(date(2026_01_15)) == nil, "no grant: the replay")
            #expect(try Self.reconciled(ledger, 2026_01_15) == Self.reconciled(ledger, 2026_01_15, path: .fullState))
            let watermark = try log.historyWatermark()
            for run in [{ _ = try ledger.rebuildHistory() }, { _ = try ledger.verifyHistory() }] {
                do {
                    try run()
                    Issue.record("refused without the grant")
                } catch LedgerError.readOnly(let message) {
                    #expect(message.contains("init --grant-to") && message.contains("migration 7"), "\(message)")
                }
            }
            #expect(try log.historyWatermark() == watermark, "nothing emptied")
            #expect(try owner.scalarInt64("SELECT count(*) FROM history_asof_days") == 0)

            for grant in PostgresEventLog.grants(role: role, schema: harness.schema) { try owner.execute(grant) }
            #expect(try ledger.asOfDayFigures(date(2026_01_15)) != nil, "filled by the next projection")
            #expect(try Self.reconciled(ledger, 2026_01_15) == Self.reconciled(ledger, 2026_01_15, path: .fullState))
            #expect(try ledger.verifyHistory().difference == nil)
        }
    }
}
