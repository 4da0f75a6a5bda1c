import Foundation
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerCore
@testable import SubledgerStore

/// The as-of day sums' fold started beside the history projection (DR-67) gives the rows the fill's own
/// fold gives, and is taken only when its prediction of the closes holds.
struct AsOfDayAheadTests {
    /// The day sums' tables and their keys.
    static let tables = [
        ("history_asof_days", "1, 2"), ("history_asof_gaps", "1, 2, 3"), ("history_asof_pools", "1, 2, 3, 4"),
        ("history_asof_sums", "1, 2, 3, 4, 5, 6, 7, 8"),
    ]

    /// The reference histories (closes, recalculations, reversals, closes again) on two files, one folding
    /// ahead at every close it can (no minimum tail), one never: after every step the day sums are equal,
    /// and the first file took the fold ahead at some closes (else the comparison would prove nothing).
    @Test(arguments: [1, 3] as [UInt64])
    func aheadAndAfterWriteTheSameRows(seed: UInt64) throws {
        let aheadDatabase = TemporaryDatabase("asof-ahead"), afterDatabase = TemporaryDatabase("asof-after")
        defer {
            aheadDatabase.remove()
            afterDatabase.remove()
        }
        let ahead = try Ledger(path: aheadDatabase.path), after = try Ledger(path: afterDatabase.path)
        ahead.asOfAheadMinimum = 1
        after.asOfAheadMinimum = .max
        for (index, step) in ReferenceHistories.history(seed: seed).enumerated() {
            try ahead.execute(try ReferenceModelTests.engineCommand(step))
            try after.execute(try ReferenceModelTests.engineCommand(step))
            for (table, key) in Self.tables {
                let sql = "SELECT * FROM \(table) ORDER BY \(key)"
                #expect(
                    try ahead.store.textRows(sql) == after.store.textRows(sql),
                    "seed \(seed), step \(index + 1) '\(step)': \(table)")
            }
        }
        // The projection's commits skip the sync (DR-67); the log's own commits are FULL again after it.
        #expect(try ahead.store.textRows("PRAGMA synchronous") == [["2"]])
        #expect(ahead.asOfAheadFolds > 0)
        #expect(after.asOfAheadFolds == 0)
        #expect(try ahead.verifyHistory().difference == nil)
    }

    /// A prediction is taken only for the same closes: the last close's `latestDayThrough` is the one
    /// figure it may not know (the fold never reads it); any other difference sends the fill to its own fold.
    @Test func onlyTheSameClosesAreTaken() throws {
        func close(_ sequence: Int64, _ day: String, _ latest: Int32, mode: String = "close") -> HistoryClose {
            HistoryClose(
                sequence: sequence, day: LedgerDate(day)!, mode: mode, reversedBy: nil, latestDayThrough: latest)
        }
        let predicted = [close(10, "2026-01-31", 20_260_131), close(40, "2026-02-28", 20_260_228)]
        #expect(AsOfDayAhead.same(predicted, predicted))
        #expect(AsOfDayAhead.same([predicted[0], close(40, "2026-02-28", 20_260_305)], predicted))
        #expect(!AsOfDayAhead.same([close(10, "2026-01-31", 20_260_205), predicted[1]], predicted))
        #expect(!AsOfDayAhead.same([predicted[0], close(41, "2026-02-28", 20_260_228)], predicted))
        #expect(!AsOfDayAhead.same([predicted[0], close(40, "2026-02-27", 20_260_228)], predicted))
        #expect(!AsOfDayAhead.same([predicted[0], close(40, "2026-02-28", 20_260_228, mode: "recalculate")], predicted))
        #expect(!AsOfDayAhead.same([predicted[1]], predicted))
        #expect(!AsOfDayAhead.same([], []))
    }
}
