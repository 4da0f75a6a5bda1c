import SubledgerCore
import SubledgerTestSupport
import Testing

@testable import Subledger

/// `closes` (CLI, `GET /v1/closes`) from the per-close summary rows and each run's `close.posted` (DR-30,
/// DR-35) gives the rows the close log gives, on the reference histories (closes, recalculations,
/// reversals), through the facade and through a log opened without a projection; a history behind the log
/// falls back to the close log.
struct ClosesFromSummariesTests {
    @Test(arguments: Array(UInt64(1)...8))
    func summaryRowsEqualTheCloseLog(seed: UInt64) throws {
        let database = TemporaryDatabase("closes-summaries")
        defer { database.remove() }
        let ledger = try Ledger(path: database.path)
        for step in ReferenceHistories.history(seed: seed) {
            try ledger.execute(try ReferenceModelTests.engineCommand(step))
        }
        let fromLog = try ledger.closes()
        try ledger.projectHistory()
        #expect(try HistoryTables.closeRows(ledger.store, log: ledger.log) == fromLog)
        #expect(try ledger.currentCloses() == fromLog)
        let log = try LedgerLog(path: database.path, access: .readOnly)
        let (rows, closedThrough) = try log.currentCloses()
        let (logRows, logClosedThrough) = try log.closes()
        #expect(rows == logRows && closedThrough == logClosedThrough)
        if seed == 1 { #expect(!fromLog.isEmpty) }
    }
}
