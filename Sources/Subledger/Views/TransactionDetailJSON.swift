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

    /// The bytes of `document(detail)` serialized, with each event's bytes given (`events[i]` is the
    /// serialized `EventJSON.event` of the event at `detail.eventSequences[i]`): a compact document is the
    /// concatenation of its members' serializations, so a caller that keeps rendered events (the server:
    /// a close's settlement event runs to 150 KB, shared by every transaction it settled) need not build
    /// and serialize them again.
    public static func bytes(_ detail: TransactionDetail, events: [[UInt8]]) -> [UInt8] {
        let head = Array("{\"transaction\":".utf8) + Array(TransactionsJSON.row(detail.row).serialized().utf8)
        let vouchers = Array(VouchersJSON.rows(detail.vouchers).serialized().utf8)
        let settlements = Array(SettlementsJSON.rows(detail.settlements).serialized().utf8)
        var out: [UInt8] = []
        out.reserveCapacity(head.count + vouchers.count + settlements.count + events.reduce(64) { $0 + $1.count + 1 })
        out += head
        out += Array(",\"events\":[".utf8)
        for (index, event) in events.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += event
        }
        out += Array("],\"vouchers\":".utf8)
        out += vouchers
        out += Array(",\"settlements\":".utf8)
        out += settlements
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// A page of `transactions`: the rows and the cursor of the next page (null on the last).
    public static func page(_ page: TransactionPage) -> JSONValue {
        [
            "transactions": .array(page.rows.map(TransactionsJSON.row)),
            "next_cursor": JSONFields.string(page.next?.token),
        ]
    }
}
