/// Ids of the transactions the ledger makes itself, built and recognized in one place. `@` is not allowed
/// in user names, so none of them can collide with a user's transaction id.
public enum SyntheticID {
    static let transferReceiptSuffix = "@in"
    static let closingReceiptPrefix = "wa-close@"

    /// The receipt leg of transfer `transfer` (D15).
    public static func transferReceipt(_ transfer: String) -> String { transfer + transferReceiptSuffix }

    /// The transfer whose receipt leg `id` is; nil when `id` is not a receipt leg's.
    public static func transfer(ofReceipt id: String) -> String? {
        id.hasSuffix(transferReceiptSuffix) ? String(id.dropLast(transferReceiptSuffix.count)) : nil
    }

    /// The weighted average closing receipt of a pool on `day` (D3).
    public static func closingReceipt(on day: LedgerDate, item: String, dimensions: DimensionValues) -> String {
        "\(closingReceiptPrefix)\(day)@\(item)@\(dimensions.description)"
    }

    /// True for the id of a weighted average closing receipt.
    public static func isClosingReceipt(_ id: String) -> Bool { id.hasPrefix(closingReceiptPrefix) }
}
