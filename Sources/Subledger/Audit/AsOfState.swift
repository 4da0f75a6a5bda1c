import SubledgerCore
internal import SubledgerStore

/// The projection as of a business date: the fold of every event dated on or before it, in log order
/// (D11), for reports that must reconcile to the GL "as of" a date (valuation-rules.md section 6: the
/// range is the posting date).
public struct AsOfState: Sendable {
    /// How the state was obtained.
    public enum Origin: Sendable, Equatable {
        /// The ledger's live projection: nothing in the log is dated after `date`.
        case live
        /// The log replayed from the store, skipping events dated after `date` (from the period snapshot of
        /// the latest close that stands for the date, when there is one).
        case replayed
    }

    /// An event dated on or before the date that could not be applied without the events dated after it
    /// (a standard cost activation revalues every physically-only row, including rows dated after it). Its
    /// GL lines are in the GL as of the date; its value is not in the subledger as of the date, so the
    /// reconciliation lists it as the cause of that difference.
    public typealias SkippedEvent = Subledger.SkippedEvent

    public var date: LedgerDate
    public var origin: Origin
    public var state: LedgerState
    /// Events applied (replayed origin) or in the live state.
    public var eventCount: Int
    public var skipped: [SkippedEvent]
    /// The close whose period snapshot the replay started from (nil: the live state, or event 1).
    public var startedFromClose: Int64? = nil
}

extension Ledger {
    /// The state as of `date` (inclusive). The live state when nothing is dated after `date`, else a replay
    /// of the log that skips the events dated after it.
    public func state(asOf date: LedgerDate) throws -> AsOfState {
        try catchUp()
        if AsOfState.liveStateCovers(state, through: date) {
            // With the transactions closes moved to history: these reports read the past too (DR-22).
            let full = try stateWithHistory()
            return AsOfState(date: date, origin: .live, state: full, eventCount: full.eventCount, skipped: [])
        }
        // From the latest close snapshot that stands for the date when there is one (AsOfFromClose.swift).
        if let (outcome, close) = try stateFromCloseSnapshot(asOf: date) {
            return AsOfState(
                date: date, origin: .replayed, state: outcome.state, eventCount: outcome.state.eventCount,
                skipped: outcome.skipped, startedFromClose: close)
        }
        let outcome = try LedgerError.sealing {
            try Replay.fold(log, through: try log.lastSequence(), asOf: date, evicting: false, progress: nil)
        }
        return AsOfState(
            date: date, origin: .replayed, state: outcome.state, eventCount: outcome.state.eventCount,
            skipped: outcome.skipped)
    }
}

extension AsOfState {
    /// True when the live state can stand for the state as of `date`: nothing in it is dated later.
    static func liveStateCovers(_ state: LedgerState, through date: LedgerDate) -> Bool {
        date >= state.latestBusinessDate
    }
}
