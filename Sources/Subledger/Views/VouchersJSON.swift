/// GL vouchers as `subledger vouchers --json` shows them.
public enum VouchersJSON {
    /// `{"vouchers": [...]}`.
    public static func document(_ rows: [VoucherRow]) -> JSONValue {
        ["vouchers": Self.rows(rows)]
    }

    public static func rows(_ rows: [VoucherRow]) -> JSONValue {
        .array(
            rows.map { row in
                [
                    "sequence": JSONFields.int(row.sequence),
                    "date": .string(row.date.description),
                    "type": .string(row.eventType),
                    "reference": .string(row.reference),
                    "lines": EventRendering.lines(row.lines),
                ]
            })
    }
}
