@testable import Subledger

extension ReconciliationReport {
    /// What differs between this report and `expected` (accounts, event count, origin, pool values), each
    /// prefixed by `name`; empty when they agree. The path tests compare every subledger path with the full
    /// state through it.
    func differences(from expected: ReconciliationReport, name: String) -> [String] {
        var differences: [String] = []
        if accounts != expected.accounts { differences.append("\(name): accounts") }
        if eventCount != expected.eventCount { differences.append("\(name): event count") }
        if origin != expected.origin || skipped != expected.skipped { differences.append("\(name): origin") }
        if poolValue != expected.poolValue { differences.append("\(name): pool value") }
        if unexplainedPoolValue.map({ "\($0.item)=\($0.amount)" })
            != expected.unexplainedPoolValue.map({ "\($0.item)=\($0.amount)" })
        {
            differences.append("\(name): unexplained pool value")
        }
        return differences
    }
}
