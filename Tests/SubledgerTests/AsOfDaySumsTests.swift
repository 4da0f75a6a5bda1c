import Foundation
import SubledgerCore
import Testing

@testable import Subledger
@testable import SubledgerStore

/// `reconcile` as of a date a close in force covers reads the stored day sums (DR-35) instead of replaying
/// the log: on the seeded random histories of the reference model (closes, recalculations, reversals,
/// backdated postings), after every close, recalculation and reversal and at the end, at every business
/// date of the log and the day before each that the sums serve, the report equals the one of the state
/// rebuilt from the log (`.fullState`), and the stored rows equal a fresh projection's (`replay --verify`).
struct AsOfDaySumsTests {
    /// `SUBLEDGER_ASOF_SEEDS=N` runs seeds 1...N (default 1...4: a replay per date served; 24 take minutes).
    static let seeds: [UInt64] = {
        let count = ProcessInfo.processInfo.environment["SUBLEDGER_ASOF_SEEDS"].flatMap { UInt64($0) } ?? 4
        return Array(1...max(count, 1))
    }()

    @Test(arguments: seeds)
    func asOfReportsEqualTheReplay(seed: UInt64) throws {
        let steps = ReferenceHistories.history(seed: seed)
        let ledger = try Ledger(path: ":memory:")
        var served = 0
        for (index, step) in steps.enumerated() {
            try ledger.execute(try ReferenceModelTests.engineCommand(step))
            switch step {
            case .close, .recalculate, .reverseClose, .reverseThrough: break
            default: if index != steps.count - 1 { continue }
            }
            // Only the dates the sums serve: the others take the replay on both sides.
            for date in try Self.dates(ledger) where try ledger.asOfDayFigures(date) != nil {
                served += 1
                let differences = try Self.differences(ledger, asOf: date)
                #expect(differences.isEmpty, "seed \(seed), step \(index + 1) '\(step)', as of \(date): \(differences)")
            }
        }
        if let difference = try ledger.verifyHistory().difference { Issue.record("seed \(seed): \(difference)") }
        // Else the comparison would prove nothing about the sums.
        if seed == 1 { #expect(served > 0) }
    }

    /// An invoice dated before an earlier invoice of the same receipt, under another inventory account:
    /// as of a date between the two, the receipt sits on the second invoice's accounts with the second
    /// invoice's value only, which no sum of the changes made in log order gives. Those dates are a gap and
    /// take the replay; the dates around them are served by the sums, and every date agrees.
    @Test func aBackdatedInvoiceMakesAGap() throws {
        func day(_ text: String) -> LedgerDate { LedgerDate(text)! }
        let ledger = try Ledger(path: ":memory:")
        try ledger.execute(.defineItem(ItemSetup(id: "A", model: .fifo, defaultPrice: try UnitPrice(parsing: "10.00"))))
        try ledger.execute(
            .receive(
                .init(
                    date: day("2026-01-03"), item: "A", transaction: "R1", quantity: Quantity(whole: 3),
                    unitPrice: try UnitPrice(parsing: "9.00"), physicalOnly: true)))
        try ledger.execute(
            .invoice(
                .init(
                    date: day("2026-01-20"), transaction: "R1", quantity: Quantity(whole: 1),
                    unitPrice: try UnitPrice(parsing: "9.50"))))
        try ledger.execute(.setAccounts(group: "", accounts: [.init(.inventory, "1401")]))
        try ledger.execute(
            .invoice(
                .init(
                    date: day("2026-01-10"), transaction: "R1", quantity: Quantity(whole: 2),
                    unitPrice: try UnitPrice(parsing: "9.50"))))
        try ledger.execute(.close(day("2026-01-31")))
        try ledger.execute(
            .receive(
                .init(
                    date: day("2026-02-02"), item: "A", transaction: "R2", quantity: Quantity(whole: 1),
                    unitPrice: try UnitPrice(parsing: "9.00"))))
        for text in ["2026-01-09", "2026-01-10", "2026-01-19", "2026-01-20", "2026-01-25"] {
            let differences = try Self.differences(ledger, asOf: day(text))
            #expect(differences.isEmpty, "as of \(text): \(differences)")
        }
        #expect(try ledger.asOfDayFigures(day("2026-01-09")) != nil)
        #expect(try ledger.asOfDayFigures(day("2026-01-10")) == nil)
        #expect(try ledger.asOfDayFigures(day("2026-01-19")) == nil)
        #expect(try ledger.asOfDayFigures(day("2026-01-20")) != nil)
    }

    /// The day sums of a file are filled by its next projection when missing (migrated from 14), deleted
    /// for a reversed close, and refilled by `subledger rebuild`.
    @Test func missingRowsAreFilledAndRebuilt() throws {
        let ledger = try Ledger(path: ":memory:")
        for step in ReferenceHistories.history(seed: 3) {
            try ledger.execute(try ReferenceModelTests.engineCommand(step))
        }
        let table = try #require(ledger.store.asOfDaySums())
        let before = try ledger.store.textRows("SELECT * FROM history_asof_sums ORDER BY 1, 2, 3, 4, 5, 6, 7, 8")
        #expect(!before.isEmpty)
        try table.deleteAll()
        #expect(try ledger.projectHistory() == 0)
        #expect(try ledger.store.textRows("SELECT * FROM history_asof_sums ORDER BY 1, 2, 3, 4, 5, 6, 7, 8") == before)
        _ = try ledger.rebuildHistory()
        #expect(try ledger.store.textRows("SELECT * FROM history_asof_sums ORDER BY 1, 2, 3, 4, 5, 6, 7, 8") == before)
        #expect(try ledger.verifyHistory().difference == nil)
    }

    /// Every business date of the log's events after the setup, and the day before each.
    static func dates(_ ledger: Ledger) throws -> [LedgerDate] {
        var days = Set<String>()
        try ledger.store.forEachEvent(after: 0, through: nil) { days.insert($0.envelope.date.description) }
        let all: [String] = (0..<181).map { ReferenceStep.date($0) }
        var dates: [LedgerDate] = []
        for index in all.indices
        where days.contains(all[index]) || (index + 1 < all.count && days.contains(all[index + 1])) {
            if let date = LedgerDate(all[index]) { dates.append(date) }
        }
        return dates
    }

    /// What differs between the day sums' report and the replay's as of `date`.
    static func differences(_ ledger: Ledger, asOf date: LedgerDate) throws -> [String] {
        var differences: [String] = []
        do {
            let old = try ledger.reconcile(asOf: date, external: nil, details: false, path: .fullState)
            let new = try ledger.reconcile(asOf: date, external: nil, details: false, path: .closeSums)
            differences += new.differences(from: old, name: "reconcile")
        }
        return differences
    }
}
