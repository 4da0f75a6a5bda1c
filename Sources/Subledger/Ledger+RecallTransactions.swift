// What a decision needs of the transactions a close moved out of the open state (DR-22): the ones the
// command names, read from the history table into `state.recalled` before `decide`, so that every check
// answers as it did when they were in memory (a reused id is still `duplicate-transaction`, an invoice of
// a closed receipt still `over-invoiced`). A reversal of a close that evicted needs more than a few
// records: the open state is rebuilt as if that close had never evicted (rule R).

import SubledgerCore
internal import SubledgerStore

extension Ledger {
    /// Transactions named by `command` that are not in the open state, from the history table; for a
    /// reversal of closes that evicted, the open state rebuilt with those closes known to be reversed.
    func recallTransactions(for command: LedgerCommand, into state: inout LedgerState) throws {
        if case .reverseClose(let date, let through) = command {
            guard state.evicts else { return }  // every transaction is still in memory
            let targets = state.reversalTargets(date: date, through: through)
            let evicting = targets.filter { $0.mode == .close && !state.reversedCloses.contains($0.sequence) }
            guard !evicting.isEmpty else { return }
            state = try openState(alsoReversed: Set(targets.map(\.sequence)), through: state.lastSequence)
            needsRebuildUnlessCommitted = true
            return
        }
        // Nothing has left memory unless a close is in force.
        guard state.closedThrough != nil else { return }
        for id in Self.transactionIDs(command) where state.transactions[id] == nil {
            guard state.recalled.transactions[id] == nil, try historyMayHold(id),
                let record = try historyRecord(id, against: state)
            else { continue }
            state.recalled.transactions[id] = record
        }
    }

    /// The stored history record of `id`, nil when the history holds none; checked against `state` (the
    /// ledger's, or the one a command is being decided on).
    func historyRecord(_ id: String, against state: LedgerState? = nil) throws -> TransactionRecord? {
        try quiesceAppends()
        guard let historyLookup,
            let bytes = try storeCall({ () throws(StoreError) in try historyLookup.record(id) })
        else { return nil }
        return try decodedHistory(bytes, against: state ?? self.state)
    }

    /// A history record decoded and checked against `state` (its item, its account sets).
    func decodedHistory(_ bytes: [UInt8], against state: LedgerState) throws -> TransactionRecord {
        let record: TransactionRecord
        do throws(PayloadDecodingError) { record = try TransactionRecord(historyDecoding: bytes) } catch {
            throw LedgerError.storage("a history record cannot be read: \(error)")
        }
        guard state.fits(record) else {
            throw LedgerError.storage(
                "the history record of transaction '\(Echo.cut(record.id))' names an item or accounts the ledger "
                    + "does not hold: the file is damaged")
        }
        return record
    }

    /// The transaction ids `command` names (new ones included: an id is unique across the whole history).
    static func transactionIDs(_ command: LedgerCommand) -> [String] {
        switch command {
        case .receive(let c): return [c.transaction]
        case .issue(let c): return [c.transaction]
        case .invoice(let c): return [c.transaction]
        case .mark(let c): return [c.issue, c.receipt]
        case .transfer(let c): return [c.transaction]
        case .adjust(let c): return [c.transaction]
        case .defineItem, .setAccounts, .activateStandardCost, .revalue, .close, .recalculate, .reverseClose:
            return []
        }
    }
}

extension Ledger {
    /// Inside an append body, after `event` was applied to `state`: stores what its close evicted (in the
    /// command's SQLite transaction), and forgets the history of the closes a reversal brings back.
    func recordHistory(of event: LedgerEvent, _ state: inout LedgerState, sequence: Int64) throws {
        let evicted = state.evicted
        if !state.evicted.isEmpty {
            state.evicted = []
            try saveHistory(evicted)
        }
        try recordEvictedSums(of: event, evicted: evicted, state: state, sequence: sequence)
        if case .closeReversed(let e) = event, let history, history.hasTransactionHistory {
            try storeCall { () throws(StoreError) in try history.deleteHistoryTransactions(closedBy: e.closeSequence) }
        }
    }
}

