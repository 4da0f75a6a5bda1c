// The bytes of one transaction record as the history table stores it (DR-22): a format number, then the
// record in the snapshot's own encoding (`TransactionRecord.encoded()`, StateCodec), so a record has one
// description whether it sits in a snapshot or in history.

extension TransactionRecord {
    /// Version of `historyEncoded()`; `init(historyDecoding:)` reads only this version.
    /// 2: the snapshot's record encoding (1, a copy of its fields, was never on main).
    static let historyFormat: UInt8 = 2

    public func historyEncoded() -> [UInt8] {
        [Self.historyFormat] + encoded()
    }

    public init(historyDecoding bytes: [UInt8]) throws(PayloadDecodingError) {
        guard let format = bytes.first, format == Self.historyFormat else {
            throw PayloadDecodingError(
                offset: 0,
                message: "history record format \(bytes.first.map(String.init) ?? "none") is not \(Self.historyFormat)")
        }
        self = try TransactionRecord(decoding: Array(bytes.dropFirst()))
    }
}
