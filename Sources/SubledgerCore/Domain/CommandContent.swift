/// The canonical content of a command: what a command id is bound to. Two commands have the same content
/// exactly when they decode to the same `LedgerCommand`, whatever the input looked like (flag order, JSON
/// key order, CSV or JSON Lines, whitespace, a default spelled out or left out, `10` or `10.00`).
///
/// The encoding is a storage contract, like event payloads: a hash of it is kept with every command id,
/// so it must never change for a given command. Each command is a version byte, its tag, then its fields
/// in a fixed order with PayloadWriter's encodings (exact fixed-point units, length-prefixed strings);
/// account assignments are sorted by posting type, because their order means nothing.
extension LedgerCommand {
    /// Version of the canonical encoding; a new encoding would get a new version byte.
    static let contentVersion: UInt8 = 1

    /// The command's canonical content, appended to `w`.
    public func encodeContent(into w: inout PayloadWriter) { writeContent(to: &w) }

    /// The command's canonical content, appended to `w`: the one field list both writers write.
    func writeContent<W: ContentWriter>(to w: inout W) {
        w.byte(LedgerCommand.contentVersion)
        switch self {
        case .defineItem(let s):
            w.string("item"); w.string(s.id); w.string(s.model.rawValue); w.bool(s.includePhysicalValue)
            optional(s.defaultPrice, &w); optional(s.standardCost, &w); w.string(s.postingGroup)
            w.byte(s.dimensions.bits); w.bool(s.negativeInventoryAllowed); w.bool(s.fixedReceiptPrice)
        case .setAccounts(let group, let accounts):
            w.string("accounts"); w.string(group); w.int(Int64(accounts.count))
            for a in accounts.sorted(by: { $0.postingType.code < $1.postingType.code }) {
                w.byte(a.postingType.code); w.string(a.account)
            }
        case .receive(let c):
            w.string("receive"); w.int(Int64(c.date.yyyymmdd)); w.string(c.item); w.string(c.transaction)
            w.quantity(c.quantity); w.price(c.unitPrice); w.bool(c.physicalOnly); w.byte(c.kind.code)
            w.dimensions(c.dimensions)
        case .issue(let c):
            w.string("issue"); w.int(Int64(c.date.yyyymmdd)); w.string(c.item); w.string(c.transaction)
            w.quantity(c.quantity); w.bool(c.physicalOnly); w.byte(c.kind.code); w.dimensions(c.dimensions)
        case .invoice(let c):
            w.string("invoice"); w.int(Int64(c.date.yyyymmdd)); w.string(c.transaction)
            optional(c.quantity, &w); optional(c.unitPrice, &w)
        case .mark(let c):
            w.string("mark"); w.int(Int64(c.date.yyyymmdd)); w.string(c.issue); w.string(c.receipt)
            optional(c.quantity, &w)
        case .transfer(let c):
            w.string("transfer"); w.int(Int64(c.date.yyyymmdd)); w.string(c.item); w.string(c.transaction)
            w.quantity(c.quantity); w.dimensions(c.from); w.dimensions(c.to)
        case .activateStandardCost(let c):
            w.string("standard-cost"); w.int(Int64(c.date.yyyymmdd)); w.string(c.item); w.price(c.unitCost)
        case .revalue(let c):
            w.string("revalue"); w.int(Int64(c.date.yyyymmdd)); w.string(c.item); w.price(c.unitCost)
            w.dimensions(c.dimensions)
        case .adjust(let c):
            w.string("adjust"); w.int(Int64(c.date.yyyymmdd)); w.string(c.transaction); w.money(c.amount)
        case .close(let date):
            w.string("close"); w.int(Int64(date.yyyymmdd))
        case .recalculate(let date):
            w.string("recalculate"); w.int(Int64(date.yyyymmdd))
        case .reverseClose(let date, let through):
            w.string("reverse-close"); optional(date, &w); optional(through, &w)
        }
    }

    private func optional<T: FixedPoint, W: ContentWriter>(_ value: T?, _ w: inout W) {
        w.bool(value != nil)
        if let value { w.int(value.units) }
    }

    private func optional<W: ContentWriter>(_ date: LedgerDate?, _ w: inout W) {
        w.bool(date != nil)
        if let date { w.int(Int64(date.yyyymmdd)) }
    }

    /// A short description for messages: the command's name and what it is about.
    public var contentSummary: String {
        switch self {
        case .defineItem(let s): return "item \(s.id)"
        case .setAccounts(let group, _): return group.isEmpty ? "accounts" : "accounts of group \(group)"
        case .receive(let c): return "receive \(c.transaction) of \(c.item) on \(c.date)"
        case .issue(let c): return "issue \(c.transaction) of \(c.item) on \(c.date)"
        case .invoice(let c): return "invoice of \(c.transaction) on \(c.date)"
        case .mark(let c): return "mark of \(c.issue) to \(c.receipt) on \(c.date)"
        case .transfer(let c): return "transfer \(c.transaction) of \(c.item) on \(c.date)"
        case .activateStandardCost(let c): return "standard-cost of \(c.item) on \(c.date)"
        case .revalue(let c): return "revalue of \(c.item) on \(c.date)"
        case .adjust(let c): return "adjust of \(c.transaction) on \(c.date)"
        case .close(let date): return "close through \(date)"
        case .recalculate(let date): return "recalculate through \(date)"
        case .reverseClose(let date, let through):
            if let through { return "reverse-close through \(through)" }
            return date.map { "reverse-close of \($0)" } ?? "reverse-close"
        }
    }
}