extension Ledger {
    /// Writes evicted records to the history table in its key order, sequence then id (each row next to
    /// the previous one, at the table's end for all but the few left open by earlier closes), a slice at a
    /// time: the rows of a close that evicts 890,000 transactions would
    /// otherwise sit in memory beside the records (about 180 MB more at the close's peak).
    func saveHistory(_ evicted: [(record: TransactionRecord, closedBy: Int64)]) throws {
        // Read through a buffer pointer: an array subscript copies the whole record (retaining each of its
        // strings and arrays) for every comparison and row, a fifth of this write's cost at 890,000 rows.
        try evicted.withUnsafeBufferPointer { evicted in
            // Ids are ASCII (names and the ledger's own ids), where String order is SQLite's byte order.
            let order = evicted.indices.sorted {
                let left = evicted[$0].record.sequence, right = evicted[$1].record.sequence
                return left != right ? left < right : evicted[$0].record.id < evicted[$1].record.id
            }
            var start = 0
            let store = try self.historyStore
            try storeCall { () throws(StoreError) in
                try store.saveHistoryTransactions(batches: {
                    guard start < order.count else { return nil }
                    defer { start = min(start + Self.historySlice, order.count) }
                    return order[start..<min(start + Self.historySlice, order.count)].map {
                        HistoryTransactionRow(evicted[$0].record, closedBy: evicted[$0].closedBy)
                    }
                })
            }
        }
        closedIDs = .notLoaded(lookups: 0)  // the stored filter now holds these ids too
    }

    static let historySlice = 16_384
}

extension HistoryTransactionRow {
    init(_ record: TransactionRecord, closedBy: Int64) {
        self.init(
            transaction: record.id, item: record.item, sequence: record.sequence, closedBy: closedBy,
            date: Int64(record.date.yyyymmdd), kind: record.kindName, quantity: record.quantity.units,
            postedAmount: (record.currentAmount - record.adjustment).units, adjustment: record.adjustment.units,
            currentAmount: record.currentAmount.units, record: record.historyEncoded())
    }
}

extension Ledger {
    /// A ledger whose history table is empty although its closes evicted (written by a build before the
    /// table, or its log copied without it) gets the table filled from the replay that opened it; one
    /// that cannot be written keeps every transaction in memory instead.
    func prepareHistoryBackfill() throws {
        guard let store = history, try !storeCall({ () throws(StoreError) in try store.hasHistoryTransactions() })
        else { return }
        if store.historyIsWritable { state.keepsEvicted = true } else { state.evicts = false }
    }

    /// Writes the records the opening replay evicted (see `prepareHistoryBackfill`) in one transaction.
    func finishHistoryBackfill() throws {
        defer {
            state.keepsEvicted = false
            state.evicted = []
        }
        guard !state.evicted.isEmpty else { return }
        let rows = state.evicted.map { HistoryTransactionRow($0.record, closedBy: $0.closedBy) }
        let store = try historyStore
        try storeCall { () throws(StoreError) in try store.saveHistoryTransactionsAtomically(rows) }
        closedIDs = .notLoaded(lookups: 0)
        // The file fills the sums per close from its rows at the next projection (`fillEvictedSums`); another
        // store gets them here, from the same records, cumulative per close in force as each close writes them.
        guard sqlite == nil, let sums = store.evictedSumsStore else { return }
        let closes = state.closes.filter { $0.mode == .close && $0.isInForce }.map(\.sequence)
        try storeCall { () throws(StoreError) in
            var cumulative: [EvictedSumKey: EvictedSums] = [:]
            for close in closes {
                for record in state.evicted where record.closedBy == close {
                    EvictedGroups.add(record.record, to: &cumulative)
                }
                try sums.save(close: close, cumulative)
            }
        }
    }

    /// The history's store; for a log that keeps none (so never evicts) a `not-on-postgresql` refusal.
    var historyStore: any TransactionHistory {
        get throws(LedgerError) {
            guard let history else { throw LedgerError.notOnPostgreSQL(LedgerError.sqliteOnlyMessage) }
            return history
        }
    }
}
