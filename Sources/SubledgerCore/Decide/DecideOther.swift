/// Marking, transfers, standard cost activation, moving-average revaluation and transaction adjustment.
extension LedgerState {
    func decideMark(_ c: LedgerCommand.Mark) throws(Rejection) -> MarkPosted {
        let issue = try transaction(c.issue, field: "issue")
        let receipt = try transaction(c.receipt, field: "receipt")
        try requireNotBefore(issue.date, c.date, of: issue.id)
        try requireNotBefore(receipt.date, c.date, of: receipt.id)
        guard issue.direction == .issue else {
            throw Rejection(
                .invalidMarking, field: "issue", "'\(issue.id)' is a \(issue.direction.rawValue), not an issue")
        }
        guard receipt.direction == .receipt else {
            throw Rejection(
                .invalidMarking, field: "receipt", "'\(receipt.id)' is a \(receipt.direction.rawValue), not a receipt")
        }
        let setup = try item(issue.item)  // defined: the transaction was posted on it
        guard setup.model.allowsMarking else {
            throw Rejection(
                .markingNotAllowed, field: "issue",
                "item '\(setup.id)' uses \(setup.model.rawValue): marking is not allowed (D6)")
        }
        guard receipt.item == issue.item,
            poolKey(item: setup, receipt.dimensions) == poolKey(item: setup, issue.dimensions)
        else {
            throw Rejection(
                .invalidMarking, field: "receipt",
                "'\(receipt.id)' is not in the cost pool of '\(issue.id)' (same item and financial dimensions)")
        }
        let quantity = c.quantity ?? issue.quantity
        let issueMarked = (marks[issue.id] ?? []).reduce(Quantity.zero) { $0 + $1.quantity }
        let receiptMarked = marks.values.joined().filter { $0.receipt == receipt.id }
            .reduce(Quantity.zero) { $0 + $1.quantity }
        guard quantity <= issue.quantity - issueMarked, quantity <= receipt.quantity - receiptMarked else {
            throw Rejection(
                .invalidMarking, field: "qty",
                "unmarked quantity: issue \((issue.quantity - issueMarked).formatted(minimumDecimals: 0)), receipt "
                    + "\((receipt.quantity - receiptMarked).formatted(minimumDecimals: 0))"
            )
        }
        for (record, field) in [(issue, "issue"), (receipt, "receipt")] where transactions[record.id] == nil {
            throw Rejection(
                .invalidMarking, field: field,
                "'\(record.id)' is settled and closed by a close in force (DR-22): only open transactions are marked")
        }
        return MarkPosted(issue: issue.id, receipt: receipt.id, quantity: quantity)
    }

    func decideTransfer(_ c: LedgerCommand.Transfer) throws(Rejection) -> TransferPosted {
        let setup = try item(c.item)
        try requireTrackedDimensions(setup, c.from, field: "from")
        try requireTrackedDimensions(setup, c.to, field: "to")
        try requireNewTransaction(c.transaction)
        let from = poolKey(item: setup, c.from), to = poolKey(item: setup, c.to)
        // D15: a transfer inside one financial dimension value posts nothing and is ignored by the close.
        guard from != to else {
            return TransferPosted(
                transaction: c.transaction, item: c.item, quantity: c.quantity, from: c.from,
                to: c.to, amount: .zero, costSource: .receiptPrice, lines: [])
        }
        let source = pool(from)
        try checkAvailable(setup, source, c.quantity, physical: false, field: "qty")
        let (cost, costSource) = issueCost(setup, source, c.quantity)
        var voucher = builder(setup)
        voucher.post(cost, debit: .inventory, credit: .inventory)
        return TransferPosted(
            transaction: c.transaction, item: c.item, quantity: c.quantity, from: c.from, to: c.to,
            amount: cost, costSource: costSource, lines: voucher.balancedLines)
    }

