/// Receipts, issues and invoices: the physical and financial updates (valuation-rules.md 1, 5.5).
extension LedgerState {
    func decideReceive(_ c: LedgerCommand.Receive, read: inout PoolRead?) throws(Rejection) -> ReceiptPosted {
        let setup = try item(c.item)
        try requireTrackedDimensions(setup, c.dimensions)
        try requireNewTransaction(c.transaction)
        let found = poolRead(poolKey(item: setup, c.dimensions))
        read = found
        let pool = found.pool
        let entered = try Limits.amount(c.quantity, at: c.unitPrice, field: "cost")
        let inventory: PostingType = c.physicalOnly ? .inventoryReceived : .inventory
        let offset = c.physicalOnly ? c.kind.physicalOffset : c.kind.financialOffset
        var voucher = builder(setup)
        var value = entered
        var offsetValue = entered
        switch setup.model {
        case .standard:
            // 3.9: inventory at standard; the difference to the entered price is purchase price variance.
            // The decoder requires standard= on a standard item; a setup built in code without it costs zero.
            value = c.quantity.amount(at: setup.standardCost ?? .zero)
            voucher.post(value, debit: inventory, credit: offset)
            // A return priced at an older standard is a cost change variance, not a purchase variance (1.5).
            voucher.post(entered - value, debit: c.kind == .return ? .costChangeVariance : .ppv, credit: offset)
        case .movingAverage:
            value = movingAverageReceiptValue(setup, pool, c.quantity, entered: entered, date: c.date)
            voucher.post(value, debit: inventory, credit: offset)
            voucher.post(entered - value, debit: .maPriceDifference, credit: offset)
        case .nonValuated:
            value = .zero
            voucher.post(entered, debit: c.physicalOnly ? .cogsDelivered : .cogs, credit: offset)
        case .fifo, .lifo, .lifoDate, .weightedAverage, .weightedAverageDate:
            if setup.fixedReceiptPrice {
                // 3.8: inventory keeps the item's price; at invoice the difference goes to profit or loss.
                // The decoder requires price= with a fixed receipt price (as for standard= above).
                value = c.quantity.amount(at: setup.defaultPrice ?? .zero)
                if c.physicalOnly {
                    offsetValue = value
                    voucher.post(value, debit: inventory, credit: offset)
                } else {
                    voucher.post(entered, debit: inventory, credit: offset)
                    postFixedPriceDifference(&voucher, entered - value)
                }
            } else {
                voucher.post(value, debit: inventory, credit: offset)
            }
        }
        return ReceiptPosted(
            transaction: c.transaction, item: c.item, kind: c.kind, dimensions: c.dimensions, quantity: c.quantity,
            unitPrice: c.unitPrice, physicalOnly: c.physicalOnly, inventoryValue: value, offsetValue: offsetValue,
            lines: voucher.balancedLines)
    }

    /// D9: invoice above the fixed price is a loss, below a profit; offset on the fixed price offset
    /// account, which counts as inventory (it corrects the invoiced inventory line back to the fixed price).
    func postFixedPriceDifference(_ voucher: inout VoucherBuilder, _ difference: Money) {
        if difference.isPositive {
            voucher.post(difference, debit: .fixedPriceLoss, credit: .fixedPriceOffset)
        } else if difference.isNegative {
            voucher.post(-difference, debit: .fixedPriceOffset, credit: .fixedPriceProfit)
        }
    }

    func decideIssue(_ c: LedgerCommand.Issue, read: inout PoolRead?) throws(Rejection) -> IssuePosted {
        let setup = try item(c.item)
        try requireTrackedDimensions(setup, c.dimensions)
        try requireNewTransaction(c.transaction)
        let found = poolRead(poolKey(item: setup, c.dimensions))
        read = found
        let pool = found.pool
        try checkAvailable(setup, pool, c.quantity, physical: c.physicalOnly, field: "qty")
        let (cost, source) = issueCost(setup, pool, c.quantity)
        var voucher = builder(setup)
        if c.physicalOnly {
            voucher.post(cost, debit: c.kind.physicalExpense, credit: .inventoryShipped)
        } else {
            voucher.post(cost, debit: c.kind.financialExpense, credit: .inventory)
        }
        return IssuePosted(
            transaction: c.transaction, item: c.item, kind: c.kind, dimensions: c.dimensions, quantity: c.quantity,
            physicalOnly: c.physicalOnly, costAmount: cost, costSource: source, lines: voucher.balancedLines)
    }

    /// A posting names every dimension its item tracks: a missing one would open a cost pool with a blank
    /// value beside the pools of the values given elsewhere. The default setup (site only) is the one
    /// exception: a ledger of one site need not name it, and its pool is the blank site.
    func requireTrackedDimensions(
        _ setup: ItemSetup, _ values: DimensionValues,
        field: String? = nil
    ) throws(Rejection) {
        guard setup.dimensions != .siteOnly else { return }
        for dimension in setup.dimensions.dimensions where values[dimension].isEmpty {
            throw Rejection(
                .missingField, field: field ?? dimension.rawValue,
                "item '\(setup.id)' tracks \(dimension.rawValue): give its \(dimension.rawValue)")
        }
    }

