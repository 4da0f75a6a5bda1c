/// The reconciliation of subledger against GL as `subledger reconcile --json` shows it.
public enum ReconcileJSON {
    /// `file` names the external trial balance compared (`--gl FILE`), when one was.
    public static func document(_ report: ReconciliationReport, file: String?) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("as_of", .string(report.asOf.description))
        o.add("origin", .string(report.origin == .live ? "live" : "replayed"))
        o.add("events", JSONFields.int(report.eventCount))
        o.add("agrees", .bool(report.agrees))
        o.add("accounts", .array(report.accounts.map(account)))
        o.add(
            "total",
            [
                "subledger": JSONFields.number(report.subledgerTotal),
                "gl": JSONFields.number(report.ledgerTotal),
                "difference": JSONFields.number(report.difference),
            ])
        o.add("pool_value", JSONFields.number(report.poolValue))
        o.add(
            "unexplained_pool_value",
            .array(
                report.unexplainedPoolValue.map { entry in
                    ["item": .string(entry.item), "amount": JSONFields.number(entry.amount)]
                }))
        o.add(
            "skipped_events",
            .array(
                report.skipped.map { event in
                    [
                        "sequence": JSONFields.int(event.sequence),
                        "date": .string(event.date.description),
                        "type": .string(event.type),
                        "reference": .string(event.reference),
                        "needs": .string(event.missing),
                    ]
                }))
        o.add("external", external(report, file: file))
        return o.value
    }

    static func account(_ row: AccountReconciliation) -> JSONValue {
        var a = JSONObjectBuilder()
        a.add("account", .string(row.account))
        a.add("posting_types", .array(row.postingTypes.map { .string($0.rawValue) }))
        a.add("subledger", JSONFields.number(row.subledger))
        a.add("gl", JSONFields.number(row.ledger))
        a.add("difference", JSONFields.number(row.difference))
        let c = row.composition
        a.add(
            "composition",
            [
                "financial": JSONFields.number(c.financial),
                "received_not_invoiced": JSONFields.number(c.received),
                "shipped_not_invoiced": JSONFields.number(c.shipped),
                "fixed_price_offset": JSONFields.number(c.fixedPriceOffset),
                "pool_revaluations": JSONFields.number(c.revaluation),
            ])
        a.add(
            "sources",
            row.sources.map { sources in
                .array(
                    sources.map { source in
                        [
                            "kind": .string(source.source.kind),
                            "reference": .string(source.label),
                            "subledger": JSONFields.number(source.subledger),
                            "gl": JSONFields.number(source.ledger),
                            "difference": JSONFields.number(source.difference),
                        ]
                    })
            } ?? .null)
        return a.value
    }

    static func external(_ report: ReconciliationReport, file: String?) -> JSONValue {
        guard let rows = report.external else { return .null }
        return [
            "file": JSONFields.string(file),
            "accounts": .array(
                rows.map { row in
                    var r = JSONObjectBuilder()
                    r.add("account", .string(row.account))
                    r.add("inventory", .bool(row.isInventory))
                    r.add("ledger", JSONFields.number(row.ledger))
                    r.add("external", JSONFields.number(row.external))
                    r.add("difference", JSONFields.number(row.difference))
                    r.add("explanation", .string(row.explanation.code))
                    r.add("message", .string(row.message(asOf: report.asOf)))
                    r.add("line", row.line.map(JSONFields.int) ?? .null)
                    return r.value
                }),
        ]
    }
}
