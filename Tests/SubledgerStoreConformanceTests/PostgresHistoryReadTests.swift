// How the history reads of both stores read their cells and their snapshot (DR-56, revised): a GL sum
// past 64 bits is refused on PostgreSQL as the file's `sum` refuses it, never read as 0; integer text is
// parsed strictly; and `reconcile --as-of` reads its gate and the day sums in one snapshot, so another
// connection's commit between the two does not change what it sums.

import Foundation
import SubledgerCore
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerPostgres
@testable import SubledgerStore

@Suite(.serialized) struct PostgresHistoryReadTests {
    /// An account's GL days through February, each at the largest 64-bit amount: their sum overflows.
    static let overflow = """
        UPDATE history_gl_days SET amount = 9223372036854775807 WHERE day <= 20260228 AND account = (
            SELECT account FROM history_gl_days WHERE day <= 20260228 GROUP BY account HAVING count(*) > 1
            ORDER BY account LIMIT 1)
        """

    static func overflowMessage(_ ledger: Ledger) -> String? {
        do {
            _ = try ledger.historicalTrialBalance(asOf: date(2026_02_28))
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aGLSumPastSixtyFourBitsIsRefusedOnBothStores() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let file = TemporaryDatabase("pg-overflow")
        defer { file.remove() }
        let (onFile, _, ledger) = try PostgresHistoryTests.runOnBothStores(harness, file: file)
        #expect(Self.overflowMessage(ledger) == nil && Self.overflowMessage(onFile) == nil)

        try harness.runRaw(Self.overflow)
        try Connection(path: file.path).execute(Self.overflow)
        let onServer = Self.overflowMessage(ledger), onDisk = Self.overflowMessage(onFile)
        let refusal = "history_gl_days: a sum leaves 64 bits (integer overflow)"
        #expect(onServer?.contains(refusal) == true, "\(String(describing: onServer))")
        #expect(onDisk?.contains("integer overflow") == true, "\(String(describing: onDisk))")
    }

    @Test func integerCellsAreParsedStrictly() throws {
        #expect(try PostgresText.int64("-42", "t") == -42)
        #expect(try PostgresText.int128("170141183460469231731687303715884105727", "t") == Int128.max)
        let damaged = StoreError.damagedLog("t: a row holds no integer where one belongs; run `subledger rebuild`")
        for cell: String? in [nil, "", "12x", " 1", "1.0"] {
            #expect(throws: damaged) { try PostgresText.int64(cell, "t") }
        }
        #expect(throws: StoreError.logFailure(.other, "subledger: t: a sum leaves 64 bits (integer overflow)")) {
            try PostgresText.int64("9223372036854775808", "t")
        }
    }

    /// The day sums of a ledger through 2026-01-15 with `sql` committed by another connection between the
    /// gate and the sums; then without: the first equal the figures before, the second show the change.
    static func snapshotRead(_ ledger: Ledger, commit: () throws -> Void) throws {
        let day = date(2026_01_15)
        let before = try #require(try ledger.asOfDayFigures(day))
        let during = try #require(try ledger.asOfDayFigures(day, afterGate: commit))
        #expect(during.events == before.events && during.groups == before.groups && during.pools == before.pools)
        let after = try #require(try ledger.asOfDayFigures(day))
        #expect(after.groups != before.groups, "the commit landed")
    }

    static let deleteSums = "DELETE FROM history_asof_sums WHERE day <= 20260115"

    @Test func theGateAndTheSumsAreReadInOneSnapshot() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let file = TemporaryDatabase("pg-snapshot")
        defer { file.remove() }
        let onFile = try Ledger(path: file.path)
        try PostgresHistoryTests.run(onFile)
        try Self.snapshotRead(onFile) { try Connection(path: file.path).execute(Self.deleteSums) }
        let log = try harness.open(rowsPerInsert: 1000) as! PostgresEventLog
        let ledger = try Ledger(log: log, snapshots: PostgresSnapshots(log))
        try PostgresHistoryTests.run(ledger)
        try Self.snapshotRead(ledger) { try harness.runRaw(Self.deleteSums) }
    }
}
