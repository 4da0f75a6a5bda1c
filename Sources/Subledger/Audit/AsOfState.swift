import SubledgerCore
import SubledgerStore

/// The projection as of a business date: the fold of every event dated on or before it, in log order
/// (D11), for reports that must reconcile to the GL "as of" a date (valuation-rules.md section 6: the
/// range is the posting date).
public struct AsOfState: Sendable {
    /// How the state was obtained.
    public enum Origin: Sendable, Equatable {
        /// The ledger's live projection: nothing in the log is dated after `date`.
        case live
        /// The log replayed from the store, skipping events dated after `date`.
        case replayed
    }

    /// An event dated on or before the date that could not be applied without the events dated after it:
    /// it refers to a transaction created later in business time (a standard cost activation revalues
    /// every physically-only row, including rows dated after the activation). Its GL lines are in the GL as of the date; its value is
    /// not in the subledger as of the date, so reconciliation lists it as the cause of that difference.
    public struct SkippedEvent: Sendable, Equatable {
        public var sequence: Int64
        public var date: LedgerDate
        public var type: String
        public var reference: String
        /// The transaction it needs that is dated after the as-of date.
        public var missing: String
    }

    public var date: LedgerDate
    public var origin: Origin
    public var state: LedgerState
    /// Events applied (replayed origin) or in the live state.
    public var eventCount: Int
    public var skipped: [SkippedEvent]
}

extension Ledger {
    /// The state as of `date` (inclusive). The live state when nothing is dated after `date`, else a replay
    /// of the log that skips the events dated after it.
    public func state(asOf date: LedgerDate) throws -> AsOfState {
        try catchUp()
        if AsOfState.liveStateCovers(state, through: date) {
            return AsOfState(date: date, origin: .live, state: state, eventCount: state.eventCount, skipped: [])
        }
        var folded = LedgerState()
        var skipped: [AsOfState.SkippedEvent] = []
        try store.scan(after: 0) { view in
            guard view.date <= date else { return }
            guard let kind = EventCatalog.kind(typeBytes: view.type) else {
                throw LedgerError.corruptEvent(sequence: view.sequence, message: "unknown type '\(view.typeName)'")
            }
            let event: LedgerEvent
            do throws(PayloadDecodingError) {
                event = try EventCatalog.decode(kind, version: view.version, payload: view.payload)
            } catch {
                throw LedgerError.corruptEvent(sequence: view.sequence, message: error.description)
            }
            if let missing = AsOfState.missingReference(event, in: folded) {
                skipped.append(AsOfState.SkippedEvent(sequence: view.sequence, date: view.date, type: kind.rawValue,
                                                      reference: EventRendering.reference(event), missing: missing))
                return
            }
            folded.apply(event, date: view.date, sequence: view.sequence)
        }
        return AsOfState(date: date, origin: .replayed, state: folded, eventCount: folded.eventCount, skipped: skipped)
    }
}

extension AsOfState {
    /// True when the live state can stand for the state as of `date`: nothing in it is dated later.
    static func liveStateCovers(_ state: LedgerState, through date: LedgerDate) -> Bool {
        date >= state.latestBusinessDate
    }

    /// The transaction (or close) an event needs that the partial state does not have; nil when it can be
    /// applied. Mirrors what `LedgerState.apply` looks up.
    static func missingReference(_ event: LedgerEvent, in state: LedgerState) -> String? {
        switch event {
        case .invoicePosted(let e):
            return state.transactions[e.transaction] == nil ? e.transaction : nil
        case .receiptAdjusted(let e):
            return state.transactions[e.transaction] == nil ? e.transaction : nil
        case .standardCostActivated(let e):
            if state.items[e.item] == nil { return e.item }
            return e.transactions.first { state.transactions[$0.transaction] == nil }?.transaction
        case .settlementPosted(let e):
            if state.items[e.item] == nil { return e.item }
            let created = e.mode == .reversal ? [] : Set(e.closingReceipts.map(\.id))
            for entry in e.entries {
                if state.transactions[entry.transaction] == nil && !created.contains(entry.transaction) {
                    return entry.transaction
                }
                if entry.kind == .settlement, state.transactions[entry.counterpart] == nil,
                   !created.contains(entry.counterpart) {
                    return entry.counterpart
                }
            }
            return nil
        case .closeReversed(let e):
            return state.closes.contains { $0.sequence == e.closeSequence } ? nil : "close #\(e.closeSequence)"
        case .receiptPosted(let e):
            return state.items[e.item] == nil ? e.item : nil
        case .issuePosted(let e):
            return state.items[e.item] == nil ? e.item : nil
        case .transferPosted(let e):
            return state.items[e.item] == nil ? e.item : nil
        case .itemDefined, .accountsSet, .markPosted, .movingAverageRevalued, .closePosted:
            return nil
        }
    }
}