    func decideStandardCost(_ c: LedgerCommand.StandardCostChange) throws(Rejection) -> StandardCostActivated {
        let setup = try item(c.item)
        guard setup.model == .standard else {
            throw Rejection(
                .modelMismatch, field: "item", "item '\(setup.id)' uses \(setup.model.rawValue), not standard")
        }
        var voucher = builder(setup)
        // Physically-only rows are revalued one by one, on their own packing-slip accounts, so that their
        // invoice later reverses exactly what they carry: receipts against inventory cost revaluation,
        // shipped issues into deferred COGS (the goods have left; the invoice posts COGS at the new standard).
        // Summed in Int128: any number of open rows, each clamped when out of range (DR-17).
        var physicalDeltas: [DimensionValues: Total<Money>] = [:]
        var revaluedTransactions: [TransactionRevaluation] = []
        for record in transactions.values.sorted(by: { $0.sequence < $1.sequence })
        where record.item == setup.id && record.physicalOpenQuantity.isPositive {
            let delta = record.physicalOpenQuantity.amount(at: c.unitCost) - record.physicalOpenValue
            guard !delta.isZero else { continue }
            revaluedTransactions.append(TransactionRevaluation(transaction: record.id, delta: delta))
            let pool = poolKey(item: setup, record.dimensions).dimensions
            let stored = accounts(of: record)
            if record.direction == .receipt {
                physicalDeltas[pool, default: .zero] += delta
                voucher.post(delta, debit: .inventoryReceived, credit: .revaluation, stored: stored)
            } else {
                physicalDeltas[pool, default: .zero] -= delta
                // A physically open issue is a posted issue (transfer legs are never physically open).
                let kind = record.kind.issueKind ?? .sale
                voucher.post(delta, debit: kind.physicalExpense, credit: .inventoryShipped, stored: stored)
            }
        }
        var revaluations: [PoolRevaluation] = []
        for (key, pool) in pools.sorted(by: { $0.key < $1.key }) where key.item == setup.id {
            let financialDelta = pool.financialQuantity.amount(at: c.unitCost) - pool.financialValue
            let physicalDelta = Money(units: narrowClamped((physicalDeltas[key.dimensions] ?? .zero).units))
            guard !physicalDelta.isZero || !financialDelta.isZero else { continue }
            revaluations.append(
                PoolRevaluation(
                    dimensions: key.dimensions, physicalDelta: physicalDelta,
                    financialDelta: financialDelta))
            voucher.post(financialDelta, debit: .inventory, credit: .revaluation)
        }
        return StandardCostActivated(
            item: setup.id, unitCost: c.unitCost, revaluations: revaluations,
            transactions: revaluedTransactions, lines: voucher.balancedLines)
    }

    func decideRevaluation(_ c: LedgerCommand.Revaluation) throws(Rejection) -> MovingAverageRevalued {
        let setup = try item(c.item)
        guard setup.model == .movingAverage else {
            throw Rejection(
                .modelMismatch, field: "item",
                "item '\(setup.id)' uses \(setup.model.rawValue); revaluation is for moving-average items")
        }
        let key = poolKey(item: setup, c.dimensions)
        let pool = self.pool(key)
        guard pool.quantity.isPositive else {
            throw Rejection(.nothingOnHand, field: "item", "item '\(setup.id)' has no stock on hand to revalue")
        }
        let delta = pool.quantity.amount(at: c.unitCost) - pool.value
        var voucher = builder(setup)
        voucher.post(delta, debit: .inventory, credit: .maRevaluation)
        return MovingAverageRevalued(
            item: setup.id, dimensions: key.dimensions, unitCost: c.unitCost, amount: delta,
            lines: voucher.balancedLines)
    }

    func decideAdjustment(_ c: LedgerCommand.Adjustment) throws(Rejection) -> ReceiptAdjusted {
        let record = try transaction(c.transaction)
        let setup = try item(record.item)  // defined: the transaction was posted on it
        try requireNotBefore(record.financialDate ?? record.date, c.date, of: record.id)
        guard record.direction == .receipt else {
            throw Rejection(
                .notAdjustable, field: "tx",
                "'\(record.id)' is a \(record.direction.rawValue); only receipts are adjusted")
        }
        guard setup.model.isPeriodic else {
            throw Rejection(
                .modelMismatch, field: "tx",
                "item '\(setup.id)' uses \(setup.model.rawValue); transaction adjustment is for periodic models")
        }
        guard record.financialQuantity.isPositive else {
            throw Rejection(.notAdjustable, field: "tx", "receipt '\(record.id)' is not financially updated yet")
        }
        guard !(record.financialValue + record.adjustment + c.amount).isNegative else {
            throw Rejection(
                .invalidAmount, field: "amount", "the adjustment would make '\(record.id)' worth less than zero")
        }
        guard transactions[record.id] != nil else {
            throw Rejection(
                .notAdjustable, field: "tx",
                "receipt '\(record.id)' is settled and closed by a close in force (DR-22); adjust an open receipt")
        }
        var voucher = builder(setup)
        voucher.post(c.amount, debit: .inventory, credit: .costAdjustment, stored: accounts(of: record))
        return ReceiptAdjusted(transaction: record.id, amount: c.amount, lines: voucher.balancedLines)
    }
}
