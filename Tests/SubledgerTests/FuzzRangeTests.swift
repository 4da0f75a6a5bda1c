import Foundation
import SubledgerCore
import Testing

@testable import Subledger

/// A fuzz target for DR-17 (figure ranges): random but well-formed command sequences whose quantities,
/// prices and amounts are drawn from the edges (near and over the limits, 19- and 20-digit values,
/// `Int64.max`/`min` as text, the smallest unit), decided and applied on one ledger, then every report.
/// Every command must be accepted or refused with a Rejection, never trap; after each accepted command
/// every figure is in range and the books balance; the reports (which add up in Int128) never trap.
/// Part of `FuzzTests` (same seed, iterations and crash directory; `tools/fuzz.sh -t extremeFigures`).
extension FuzzTests {
    static let extremeNumbers = [
        "1000000000000", "999999999999.9999", "1000000000000.0001", "1000000000000000", "999999999999999.99",
        "1000000000000000.01", "92233720368547758.07", "92233720368547758.00", "922337203685477", "900000000000000",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "99999999999999999999", "100000",
        "0.0001", "0.01", "1", "50", "1000000", "1000000000", "-1000000000000000", "-0.01", "12.5", "3",
    ]

    static func extremeNumber(_ rng: inout SplitMix64) -> String {
        // A third ordinary figures, so the ledger also holds stock and value the extremes act on.
        rng.next(upTo: 3) == 0 ? String(1 + rng.next(upTo: 40)) : extremeNumbers[int(&rng, extremeNumbers.count)]
    }

    static let rangeItems = ["F", "W", "STD", "MA", "L"]

    static func rangeSetup() -> [(String, String)] {
        [
            ("item", "item=F model=fifo dimensions=site"), ("item", "item=W model=weighted-average price=5"),
            ("item", "item=STD model=standard standard=10"), ("item", "item=MA model=moving-average"),
            ("item", "item=L model=lifo negative=no group=G2"), ("accounts", "group=G2 inventory=1402"),
        ]
    }

    /// One random command as decoder fields: every number from the edges.
    static func extremeCommand(_ rng: inout SplitMix64, _ n: Int, day: Int) -> (String, String) {
        let item = rangeItems[int(&rng, rangeItems.count)]
        let date = "date=2026-01-\(day < 10 ? "0" : "")\(day)"
        let tx = "tx=T\(int(&rng, n + 1))"
        let site = rng.next(upTo: 2) == 0 ? " site=S1" : " site=S2"
        switch int(&rng, 12) {
        case 0, 1, 2:
            let physical = rng.next(upTo: 4) == 0 ? " physical=yes" : ""
            return (
                "receive",
                "\(date) item=\(item) tx=T\(n) qty=\(extremeNumber(&rng)) cost=\(extremeNumber(&rng))\(site)\(physical)"
            )
        case 3, 4:
            let physical = rng.next(upTo: 4) == 0 ? " physical=yes" : ""
            return ("issue", "\(date) item=\(item) tx=T\(n) qty=\(extremeNumber(&rng))\(site)\(physical)")
        case 5: return ("invoice", "\(date) \(tx) qty=\(extremeNumber(&rng)) cost=\(extremeNumber(&rng))")
        case 6: return ("invoice", "\(date) \(tx)")
        case 7: return ("transfer", "\(date) item=\(item) tx=T\(n) qty=\(extremeNumber(&rng)) from=site:S1 to=site:S2")
        case 8: return ("standard-cost", "\(date) item=STD price=\(extremeNumber(&rng))")
        case 9: return ("revalue", "\(date) item=MA price=\(extremeNumber(&rng))\(site)")
        case 10: return ("adjust", "\(date) \(tx) amount=\(extremeNumber(&rng))")
        default: return (rng.next(upTo: 2) == 0 ? "close" : "recalculate", date)
        }
    }

