// The subledger sums of what each close moved out of the open state (DR-31, History/EvictedSums.swift in
// the store): grouped from the evicted records when a close evicts (in the close's SQLite transaction, with
// its history rows), from the replay of `subledger rebuild` and `replay --verify`, and, for a file whose
// rows are missing (written before migration 14, or by an older build), from `history_transactions` once,
// by the first reconciliation that needs them.

import SubledgerCore
internal import SubledgerStore

enum EvictedGroups {
    /// The record's group and its figures; nil for a weighted average closing receipt (D3: it carries no
    /// value of its own, `SubledgerValuation.shares` skips it).
    static func group(of record: TransactionRecord) -> (EvictedSumKey, EvictedSums)? {
        guard record.kind != .closingReceipt else { return nil }
        let receipt = record.direction == .receipt
        let eligible = receipt && !record.isTransferLeg && record.financialQuantity.isPositive
        var sums = EvictedSums()
        sums.financial = Total(record.financialValue + record.adjustment - record.physicalAdjustment)
        if eligible {
            sums.offset = Total(record.financialValue - record.financialQuantity.amount(at: record.unitPrice))
        }
        sums.physicalOpen = Total(record.physicalOpenValue)
        sums.transactions = 1
        let key = EvictedSumKey(
            item: record.item, postedAccounts: record.postedAccounts, invoiceAccounts: record.invoiceAccounts,
            receipt: receipt, offsetEligible: eligible)
        return (key, sums)
    }

    static func add(_ record: TransactionRecord, to groups: inout [EvictedSumKey: EvictedSums]) {
        guard let (key, sums) = group(of: record) else { return }
        groups[key, default: EvictedSums()] += sums
    }

    /// Stores the close at `close`: the stored rows of the latest close before it plus `evicted` (what this
    /// close moved out). Every writer calls this in log order, so the rows before it are complete.
    static func save(
        close: Int64, evicted: some Sequence<TransactionRecord>, into table: some EvictedSumsStore
    ) throws(StoreError) {
        var groups =
            try table.previousClose(before: close).flatMap { close throws(StoreError) in
                try table.sums(close: close)
            } ?? [:]
        for record in evicted { add(record, to: &groups) }
        try table.save(close: close, groups)
    }

    /// One event of a replay into `table` (a rebuild or verification): after a close in force, its rows
    /// from the records it evicted (`state.evicted` past `seen`); after a reversal, the reversed close's
    /// rows go (as the reversal deletes them from the live file).
    static func project(
        _ event: LedgerEvent, sequence: Int64, state: LedgerState, seen: inout Int,
        into table: some EvictedSumsStore
    ) throws(StoreError) {
        switch event {
        case .closePosted(let posted) where posted.mode == .close:
            let records = state.evicted[seen...].lazy.filter { $0.closedBy == sequence }.map(\.record)
            try save(close: sequence, evicted: records, into: table)
            seen = state.evicted.count
        case .closeReversed(let reversed):
            try table.delete(close: reversed.closeSequence)
        default:
            break
        }
    }
}

extension Ledger {
    /// Inside a command's append, after `event` was applied: a close in force stores its rows from what it
    /// evicted, a reversal deletes the reversed close's. A close whose previous close in force has no rows
    /// (a file from before migration 14 not filled yet) stores none: the fill writes them all.
    func recordEvictedSums(
        of event: LedgerEvent, evicted: [(record: TransactionRecord, closedBy: Int64)], state: LedgerState,
        sequence: Int64
    ) throws {
        // Only a close and a reversal touch the sums: every other event returns before the table lookup,
        // which asks `sqlite_master` (a statement prepared and run per appended event otherwise).
        switch event {
        case .closePosted(let posted) where posted.mode == .close && state.evicts: break
        case .closeReversed: break
        default: return
        }
        guard let table = history?.evictedSumsStore else { return }
        try storeCall { () throws(StoreError) in
            switch event {
            case .closePosted(let posted) where posted.mode == .close && state.evicts:
                let earlier = state.closes.last { $0.mode == .close && $0.isInForce && $0.sequence < sequence }
                if let earlier, try table.sums(close: earlier.sequence) == nil { return }
                try EvictedGroups.save(close: sequence, evicted: evicted.lazy.map(\.record), into: table)
            case .closeReversed(let reversed):
                try table.delete(close: reversed.closeSequence)
            default:
                break
            }
        }
    }

    /// The stored sums of everything that has left the open state (through the latest close in force);
    /// nil when they cannot be had (the caller sums the history rows instead). Missing rows (a file from
    /// before migration 14, or closed by an older build) are filled by the history projection, which
    /// `historyIsCurrent` runs when the file can be written.
    func evictedSumsThroughLatestClose() throws -> [EvictedSumKey: EvictedSums]? {
        guard state.evicts, !state.keepsEvicted, let table = history?.evictedSumsStore else { return nil }
        guard let latest = state.closes.last(where: { $0.mode == .close && $0.isInForce })?.sequence else {
            return [:]
        }
        let read = { () throws in try self.storeCall { () throws(StoreError) in try table.sums(close: latest) } }
        if let stored = try read() { return stored }
        guard try historyIsCurrent() else { return nil }
        return try read()
    }
}

extension HistoryTables {
    /// When the latest close in force (as the history tables have it) has no evicted sums, every close in
    /// force gets its rows from `history_transactions`, in one transaction (one pass over the records:
    /// about a second on the 1M-posting ledger, once). Returns whether it filled.
    @discardableResult
    static func fillEvictedSums(_ store: EventStore) throws -> Bool {
        guard !store.isReadOnly, let table = store.evictedSums else { return false }
        let closes = try call { () throws(StoreError) in try store.historyCloses() }
            .filter { $0.mode == CloseMode.close.name && $0.reversedBy == nil }.map(\.sequence)
        guard let latest = closes.last, try !call({ () throws(StoreError) in try table.has(close: latest) })
        else { return false }
        var byClose: [Int64: [EvictedSumKey: EvictedSums]] = [:]
        try store.inWriteTransaction {
            try store.forEachHistoryRecordWithClose { closedBy, bytes in
                let record: TransactionRecord
                do throws(PayloadDecodingError) { record = try TransactionRecord(historyDecoding: bytes) } catch {
                    throw LedgerError.storage("a history record cannot be read: \(error)")
                }
                // A row of a close not in force (none, in a consistent file) counts with the next one.
                let close = closes.first { $0 >= closedBy } ?? latest
                EvictedGroups.add(record, to: &byClose[close, default: [:]])
            }
            try call { () throws(StoreError) in
                try table.deleteAll()
                var cumulative: [EvictedSumKey: EvictedSums] = [:]
                for close in closes {
                    for (key, sums) in byClose[close] ?? [:] { cumulative[key, default: EvictedSums()] += sums }
                    try table.save(close: close, cumulative)
                }
            }
        }
        return true
    }
}
