/// Which input field a produced figure out of range is blamed on (DR-17), and the range check of the
/// figures a command brings (the decoder checks them too; a command built in code skips the decoder).
extension LedgerCommand {
    struct RangeFields {
        /// The field that drives the command's amounts (`cost`, `price`, `amount`, `qty`, `date`).
        var amountField: String
        /// The field that drives its quantities.
        var quantityField: String

        func amount(_ units: Int128, _ what: String = "an amount") -> Rejection {
            Rejection(
                .invalidAmount, field: amountField,
                "\(what) would be \(Total<Money>(units: units)), out of range: amounts are at most "
                    + "\(Limits.maximumMoney.formatted(minimumDecimals: 0)) in magnitude (DR-17)"
            )
        }

        func quantity(_ units: Int128) -> Rejection {
            Rejection(
                .invalidQuantity, field: quantityField,
                "the cost pool's quantity would be \(Total<Quantity>(units: units).formatted(minimumDecimals: 0)), out "
                    + "of range: quantities are at most "
                    + "\(Limits.maximumQuantity.formatted(minimumDecimals: 0)) in magnitude (DR-17)"
            )
        }
    }

    var rangeFields: RangeFields {
        switch self {
        case .receive: return RangeFields(amountField: "cost", quantityField: "qty")
        case .invoice(let c): return RangeFields(amountField: c.unitPrice == nil ? "qty" : "cost", quantityField: "qty")
        case .activateStandardCost, .revalue: return RangeFields(amountField: "price", quantityField: "price")
        case .adjust: return RangeFields(amountField: "amount", quantityField: "amount")
        case .close, .recalculate, .reverseClose: return RangeFields(amountField: "date", quantityField: "date")
        case .defineItem, .setAccounts, .issue, .mark, .transfer:
            return RangeFields(amountField: "qty", quantityField: "qty")
        }
    }

    var isClose: Bool {
        switch self {
        case .close, .recalculate, .reverseClose: return true
        default: return false
        }
    }

    /// The figures the command brings, each in its range.
    func checkInputRanges() throws(Rejection) {
        switch self {
        case .defineItem(let setup):
            if let price = setup.defaultPrice { try Limits.check(price, field: "price") }
            if let price = setup.standardCost { try Limits.check(price, field: "standard") }
        case .receive(let c):
            try Limits.check(c.quantity, field: "qty")
            try Limits.check(c.unitPrice, field: "cost")
        case .issue(let c): try Limits.check(c.quantity, field: "qty")
        case .invoice(let c):
            if let quantity = c.quantity { try Limits.check(quantity, field: "qty") }
            if let price = c.unitPrice { try Limits.check(price, field: "cost") }
        case .mark(let c): if let quantity = c.quantity { try Limits.check(quantity, field: "qty") }
        case .transfer(let c): try Limits.check(c.quantity, field: "qty")
        case .activateStandardCost(let c): try Limits.check(c.unitCost, field: "price")
        case .revalue(let c): try Limits.check(c.unitCost, field: "price")
        case .adjust(let c): try Limits.check(c.amount, field: "amount")
        case .setAccounts, .close, .recalculate, .reverseClose: break
        }
    }
}