    /// Every figure the projection holds is in range after an accepted command (DR-17).
    static func expectInRange(_ state: LedgerState, after command: String) {
        for (key, pool) in state.pools {
            let fits =
                [pool.physicalValue, pool.financialValue, pool.value].allSatisfy(Limits.contains)
                && [pool.physicalQuantity, pool.financialQuantity, pool.quantity].allSatisfy(Limits.contains)
            #expect(fits, "pool \(key.item) out of range after \(command): \(pool)")
        }
        for account in state.ledger.accountNames {
            #expect(
                Limits.contains(money: state.ledger.balanceTotal(account).units), "account \(account) after \(command)")
        }
    }

    @Test func extremeFigures() throws {
        let started = Date()
        var rng = Self.generator("extreme-figures")
        var accepted = 0, rejected = 0, codes: Set<Rejection.Code> = [], histories = 0
        let length = 24
        for _ in 0..<max(1, Self.iterations / length) {
            var state = LedgerState()
            var history: [String] = []
            for (name, text) in Self.rangeSetup() { try Self.rangeRun(&state, name, text) }
            for n in 0..<length {
                let (name, text) = Self.extremeCommand(&rng, n, day: 1 + n)
                Self.remember("extreme-figures", Array("\(name) \(text)".utf8))
                if let rejection = Self.attempt(&state, name, text) {
                    rejected += 1
                    codes.insert(rejection.code)
                    continue
                }
                accepted += 1
                history.append("\(name) \(text)")
                Self.expectInRange(state, after: "\(name) \(text)")
                #expect(state.invariantViolations().isEmpty, "\(state.invariantViolations()) after \(history)")
            }
            // The reports add up every pool and account: Int128 totals, never a trap.
            _ = Reconciliation.totals(state)
            _ = state.onHand().total(\.pool.value)
            _ = state.trialBalance().total(\.balance)
            _ = StateDigest(state)
            var valuation = SubledgerValuation(state: state)
            _ = valuation.byAccount()
            histories += 1
        }
        Self.announce(
            "extreme-figures", Self.iterations,
            "histories=\(histories) accepted=\(accepted) rejected=\(rejected) codes=\(codes.map(\.rawValue).sorted())",
            started: started)
        #expect(codes.contains(.invalidAmount) && codes.contains(.invalidQuantity))
        #expect(accepted > 0)
    }

    /// The same edges through a whole import and every report of the `Ledger` (value, reconcile, replay).
    @Test func extremeFiguresThroughTheLedger() throws {
        let started = Date()
        var rng = Self.generator("extreme-ledger")
        var imported = 0, refused = 0
        for _ in 0..<max(1, Self.iterations / 50) {
            let ledger = try Ledger(path: ":memory:")
            let setup = Self.rangeSetup().map { Self.jsonLine($0.0, $0.1) }.joined()
            try ledger.importFile(bytes: Array(setup.utf8), format: .jsonl)
            for n in 0..<24 {
                let (name, text) = Self.extremeCommand(&rng, n, day: 1 + n)
                let line = Self.jsonLine(name, text)
                Self.remember("extreme-ledger", Array(line.utf8))
                do {
                    _ = try ledger.importFile(bytes: Array(line.utf8), format: .jsonl)
                    imported += 1
                } catch is Rejection {
                    refused += 1
                }
            }
            let date = LedgerDate("2026-01-31")!
            _ = ledger.onHand().total(\.pool.value)
            _ = ledger.trialBalance().total(\.balance)
            _ = try ledger.inventoryValue(asOf: date).value
            _ = try ledger.reconcile(asOf: date, details: true).difference
            #expect(try ledger.verifyReplay().matches)
        }
        Self.announce("extreme-ledger", Self.iterations, "imported=\(imported) refused=\(refused)", started: started)
        #expect(imported > 0 && refused > 0)
    }

    /// Decodes, decides and applies one command; the rejection when it is refused.
    static func attempt(_ state: inout LedgerState, _ name: String, _ text: String) -> Rejection? {
        do {
            let events = try state.decide(try CommandDecoder.decode(command: name, rangeFields(text)))
            // What decide produced must fold: a failure here is a defect, not a refusal.
            for (event, date) in events { try! state.apply(event, date: date, sequence: state.lastSequence + 1) }
            return nil
        } catch {
            return error
        }
    }

    /// `key=value key=value ...` as decoder fields.
    static func rangeFields(_ text: String) -> CommandFields {
        CommandFields(
            text.split(separator: " ").map { part in
                let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (key: String(pair[0]), value: pair.count > 1 ? String(pair[1]) : "")
            })
    }

    static func rangeRun(_ state: inout LedgerState, _ name: String, _ text: String) throws {
        for (event, date) in try state.decide(try CommandDecoder.decode(command: name, rangeFields(text))) {
            try state.apply(event, date: date, sequence: state.lastSequence + 1)
        }
    }

    /// `key=value ...` as one JSON Lines object.
    static func jsonLine(_ name: String, _ text: String) -> String {
        let pairs = Self.rangeFields(text).entries.map { "\"\($0.key)\":\"\($0.value)\"" }
        return "{\"command\":\"\(name)\"" + pairs.map { "," + $0 }.joined() + "}\n"
    }
}
