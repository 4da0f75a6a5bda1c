// No console page loads the whole history: every facade call the pages make is on a list of calls that
// read by key, a page at a time, or one close's rows; a new call (say `transactions()`, every
// transaction; `events()` without a limit, the whole log) fails here until it is looked at and listed.

import Foundation
import Testing

@Suite struct ConsoleReadBudgetTests {
    /// Each facade call the console may make, and what it reads.
    static let allowed: [String: String] = [
        "closeSummaries": "one summary row per close and recalculation (history_close_totals)",
        "closeSummary": "one run's summary rows by key, and its close.posted event (the log)",
        "closeSettlements": "one page of one run's settlements, a range of history_settlements_by_close",
        "events": "a range of sequences; the call must pass `limit:`",
        "execute": "a command (the close role's buttons)",
        "inventoryBalanceByDay": "the projection's GL days, in memory",
        "inventoryValue": "as of the latest date, the open state's pools in memory",
        "onHand": "the open state's pools, in memory",
        "reconcile": "the open state and the latest close's stored sums of what has left it (DR-31)",
        "transactionDetail": "one transaction by key: its rows, voucher lines and settlements by index",
        "settlementsNaming": "the settlements naming one transaction, by key (the item page: one page's transactions)",
        "transactionPage": "one page of one item's transactions (the facade's keyed page)",
        "authenticate": "one token by its hash",
        "verify": "the whole chain, only on the verify button (a POST), never to draw a page",
        "read": "the ledger queue itself (ConsoleLedger.read)",
    ]

    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/SubledgerConsole")

    static func files() throws -> [(String, String)] {
        let enumerator = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        var files: [(String, String)] = []
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            files.append((url.lastPathComponent, try String(contentsOf: url, encoding: .utf8)))
        }
        return files
    }

    @Test func everyFacadeCallOfThePagesIsOneThatReadsAPageOrByKey() throws {
        let files = try Self.files()
        #expect(files.count > 5, "the console's sources are found")
        for (name, text) in files {
            for match in text.matches(of: /(?:ledger\.|try \$0\.)([a-zA-Z]+)\(/) {
                let call = String(match.1)
                #expect(
                    Self.allowed[call] != nil, "\(name): ledger.\(call)( is not on the list of calls that read a page")
            }
            for match in text.matches(of: /\.events\(([^)]*)\)/) {
                #expect(match.1.contains("limit:"), "\(name): events( without a limit reads the whole log")
            }
        }
    }

    @Test func theListCatchesAWholeHistoryCall() {
        let planted = "let rows = try ledger.transactions(item: id)"
        let calls = planted.matches(of: /(?:ledger\.|try \$0\.)([a-zA-Z]+)\(/).map { String($0.1) }
        #expect(calls == ["transactions"])
        #expect(Self.allowed["transactions"] == nil)
    }
}
