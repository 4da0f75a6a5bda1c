/// decide(state, command) -> events. Pure: no clock, no ids, no I/O. Checks run in a fixed precedence
/// (shape, period lock, references, duplicates, quantities) so that a command always gets the same code.
extension LedgerState {
    /// The events `command` produces against this state, with their business dates, or a rejection.
    /// Figures out of range (DR-17) are refused last, after every business check, in `checkFigures`.
    public func decide(_ command: LedgerCommand) throws(Rejection) -> [(event: LedgerEvent, date: LedgerDate)] {
        var events: [(event: LedgerEvent, date: LedgerDate)] = []
        try decide(command, into: &events)
        return events
    }

    /// `decide`, into `events`, emptied first: a caller deciding many commands (the import) reuses one
    /// buffer instead of an array per command, and moves the events out of it (DR-64).
    public func decide(
        _ command: LedgerCommand, into events: inout [(event: LedgerEvent, date: LedgerDate)]
    ) throws(Rejection) {
        var hint: FoldHint?
        try decide(command, into: &events, hint: &hint)
    }

    /// `decide(_:into:)`, and where the pool a receipt or issue changes was found, for `apply` of its
    /// event (`FoldHint`, DR-68); nil for any other command.
    public func decide(
        _ command: LedgerCommand, into events: inout [(event: LedgerEvent, date: LedgerDate)],
        hint: inout FoldHint?
    ) throws(Rejection) {
        events.removeAll(keepingCapacity: true)
        hint = nil
        try command.checkInputRanges()
        // The pool a receipt, issue or invoice read: the figure check reuses its figures instead of
        // building and hashing its key again (DR-62). The state does not change in between.
        var read: PoolRead?
        try decideEvents(command, read: &read, into: &events)
        try checkFigures(command, &events, read: read)
        if let index = read?.index { hint = FoldHint(after: lastSequence, pool: index) }
    }

    private func decideEvents(
        _ command: LedgerCommand, read: inout PoolRead?, into events: inout [(event: LedgerEvent, date: LedgerDate)]
    ) throws(Rejection) {
        if let date = command.date { try checkPeriodOpen(date) }
        switch command {
        case .defineItem(let setup):
            guard items[setup.id] == nil else {
                throw Rejection(.duplicateItem, field: "item", "item '\(setup.id)' is already defined")
            }
            events.append((.itemDefined(setup), EventCatalog.setupDate))
        case .setAccounts(let group, let accounts):
            events.append((.accountsSet(group: group, accounts: accounts), EventCatalog.setupDate))
        case .receive(let c): events.append((.receiptPosted(try decideReceive(c, read: &read)), c.date))
        case .issue(let c): events.append((.issuePosted(try decideIssue(c, read: &read)), c.date))
        case .invoice(let c): events.append((.invoicePosted(try decideInvoice(c, read: &read)), c.date))
        case .mark(let c): events.append((.markPosted(try decideMark(c)), c.date))
        case .transfer(let c): events.append((.transferPosted(try decideTransfer(c)), c.date))
        case .activateStandardCost(let c): events.append((.standardCostActivated(try decideStandardCost(c)), c.date))
        case .revalue(let c): events.append((.movingAverageRevalued(try decideRevaluation(c)), c.date))
        case .adjust(let c): events.append((.receiptAdjusted(try decideAdjustment(c)), c.date))
        case .close(let date):
            try checkCloseSums(through: date)
            events += try decideClose(through: date)
        case .recalculate(let date):
            try checkCloseSums(through: date)
            events += planClose(through: date, mode: .recalculation).map { ($0, date) }
        case .reverseClose(let date, let through): events += try decideReverseClose(date: date, through: through)
        }
    }

    /// A close through `date`: first cancels recalculations dated after it (D13, 4.1 step 1) by
    /// compensation, newest first, then settles and adjusts as if they had not run. The state is not
    /// copied: the close is planned on it with the few records the cancellations change (`reversedRecords`).
    func decideClose(through date: LedgerDate) throws(Rejection) -> [(event: LedgerEvent, date: LedgerDate)] {
        var reversal: [(event: LedgerEvent, date: LedgerDate)] = []
        for later in closes.reversed() where later.isInForce {
            guard later.mode == .recalculation, later.date > date else { break }
            // What a cancellation reads (items, accounts, physical open quantities) the ones before it
            // leave unchanged, so each is decided on this state.
            reversal += try reversalEvents(of: later)
        }
        let overlay = reversal.isEmpty ? [:] : reversedRecords(reversal)
        return reversal + planClose(through: date, mode: .close, overlay: overlay).map { ($0, date) }
    }

