/// The one convention for enums in event payloads and snapshot states: one stable byte per case, written
/// and read by the same generic pair, and a byte no case has is a decoding error naming what was read.
/// The bytes are a storage contract (the golden tests pin them): never renumber.
public protocol WireCode {
    var code: UInt8 { get }
    init?(code: UInt8)
    /// What the value is, for a decoding error: `unknown cost source 9`.
    static var wireName: String { get }
}

/// An enum whose raw value is its byte.
extension WireCode where Self: RawRepresentable, RawValue == UInt8 {
    public var code: UInt8 { rawValue }
    public init?(code: UInt8) { self.init(rawValue: code) }
}

// Every enum stored as a byte.
extension CloseMode: WireCode { public static let wireName = "close mode" }
extension SettleModel: WireCode { public static let wireName = "settle model" }
extension SettlementEntry.Kind: WireCode { public static let wireName = "settlement kind" }
extension CostSource: WireCode { public static let wireName = "cost source" }
extension LedgerCommand.ReceiptKind: WireCode { public static let wireName = "receipt kind" }
extension LedgerCommand.IssueKind: WireCode { public static let wireName = "issue kind" }
extension PostingType: WireCode { public static let wireName = "posting type" }
extension CloseNote.Kind: WireCode { public static let wireName = "close note kind" }
extension TransactionKind: WireCode { public static let wireName = "transaction kind" }

extension PayloadWriter {
    public mutating func code(_ value: some WireCode) { byte(value.code) }
}

extension PayloadReader {
    public mutating func code<T: WireCode>(_ type: T.Type = T.self) throws(PayloadDecodingError) -> T {
        let raw = try byte()
        guard let value = T(code: raw) else { throw fail("unknown \(T.wireName) \(raw)") }
        return value
    }
}
