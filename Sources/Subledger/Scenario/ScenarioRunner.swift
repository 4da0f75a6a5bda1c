import SubledgerCore

/// One expectation that did not hold (or a statement that failed), with its file line.
public struct ScenarioFailure: Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var statement: String
    public var message: String
    public var description: String { "\(file):\(line): \(statement)\n    \(message)" }
}

public struct ScenarioReport: Sendable {
    public var file: String
    public var statements: Int
    public var expectationsChecked: Int
    public var failures: [ScenarioFailure]
    public var passed: Bool { failures.isEmpty }
}

/// Runs a scenario against a fresh in-memory ledger (the real store, hash chain included) and checks
/// every expectation against the state after the lines above it.
public enum ScenarioRunner {
    public static func run(file: String, text: String) -> ScenarioReport {
        let statements: [ScenarioStatement]
        do { statements = try ScenarioParser.parse(text) } catch {
            return ScenarioReport(
                file: file, statements: 0, expectationsChecked: 0,
                failures: [
                    ScenarioFailure(
                        file: file, line: error.line, statement: "",
                        message: "parse error: \(error.message); nothing ran")
                ])
        }
        var report = ScenarioReport(file: file, statements: statements.count, expectationsChecked: 0, failures: [])
        let ledger: Ledger
        var counter = 0
        do {
            ledger = try Ledger(
                path: ":memory:", clock: { 0 },
                makeCommandID: {
                    counter += 1
                    return "scenario-\(counter)"
                })
        } catch {
            report.failures.append(
                ScenarioFailure(file: file, line: 0, statement: "", message: "cannot open a ledger: \(error)"))
            return report
        }
        var lastRejection: (line: Int, rejection: Rejection, sequenceBefore: Int64)?
        var pendingRejection: (line: Int, text: String, rejection: Rejection)?

        func fail(_ statement: ScenarioStatement, _ message: String) {
            report.failures.append(
                ScenarioFailure(file: file, line: statement.line, statement: statement.text, message: message))
        }

        for (index, statement) in statements.enumerated() {
            // A refused command must be followed by `expect rejected`; otherwise it is a failure.
            if let pending = pendingRejection {
                pendingRejection = nil
                if case .expectation(.rejected) = statement.body {
                } else {
                    report.failures.append(
                        ScenarioFailure(
                            file: file, line: pending.line, statement: pending.text,
                            message: "refused: \(pending.rejection)"))
                }
            }
            let sequenceBefore = ledger.state.lastSequence
            switch statement.body {
            case .command(let command):
                lastRejection = nil
                do {
                    try ledger.execute(command)
                    for violation in ledger.state.invariantViolations() {
                        fail(statement, "invariant broken: \(violation)")
                    }
                } catch let rejection as Rejection {
                    lastRejection = (statement.line, rejection, sequenceBefore)
                    pendingRejection = (statement.line, statement.text, rejection)
                } catch {
                    fail(statement, "failed: \(error)")
                }
            case .refusedInput(let rejection):
                lastRejection = (statement.line, rejection, sequenceBefore)
                pendingRejection = (statement.line, statement.text, rejection)
            case .expectation(let expectation):
                report.expectationsChecked += 1
                if case .rejected(let code) = expectation {
                    guard let rejected = lastRejection else {
                        fail(statement, "expected a rejection with \(code), but the statement above was accepted")
                        continue
                    }
                    if rejected.rejection.code.rawValue != code {
                        fail(statement, "expected rejection \(code), found \(rejected.rejection)")
                    } else if ledger.state.lastSequence != rejected.sequenceBefore {
                        fail(statement, "rejected, but events were written")
                    }
                    continue
                }
                if let message = check(expectation, in: ledger) { fail(statement, message) }
            }
            if index == statements.count - 1, let pending = pendingRejection {
                report.failures.append(
                    ScenarioFailure(
                        file: file, line: pending.line, statement: pending.text,
                        message: "refused: \(pending.rejection)"))
            }
        }
        return report
    }