    /// The records `events` (a reversal) change, as they stand after it: folded by the projection's own
    /// `apply` on a small state that holds only those records, so decide and apply cannot disagree.
    func reversedRecords(_ events: [(event: LedgerEvent, date: LedgerDate)]) -> [String: TransactionRecord] {
        var overlay = LedgerState()
        overlay.items = items
        overlay.closes = closes
        overlay.lastSequence = lastSequence
        for case (.settlementPosted(let posted), _) in events {
            for entry in posted.entries {
                for id in [entry.transaction, entry.counterpart] where !id.isEmpty {
                    overlay.transactions[id] = transactions[id]
                }
            }
        }
        for (event, day) in events {
            // The reversal negates a close this very state folded: if it does not fold back, decide
            // and apply disagree, a defect in this build rather than damaged input.
            do throws(ProjectionError) {
                try overlay.apply(event, date: day, sequence: overlay.lastSequence + 1)
            } catch {
                preconditionFailure("decide produced a reversal the projection cannot fold: \(error)")
            }
        }
        return overlay.transactions.dictionary
    }

    /// D1: a close dated D locks every business date on or before D.
    func checkPeriodOpen(_ date: LedgerDate) throws(Rejection) {
        if let closed = closedThrough, date <= closed {
            throw Rejection(
                .periodClosed, field: "date",
                "the period through \(closed) is closed; post on a later date or reverse the close")
        }
    }

    func item(_ id: String) throws(Rejection) -> ItemSetup {
        guard let setup = items[id] else {
            throw Rejection(.unknownItem, field: "item", "item '\(id)' is not defined; define it first with `item`")
        }
        return setup
    }

    func transaction(_ id: String, field: String = "tx") throws(Rejection) -> TransactionRecord {
        guard let record = knownTransaction(id) else {
            throw Rejection(.unknownTransaction, field: field, "transaction '\(id)' does not exist")
        }
        return record
    }

    /// A later update of a transaction (invoice, mark, adjustment) may not be dated before it: the log's
    /// business dates must tell a story that an as-of replay can follow.
    func requireNotBefore(_ earliest: LedgerDate, _ date: LedgerDate, of id: String) throws(Rejection) {
        guard date >= earliest else {
            throw Rejection(
                .invalidDate, field: "date",
                "\(date) is before transaction '\(id)' (\(earliest)); date it on or after \(earliest)")
        }
    }

    func requireNewTransaction(_ id: String) throws(Rejection) {
        guard !hasTransaction(id) else {
            throw Rejection(.duplicateTransaction, field: "tx", "transaction '\(id)' already exists; ids are unique")
        }
    }

    func builder(_ setup: ItemSetup) -> VoucherBuilder {
        VoucherBuilder(profiles: profiles, group: setup.postingGroup)
    }
}

extension LedgerCommand.ReceiptKind {
    /// Account credited when the receipt is financially updated.
    var financialOffset: PostingType {
        switch self {
        case .purchase: return .payable
        case .journal: return .inventoryProfit
        case .return: return .cogs
        case .production: return .wip
        }
    }

    /// Account credited by a physically-only receipt (product receipt: purchase accrual).
    var physicalOffset: PostingType {
        switch self {
        case .purchase: return .purchaseAccrual
        case .journal: return .inventoryProfit
        case .return: return .cogsDelivered
        case .production: return .wip
        }
    }
}

extension LedgerCommand.IssueKind {
    /// Account debited when the issue is financially updated.
    var financialExpense: PostingType {
        switch self {
        case .sale: return .cogs
        case .journal: return .inventoryLoss
        case .production: return .wip
        }
    }

    /// Account debited by a physically-only issue (packing slip: deferred COGS).
    var physicalExpense: PostingType {
        switch self {
        case .sale: return .cogsDelivered
        case .journal: return .inventoryLoss
        case .production: return .wip
        }
    }
}