    /// Items that forbid negative inventory: physical on-hand for physical updates and for items that
    /// value physical rows, financial on-hand otherwise (2.3).
    func checkAvailable(
        _ setup: ItemSetup, _ pool: CostPool, _ quantity: Quantity, physical: Bool,
        field: String
    ) throws(Rejection) {
        guard !setup.negativeInventoryAllowed else { return }
        // Financial negative inventory (include physical value off) counts financial on-hand, less what
        // packing slips have already shipped.
        let available =
            physical || setup.averagesPhysicalRows
            ? pool.quantity
            : min(pool.financialQuantity, pool.quantity)
        guard quantity <= available else {
            let counted = physical || setup.averagesPhysicalRows
            throw Rejection(
                .negativeInventory, field: field,
                "item '\(setup.id)' forbids negative inventory: \(quantity.formatted(minimumDecimals: 0)) requested, "
                    + Self.onHandChecked(pool, available, physical: counted))
        }
    }

    /// Which on-hand the check counted, so that a refusal with goods on the shelf explains itself.
    static func onHandChecked(_ pool: CostPool, _ available: Quantity, physical: Bool) -> String {
        let count = available.formatted(minimumDecimals: 0)
        if physical { return "\(count) physically on hand (received, invoiced or not)" }
        let physicalOnly = pool.physicalQuantity.formatted(minimumDecimals: 0)
        if pool.physicalQuantity.isPositive {
            return "\(count) financially on hand (invoiced); the \(physicalOnly) received but not invoiced do not count"
        }
        if pool.physicalQuantity.isNegative {
            return
                "\(count) financially on hand (invoiced, less "
                + "\(pool.physicalQuantity.magnitude.formatted(minimumDecimals: 0)) shipped on packing slips)"
        }
        return "\(count) financially on hand (invoiced)"
    }

    func decideInvoice(_ c: LedgerCommand.Invoice, read: inout PoolRead?) throws(Rejection) -> InvoicePosted {
        let record = try transaction(c.transaction)
        try requireNotBefore(record.date, c.date, of: record.id)
        guard !record.isTransferLeg else {
            throw Rejection(
                .overInvoiced, field: "tx", "transfer '\(record.id)' is posted physically and financially at once")
        }
        guard record.physicalOpenQuantity.isPositive else {
            throw Rejection(
                .overInvoiced, field: "tx", "transaction '\(record.id)' has no physically-only quantity left to invoice"
            )
        }
        let quantity = c.quantity ?? record.physicalOpenQuantity
        guard quantity <= record.physicalOpenQuantity else {
            throw Rejection(
                .overInvoiced, field: "qty",
                "only \(record.physicalOpenQuantity.formatted(minimumDecimals: 0)) of '\(record.id)' "
                    + "is not invoiced yet"
            )
        }
        let setup = try item(record.item)  // defined: the transaction was posted on it
        let key = poolKey(item: setup, record.dimensions)
        let pool = self.pool(key)
        let whole = quantity == record.physicalOpenQuantity
        let valueReversed =
            whole
            ? record.physicalOpenValue
            : quantity.share(of: record.physicalOpenValue, outOf: record.physicalOpenQuantity)
        let offsetReversed =
            whole
            ? record.physicalOpenOffset
            : quantity.share(of: record.physicalOpenOffset, outOf: record.physicalOpenQuantity)
        if record.direction == .receipt {
            guard let price = c.unitPrice else {
                throw Rejection(
                    .missingField, field: "cost", "invoicing receipt '\(record.id)' needs cost=<invoice unit price>")
            }
            read = PoolRead(pool: pool)
            return decideReceiptInvoice(record, setup, pool, quantity, price, valueReversed, offsetReversed)
        }
        guard c.unitPrice == nil else {
            throw Rejection(.invalidAmount, field: "cost", "an issue's invoice takes no cost: the ledger prices issues")
        }
        read = PoolRead(pool: pool)
        return decideIssueInvoice(record, setup, pool, quantity, valueReversed)
    }

