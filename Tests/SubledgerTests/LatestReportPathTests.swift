import SubledgerCore
import Testing

@testable import Subledger

/// `value` and `reconcile` as of the latest date read the open state and sum the history rows one at a
/// time, or (`reconcile`) add the sums each close stored of what it moved out (DR-31), instead of building
/// the state with every transaction (`stateWithHistory()`): on seeded random histories with closes,
/// recalculations and reversals (those of the reference model), every path gives the same reports after
/// every close, recalculation and reversal and at the end, and the stored sums equal a fresh projection's.
struct LatestReportPathTests {
    static let seeds: [UInt64] = Array(1...24)

    @Test(arguments: seeds)
    func latestReportsEqualTheStateWithHistory(seed: UInt64) throws {
        let steps = ReferenceHistories.history(seed: seed)
        let ledger = try Ledger(path: ":memory:")
        var compared = 0, withHistory = 0
        for (index, step) in steps.enumerated() {
            try ledger.execute(try ReferenceModelTests.engineCommand(step))
            switch step {
            case .close, .recalculate, .reverseClose, .reverseThrough: break
            default: if index != steps.count - 1 { continue }
            }
            let differences = try Self.differences(ledger)
            #expect(differences.isEmpty, "seed \(seed), step \(index + 1) '\(step)': \(differences)")
            compared += 1
            if try ledger.store.hasHistoryTransactions() { withHistory += 1 }
        }
        #expect(compared > 0)
        if seed == 1 { #expect(withHistory > 0, "the history must hold rows at some comparison") }
    }

    /// A transaction's settlements read by key from the history (`settlementsNaming`, what the item and
    /// transaction pages show) equal the log's reading (`settlements(transaction:)`), for every transaction,
    /// weighted average ones (whose entries name each close's closing receipt) and closing receipts included.
    @Test(arguments: seeds)
    func settlementsByKeyEqualTheLogsReading(seed: UInt64) throws {
        let ledger = try Ledger(path: ":memory:")
        var ids = Set<String>()
        for step in ReferenceHistories.history(seed: seed) {
            try ledger.execute(try ReferenceModelTests.engineCommand(step))
            ids.formUnion(ledger.state.transactions.keys)
        }
        var byKey = 0
        for id in ids.sorted() {
            let stored = try ledger.settlementsNaming(id)
            #expect(stored == (try ledger.settlements(transaction: id)), "seed \(seed), transaction \(id)")
            byKey += stored.count
        }
        if seed == 1 { #expect(byKey > 0) }
    }

    /// What differs between the two paths' reports as of the latest business date.
    static func differences(_ ledger: Ledger) throws -> [String] {
        let date = ledger.state.latestBusinessDate
        var differences: [String] = []
        for item in [nil] + ledger.state.items.keys.sorted().prefix(2).map(Optional.some) {
            let new = try ledger.inventoryValue(asOf: date, item: item, openStateWhenLatest: true)
            let old = try ledger.inventoryValue(asOf: date, item: item, openStateWhenLatest: false)
            if new.rows != old.rows { differences.append("value rows (\(item ?? "all"))") }
            if new.origin != old.origin { differences.append("value origin") }
            if new.ledgerAccounts.map({ "\($0.account)=\($0.balance)" })
                != old.ledgerAccounts.map({ "\($0.account)=\($0.balance)" })
            {
                differences.append("value GL accounts")
            }
        }
        if try ledger.store.hasHistoryTransactions(), try ledger.evictedSumsThroughLatestClose() == nil {
            differences.append("no stored evicted sums")
        }
        // The sums each close stored in its own transaction equal those a projection of the log writes.
        if let difference = try ledger.verifyHistory().difference { differences.append(difference) }
        for details in [false, true] {
            let old = try ledger.reconcile(asOf: date, external: nil, details: details, path: .fullState)
            for path in [Ledger.SubledgerPath.historyRows, .closeSums] {
                let new = try ledger.reconcile(asOf: date, external: nil, details: details, path: path)
                differences += new.differences(from: old, name: "reconcile \(path) (details \(details))")
            }
        }
        return differences
    }
}
