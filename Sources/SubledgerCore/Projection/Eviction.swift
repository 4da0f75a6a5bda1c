// Eviction (DR-22): a close in force moves out of the open state every transaction that no later
// decision or close can need. What is left is what deciding and closing read: the transactions still
// open, dated after the close, physically open, or needed by one that is (a pending mark's receipt, a
// transfer's other leg). The evicted records go to the history table (the facade writes them).
//
// Rule R: a close that is reversed later in the log evicts nothing. The driver of a fold says which
// closes the log reverses (`reversedCloses`) before it folds, so the open state is a function of the log
// alone: a replay gives the same state as the live ledger that saw the close before its reversal
// (the facade rebuilds its state with the reversal known before it decides one).

extension LedgerState {
    /// Whether `record` is closed out by a close through `date`: dated on or before it (posting and every
    /// financial update), physically closed, and, for a periodic model, fully settled (each financial
    /// part too); standard cost and moving average are never settled (D6): financially updated is enough.
    /// `periodic` (item id -> whether its model is periodic) is looked up instead of copying the item's
    /// setup out of `items` for each of a million records, through `memo` first (the same answers for the
    /// small names it holds, without a keyed hash: DR-59); an unknown item is never closed out.
    private static func isClosedOut(
        _ record: borrowing TransactionRecord, through date: LedgerDate, periodic: [NameKey: Bool], memo: NameMemo
    ) -> Bool {
        guard record.date <= date, let financialDate = record.financialDate, financialDate <= date,
            record.physicalOpenQuantity.isZero,
            let isPeriodic = memo.value(record.item).map({ $0 != 0 }) ?? periodic[NameKey(record.item)]
        else { return false }
        guard isPeriodic else { return true }
        return record.openQuantity.isZero && record.parts.allSatisfy { $0.openQuantity.isZero }
    }

    /// What happens to each record at a close, by its place in the table.
    private enum Fate: UInt8 { case stays, closedOutKept, leaves }

    /// Removes every transaction closed out by the close through `date` that nothing left in memory refers
    /// to, with its marks and warnings. While `keepsEvicted`, the removed records are appended to
    /// `evicted` with `closedBy` (in no particular order: the history table is keyed by id); otherwise
    /// they are dropped (a replay has no use for them: no copy of a million records).
    /// Most of a table leaves at a close, so the records that stay are copied into a new table rather
    /// than the others removed one by one (a hash and a delete each). The records are read in place by
    /// their place (no copy of each out of the table), the closed-out ones noted by place (no copy of their
    /// ids), and the new table is made once at its final size (DR-54).
    mutating func evictClosed(through date: LedgerDate, closedBy: Int64) {
        var periodic: [NameKey: Bool] = [:]
        var memo = NameMemo()
        for (id, setup) in items {
            periodic[NameKey(id)] = setup.model.isPeriodic
            memo.remember(id, setup.model.isPeriodic ? 1 : 0)
        }
        let keys = transactions.keys, records = transactions.values
        var fates = [Fate](repeating: .stays, count: records.count)
        var closedOut: [Int] = [], transfers: [String] = []
        for place in records.indices
        where Self.isClosedOut(records[place], through: date, periodic: periodic, memo: memo) {
            fates[place] = .closedOutKept
            closedOut.append(place)
            if records[place].isTransferLeg { transfers.append(keys[place]) }
        }
        guard !closedOut.isEmpty else { return }
        // `kept`: the few closed-out ids that stay (a set of the exceptions, not of them all).
        var kept = Set<String>()
        func leaves(_ id: String) -> Bool {
            guard !kept.contains(id), let place = transactions.index(forKey: id) else { return false }
            return fates[place] != .stays
        }
        // A receipt marked by an issue that stays is read when that issue is invoiced or closed (D14).
        for (issue, list) in marks where !leaves(issue) {
            for mark in list { kept.insert(mark.receipt) }
        }
        // A transfer's legs leave together: closing the source pool adjusts the receipt leg (D15), and
        // ordering the pools reads the issue leg of an open receipt leg.
        for id in transfers {
            if let transfer = SyntheticID.transfer(ofReceipt: id) {
                if !leaves(transfer) { kept.insert(id) }
            } else if transactions[id]?.kind == .transferOut {
                let receiptLeg = SyntheticID.transferReceipt(id)
                if transactions[receiptLeg] != nil, !leaves(receiptLeg) { kept.insert(id) }
            }
        }
        if !warnings.isEmpty { warnings.removeAll { leaves($0.transaction) } }
        if keepsEvicted { evicted.reserveCapacity(evicted.count + closedOut.count) }
        var leaving = 0
        for place in closedOut where kept.isEmpty || !kept.contains(keys[place]) {
            fates[place] = .leaves
            leaving += 1
            if keepsEvicted { evicted.append((records[place], closedBy)) }
            if !marks.isEmpty { marks[keys[place]] = nil }
            if !markedSettled.isEmpty { markedSettled[keys[place]] = nil }
        }
        evictedCount += leaving
        // The same order as before: the records that were not closed out, then the closed-out ones kept.
        var open = TransactionTable()
        open.reserveCapacity(records.count - leaving)
        for place in records.indices where fates[place] == .stays { open[keys[place]] = records[place] }
        for place in closedOut where fates[place] == .closedOutKept { open[keys[place]] = records[place] }
        transactions = open
    }

    /// The closes, recalculations and reversals a reverse-close of `date`/`through` would reverse (the
    /// same choice as `decideReverseClose`; empty when it would be refused).
    public func reversalTargets(date: LedgerDate?, through: LedgerDate?) -> [CloseRecord] {
        let inForce = closes.filter(\.isInForce)
        guard let latest = inForce.last else { return [] }
        if let through { return inForce.filter { $0.date > through }.reversed() }
        if let date, date != latest.date { return [] }
        return [latest]
    }

    /// Puts a record from history back beside the open ones, for a report that reads the past (the
    /// facade's `stateWithHistory`); deciding on such a state is not meant.
    public mutating func restore(_ record: TransactionRecord) {
        transactions[record.id] = record
    }

    /// Whether `record` (read back from history) refers only to what this state holds: its item and its
    /// interned account sets. A record that does not fit is damaged; using it could trap.
    public func fits(_ record: TransactionRecord) -> Bool {
        let sets = Int32(accountSets.sets.count)
        return items[record.item] != nil && (-1..<sets).contains(record.postedAccounts)
            && (-1..<sets).contains(record.invoiceAccounts)
    }

    /// A transaction from the open state, else one the facade recalled from history for this decision.
    func knownTransaction(_ id: String) -> TransactionRecord? {
        transactions[id] ?? recalled.transactions[id]
    }

    /// Whether `knownTransaction(id)` is a record, without copying the ~250-byte record out and
    /// destroying it (a new id's check, once per receipt and issue, DR-65).
    func hasTransaction(_ id: String) -> Bool {
        transactions.index(forKey: id) != nil || (!recalled.transactions.isEmpty && recalled.transactions[id] != nil)
    }
}