    private func decideReceiptInvoice(
        _ record: TransactionRecord, _ setup: ItemSetup, _ pool: CostPool,
        _ quantity: Quantity, _ price: UnitPrice, _ valueReversed: Money,
        _ offsetReversed: Money
    ) -> InvoicePosted {
        // Transfer legs are refused above and closing receipts are never physically open: a purchase
        // fallback is never taken, it only keeps a broken record from trapping.
        let kind = record.kind.receiptKind ?? .purchase
        let stored = accounts(of: record)
        var voucher = builder(setup)
        // The product receipt voucher is reversed on the accounts it used (D16) ...
        voucher.post(valueReversed, debit: kind.physicalOffset, credit: .inventoryReceived, stored: stored)
        voucher.post(
            offsetReversed - valueReversed, debit: kind.physicalOffset, credit: physicalVariance(setup),
            stored: stored)
        // ... and the invoice posts the financial update.
        let entered = quantity.amount(at: price)
        var value = entered
        switch setup.model {
        case .standard:
            value = quantity.amount(at: setup.standardCost ?? .zero)  // see decideReceive
            voucher.post(value, debit: .inventory, credit: kind.financialOffset)
            voucher.post(
                entered - value, debit: kind == .return ? .costChangeVariance : .ppv,
                credit: kind.financialOffset)
        case .movingAverage:
            // D8: the price difference is capitalized for the share of the received quantity still on hand.
            let difference = entered - valueReversed
            let onHand = min(max(pool.quantity, .zero), quantity)
            let capitalized = onHand.share(of: difference, outOf: quantity)
            value = valueReversed + capitalized
            voucher.post(value, debit: .inventory, credit: kind.financialOffset)
            voucher.post(difference - capitalized, debit: .maPriceDifference, credit: kind.financialOffset)
        case .nonValuated:
            value = .zero
            voucher.post(entered, debit: .cogs, credit: kind.financialOffset)
        case .fifo, .lifo, .lifoDate, .weightedAverage, .weightedAverageDate:
            if setup.fixedReceiptPrice {
                value = valueReversed
                voucher.post(entered, debit: .inventory, credit: kind.financialOffset)
                postFixedPriceDifference(&voucher, entered - value)
            } else {
                voucher.post(value, debit: .inventory, credit: kind.financialOffset)
            }
        }
        return InvoicePosted(
            transaction: record.id, quantity: quantity, unitPrice: price, physicalValueReversed: valueReversed,
            physicalOffsetReversed: offsetReversed, financialValue: value, costSource: .receiptPrice,
            lines: voucher.balancedLines)
    }

    /// Where a product receipt posted the difference between its entered amount and inventory value.
    private func physicalVariance(_ setup: ItemSetup) -> PostingType {
        switch setup.model {
        case .movingAverage: return .maPriceDifference
        case .nonValuated: return .cogsDelivered
        default: return .ppv
        }
    }

    private func decideIssueInvoice(
        _ record: TransactionRecord, _ setup: ItemSetup, _ pool: CostPool,
        _ quantity: Quantity, _ valueReversed: Money
    ) -> InvoicePosted {
        let kind = record.kind.issueKind ?? .sale  // transfer legs are refused above, as receipts' are
        // The packing slip is reversed first, so the average is taken as if it had not been posted.
        var restored = pool
        restored.physicalQuantity += quantity
        restored.physicalValue += valueReversed
        let (cost, source) = markedCost(record, quantity, setup, restored) ?? issueCost(setup, restored, quantity)
        var voucher = builder(setup)
        voucher.post(
            valueReversed, debit: .inventoryShipped, credit: kind.physicalExpense, stored: accounts(of: record))
        voucher.post(cost, debit: kind.financialExpense, credit: .inventory)
        return InvoicePosted(
            transaction: record.id, quantity: quantity, unitPrice: .zero, physicalValueReversed: valueReversed,
            physicalOffsetReversed: .zero, financialValue: cost, costSource: source, lines: voucher.balancedLines)
    }

    /// D14 / 2.5: an issue marked to receipts before its financial posting posts the marked quantities at
    /// their receipts' costs (the open value of the receipt's open quantity, as the close will settle
    /// them), and any unmarked rest at the model's cost. Marks already used by earlier
    /// partial invoices of the issue are skipped.
    func markedCost(
        _ record: TransactionRecord, _ quantity: Quantity, _ setup: ItemSetup, _ pool: CostPool
    )
        -> (Money, CostSource)?
    {
        guard let issueMarks = marks[record.id], !issueMarks.isEmpty else { return nil }
        var used = record.financialQuantity
        var remaining = quantity
        var total = Total<Money>()  // any number of marks: Int128, clamped at the end (DR-17)
        for mark in issueMarks where remaining.isPositive {
            let available = mark.quantity - min(used, mark.quantity)
            used -= min(used, mark.quantity)
            guard available.isPositive, let receipt = knownTransaction(mark.receipt) else { continue }
            let receiptQuantity = receipt.financialQuantity + receipt.physicalOpenQuantity
            guard receiptQuantity.isPositive else { continue }
            let take = min(remaining, available)
            if take <= receipt.openQuantity {
                // The cost the close will settle the pair at: the receipt's open value per open unit (after
                // the rounding of earlier settlements against it), so the marked issue needs no adjustment.
                total += take.share(of: receipt.openValue, outOf: receipt.openQuantity)
            } else {
                // Not invoiced yet (a product receipt), or settled by an earlier close: its cost per unit.
                total += take.share(of: receipt.currentAmount, outOf: receiptQuantity)
            }
            remaining -= take
        }
        guard remaining < quantity else { return nil }
        if remaining.isPositive { total += issueCost(setup, pool, remaining).0 }
        return (Money(units: narrowClamped(total.units)), .marking)
    }
}