    /// nil when the expectation holds, else "expected ..., found ...".
    /// Checks against the ledger's state with its history: expectations may name transactions a close
    /// moved out of the open state (DR-22), and settlements, which live in the log.
    static func check(_ expectation: Expectation, in ledger: Ledger) -> String? {
        guard let state = try? ledger.stateWithHistory() else { return "failed: cannot read the ledger's history" }
        func record(_ id: String) -> TransactionRecord? { state.transactions[id] }
        func compareUnit(_ what: String, _ expected: UnitPrice, _ found: UnitPrice?, decimals: Int = 2) -> String? {
            guard let found else { return "expected \(what) \(expected), found no quantity to price" }
            let scale = UnitPrice.scale - decimals
            let a = roundUnits(expected.units, dropping: scale), b = roundUnits(found.units, dropping: scale)
            return a == b
                ? nil
                : "expected \(what) \(expected.formatted(minimumDecimals: decimals)), found \(found.formatted(minimumDecimals: decimals))"
        }
        switch expectation {
        case .posted(let tx, let unit):
            guard let r = record(tx) else { return "transaction \(tx) does not exist" }
            return compareUnit("posted unit cost", unit, r.postedUnitCost)
        case .cost(let tx, let unit):
            guard let r = record(tx) else { return "transaction \(tx) does not exist" }
            return compareUnit("current unit cost", unit, r.currentUnitCost)
        case .amount(let tx, let amount):
            guard let r = record(tx) else { return "transaction \(tx) does not exist" }
            return r.currentAmount == amount ? nil : "expected amount \(amount), found \(r.currentAmount)"
        case .adjusted(let tx, let amount):
            guard let r = record(tx) else { return "transaction \(tx) does not exist" }
            return r.adjustment == amount ? nil : "expected adjustments \(amount), found \(r.adjustment)"
        case .settled(let issue, let receipt, let quantity, let amount, let adjustment):
            let entries: [SettlementRow]
            do { entries = try ledger.settlements(transaction: issue) } catch {
                return "cannot read settlements: \(error)"
            }
            return checkSettled(issue, receipt, quantity, amount, adjustment, entries)
        case .unsettled(let tx, let quantity):
            let records: [TransactionRecord]
            if tx == "wa-close" {
                records = state.transactions.values.filter { SyntheticID.isClosingReceipt($0.id) }
            } else if let r = record(tx) {
                records = [r]
            } else {
                return "transaction \(tx) does not exist"
            }
            let open = records.total(\.openQuantity) + records.total(\.physicalOpenQuantity)
            return open == Total(quantity)
                ? nil
                : "expected \(tx) open qty \(quantity.formatted(minimumDecimals: 0)), found \(open.formatted(minimumDecimals: 0))"
        case .onHand(let item, let quantity, let value, let part, let filter):
            var q = Total<Quantity>(), v = Total<Money>()
            for (key, pool) in state.pools where key.item == item && filter.matches(key.dimensions) {
                switch part {
                case .both: q += pool.quantity; v += pool.value
                case .financial: q += pool.financialQuantity; v += pool.financialValue
                case .physical: q += pool.physicalQuantity; v += pool.physicalValue
                }
            }
            return q == Total(quantity) && v == Total(value)
                ? nil
                : "expected on-hand qty \(quantity.formatted(minimumDecimals: 0)) value \(value), found qty \(q.formatted(minimumDecimals: 0)) value \(v)"
        case .average(let item, let unit, let filter):
            guard let setup = state.items[item] else { return "item \(item) does not exist" }
            var q = Total<Quantity>(), v = Total<Money>()
            for (key, pool) in state.pools where key.item == item && filter.matches(key.dimensions) {
                let basis = pool.averageBasis(includePhysical: setup.averagesPhysicalRows)
                q += basis.quantity
                v += basis.value
            }
            // cents / qty (scale 4) -> price scale 4, as `Money.perUnit`, on the Int128 sums.
            let average =
                q.isPositive
                ? UnitPrice(units: narrowClamped(Rounding.halfAwayFromZero.divide(v.units * 1_000_000, by: q.units)))
                : nil
            return compareUnit("average", unit, average, decimals: 4)
        case .gl(let name, let balance):
            let account = PostingType(rawValue: name).map { state.profiles.account(for: $0, group: "") } ?? name
            let found = state.ledger.balance(account)
            return found == balance ? nil : "expected GL \(name) (account \(account)) \(balance), found \(found)"
        case .reconciled:
            let audit = Reconciliation.totals(state)
            return audit.difference.isZero
                ? nil
                : "subledger \(audit.subledger) does not equal GL inventory accounts \(audit.ledger) (difference \(audit.difference))"
        case .rejected:
            return nil
        }
    }

    /// An `expect settled` line against the entries that name the issue (`entries`, read from the log).
    static func checkSettled(
        _ issue: String, _ receipt: String, _ quantity: Quantity, _ amount: Money?, _ adjustment: Money?,
        _ entries: [SettlementRow]
    ) -> String? {
        // `wa-close` names the weighted average closing receipt of any close (D3).
        // A reversed close's settlements are netted by their reversal entries (D12).
        let matching = entries.filter {
            ($0.mode == .close || $0.mode == .reversal) && $0.entry.kind == .settlement
                && $0.entry.transaction == issue
                && ($0.entry.counterpart == receipt
                    || (receipt == "wa-close" && SyntheticID.isClosingReceipt($0.entry.counterpart)))
        }
        // Sums over any number of entries and pools in Int128 (DR-17).
        guard !matching.isEmpty, !matching.total(\.entry.quantity).isZero else {
            let found = entries.filter {
                $0.entry.transaction == issue && $0.entry.kind == .settlement && $0.mode == .close
            }
            .map { "\($0.entry.counterpart) qty \($0.entry.quantity.formatted(minimumDecimals: 0))" }
            return
                "expected \(issue) settled against \(receipt), found \(found.isEmpty ? "no settlement" : found.joined(separator: ", "))"
        }
        let q = matching.total(\.entry.quantity)
        let a = matching.total(\.entry.settledAmount)
        let adj = matching.total(\.entry.adjustment)
        if q != Total(quantity) {
            return
                "expected settled qty \(quantity.formatted(minimumDecimals: 0)), found \(q.formatted(minimumDecimals: 0))"
        }
        if let amount, a != Total(amount) { return "expected settled amount \(amount), found \(a)" }
        if let adjustment, adj != Total(adjustment) { return "expected adjustment \(adjustment), found \(adj)" }
        return nil
    }

    static func roundUnits(_ units: Int64, dropping digits: Int) -> Int64 {
        guard digits > 0 else { return units }
        var divisor: Int64 = 1
        for _ in 0..<digits { divisor *= 10 }
        return Int64(Rounding.halfAwayFromZero.divide(Int128(units), by: Int128(divisor)))
    }
}
