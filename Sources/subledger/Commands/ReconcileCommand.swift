import ArgumentParser
import Subledger

struct ReconcileCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Reconcile the subledger with the GL's inventory accounts as of a date.",
        discussion: """
            For each inventory GL account (posted with inventory, inventory-received, inventory-shipped or \
            fixed-price-offset): the subledger value attributed to it, its GL balance and the difference, as \
            of a business date (events dated on or before it, in log order; default: the latest business date). The subledger side is computed \
            from the transactions, not from GL lines: each receipt's (+) or issue's (-) current financial \
            value on its stored inventory account, its value received or shipped but not invoiced on its \
            inventory-received or inventory-shipped account, fixed receipt price differences on \
            fixed-price-offset, and pool revaluations on the item's inventory account. A differing account \
            is drilled down to the transactions and close vouchers whose amounts differ (--details: every \
            account).

            With --gl FILE.csv (columns account,balance, a header row, debit positive), the external trial \
            balance is compared with the ledger's GL per account and each difference is explained: account \
            missing on either side, physical postings not posted to the ledger, a balance taken as of \
            another date (postings after the date), manual postings on an inventory account.

            Exits 1 when an inventory account differs (subledger against GL, or external against ledger).

            Examples:
              subledger reconcile --as-of 2026-03-31
              subledger reconcile --as-of 2026-03-31 --gl trial-balance.csv --json
            """)

    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp(
            "Reconcile as of this business date (inclusive; default: the latest business date).",
            valueName: "YYYY-MM-DD"))
    var asOf: DateArgument?
    @Option(
        name: .customLong("gl"),
        help: ArgumentHelp(
            "An external trial balance to compare: CSV with columns account,balance.", valueName: "file.csv"))
    var gl: String?
    @Flag(help: "Drill down on every inventory account, not only on those that differ.") var details = false
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    /// Source rows printed per account in the table (JSON lists all).
    static let sourceLimit = 100

    func run() throws {
        var external: [ExternalBalance]?
        if let gl {
            external = try ExternalTrialBalance.parse(String(decoding: try Files.readBytes(gl), as: UTF8.self))
        }
        let ledger = try database.open()
        let report = try ledger.reconcile(
            asOf: asOf?.date ?? ledger.state.latestBusinessDate, external: external,
            details: details)
        if output.json { JSONOut.print(Self.json(report, file: gl)) } else { print(Self.text(report, file: gl)) }
        if !report.agrees { throw CheckFailed() }
    }

    static func origin(_ report: ReconciliationReport) -> String {
        switch report.origin {
        case .live: return "live state, \(report.eventCount) events"
        case .replayed: return "log replayed through the date, \(report.eventCount) events"
        }
    }

    static func text(_ report: ReconciliationReport, file: String?) -> String {
        var parts: [String] = ["reconciliation as of \(report.asOf) (\(origin(report)))"]
        var table = Table([
            ("ACCOUNT", .left), ("POSTING TYPES", .left), ("SUBLEDGER", .right), ("GL", .right),
            ("DIFFERENCE", .right),
        ])
        for row in report.accounts {
            table.add([
                row.account, row.postingTypes.map(\.rawValue).joined(separator: ","), Format.money(row.subledger),
                Format.money(row.ledger), Format.money(row.difference),
            ])
        }
        table.addTotal([
            "total", "", Format.money(report.subledgerTotal), Format.money(report.ledgerTotal),
            Format.money(report.difference),
        ])
        parts.append(table.render())

        var sums = Table([
            ("ACCOUNT", .left), ("FINANCIAL", .right), ("RECEIVED NOT INVOICED", .right),
            ("SHIPPED NOT INVOICED", .right), ("FIXED-PRICE OFFSET", .right), ("POOL REVALUATIONS", .right),
        ])
        for row in report.accounts {
            let c = row.composition
            sums.add([
                row.account, Format.money(c.financial), Format.money(c.received), Format.money(c.shipped),
                Format.money(c.fixedPriceOffset), Format.money(c.revaluation),
            ])
        }
        parts.append(
            "subledger side per account (receipts +, issues -; pool value as of the date: \(Format.money(report.poolValue))):\n"
                + sums.render())

        for row in report.accounts {
            guard let sources = row.sources else { continue }
            var heading =
                "\(row.account): subledger \(Format.money(row.subledger)), GL \(Format.money(row.ledger)), difference \(Format.money(row.difference))"
            if !row.otherPostingTypes.isEmpty {
                heading +=
                    "; the GL also posted \(row.otherPostingTypes.map(\.rawValue).joined(separator: ", ")) to this account"
            }
            var drill = Table([
                ("SOURCE", .left), ("KIND", .left), ("SUBLEDGER", .right), ("GL", .right), ("DIFFERENCE", .right),
            ])
            for source in sources.prefix(sourceLimit) {
                drill.add([
                    source.label, source.source.kind, Format.money(source.subledger), Format.money(source.ledger),
                    Format.money(source.difference),
                ])
            }
            var text = heading + "\n" + drill.render(empty: "(no source differs)")
            if sources.count > sourceLimit {
                text += "\n... and \(sources.count - sourceLimit) more (--json lists all)"
            }
            parts.append(text)
        }

        if !report.skipped.isEmpty {
            var skipped = Table([
                ("SEQ", .right), ("DATE", .left), ("TYPE", .left), ("REFERENCE", .left), ("NEEDS", .left),
            ])
            for event in report.skipped {
                skipped.add([
                    String(event.sequence), event.date.description, event.type, event.reference, event.missing,
                ])
            }
            parts.append(
                "events dated on or before \(report.asOf) that the subledger as of that date cannot contain "
                    + "(they refer to a transaction dated later); their GL lines are in the GL balance:\n"
                    + skipped.render())
        }

        if !report.unexplainedPoolValue.isEmpty {
            parts.append(
                "pool value that no transaction carries, for items whose model has no revaluations "
                    + "(the projection's pools and transactions disagree):\n"
                    + report.unexplainedPoolValue.map { "  \($0.item): \(Format.money($0.amount))" }.joined(
                        separator: "\n"))
        }

        if let external = report.external {
            var table = Table([
                ("ACCOUNT", .left), ("INVENTORY", .left), ("LEDGER", .right), ("EXTERNAL", .right),
                ("DIFFERENCE", .right), ("EXPLANATION", .left),
            ])
            for row in external {
                table.add([
                    row.account, row.isInventory ? "yes" : "", row.ledger.map(Format.money) ?? "-",
                    row.external.map(Format.money) ?? "-", Format.money(row.difference), row.message(asOf: report.asOf),
                ])
            }
            parts.append(
                "external trial balance \(file ?? "") against the ledger's GL as of \(report.asOf) "
                    + "(difference = external - ledger):\n" + table.render())
        }

        let differing = report.differingAccounts
        let external = report.externalInventoryDifferences
        if report.agrees {
            parts.append(
                "reconciled: every inventory account equals the subledger"
                    + (report.external == nil ? "" : " and the external trial balance"))
        } else {
            var reasons: [String] = []
            if !differing.isEmpty {
                reasons.append(
                    "\(differing.count) account(s) differ from the subledger: "
                        + differing.map(\.account).joined(separator: ", "))
            }
            if !report.unexplainedPoolValue.isEmpty {
                reasons.append(
                    "pool value without transactions: "
                        + report.unexplainedPoolValue.map(\.item).joined(separator: ", "))
            }
            if !external.isEmpty {
                reasons.append(
                    "\(external.count) inventory account(s) differ in the external trial balance: "
                        + external.map(\.account).joined(separator: ", "))
            }
            parts.append("NOT reconciled: " + reasons.joined(separator: "; "))
        }
        return parts.joined(separator: "\n\n")
    }

    static func json(_ report: ReconciliationReport, file: String?) -> JSONValue {
        ReconcileJSON.document(report, file: file)
    }
}
