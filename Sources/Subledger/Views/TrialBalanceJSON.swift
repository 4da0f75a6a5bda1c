/// The GL trial balance as `subledger gl --json` shows it.
public enum TrialBalanceJSON {
    /// `{"as_of", "accounts", "total"}`.
    public static func document(_ rows: [TrialBalanceRow], asOf: LedgerDate?) -> JSONValue {
        [
            "as_of": JSONFields.string(asOf?.description), "accounts": Self.rows(rows),
            "total": JSONFields.number(rows.total(\.balance)),
        ]
    }

    /// The one JSON shape of a trial balance row (`gl`, `demo`, `replay`, `GET /v1/gl`).
    public static func rows(_ rows: [TrialBalanceRow]) -> JSONValue {
        .array(
            rows.map { row in
                [
                    "account": .string(row.account),
                    "posting_types": .array(row.postingTypes.map { .string($0.rawValue) }),
                    "balance": JSONFields.number(row.balance),
                ]
            })
    }
}
