/// One transaction as `GET /v1/transactions/{tx}` shows it: its row as `transactions --json` gives it,
/// the events behind it as `events --json`, its vouchers as `vouchers --json` and its settlement entries
/// as `settlements --json`.
public enum TransactionDetailJSON {
    public static func document(_ detail: TransactionDetail) -> JSONValue {
        [
            "transaction": TransactionsJSON.row(detail.row),
            "events": .array(detail.events.map(EventJSON.event)),
            "vouchers": VouchersJSON.rows(detail.vouchers),
            "settlements": SettlementsJSON.rows(detail.settlements),
        ]
    }

    /// A page of `transactions`: the rows and the cursor of the next page (null on the last).
    public static func page(_ page: TransactionPage) -> JSONValue {
        [
            "transactions": .array(page.rows.map(TransactionsJSON.row)),
            "next_cursor": JSONFields.string(page.next?.token),
        ]
    }
}
