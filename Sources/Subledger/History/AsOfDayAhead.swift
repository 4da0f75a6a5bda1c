// The as-of day sums' fold of a large close, started before the history projection on a thread of its own
// (DR-67). The fill (AsOfDaySumsProjection.swift) runs after the projection has written the close's voucher
// lines, settlements and key tables, and folds the period again from the previous close's snapshot, or the
// whole log after an import: on the 1M-posting ledger a fold of about four seconds that waited for six
// seconds of SQLite writes it does not depend on. The fold reads only events the close has committed, so it
// can run beside those writes, on a read-only connection of its own, from closes predicted from the live
// state. The fill takes its plan only when the closes it reads after the projection are the predicted ones
// (and the stored rows the same): then the fold had the same input as the fill's own, so it gave the same
// rows. Otherwise the fill folds as before. The rows are still written by the fill's transaction.

import Dispatch
import SubledgerCore
internal import SubledgerStore

final class AsOfDayAhead: @unchecked Sendable {
    /// A shorter tail folds after the projection, as before: a thread and a connection cost more than a
    /// short fold, and a small close's projection leaves nothing to overlap.
    static let minimumEvents: Int64 = 50_000

    /// The closes in force the fold was given. The last is the close this process just committed; its
    /// `latestDayThrough` is a stand-in (the projection computes it), which the fold never reads: it only
    /// opens the gap of the segment after that close, and no segment follows the last.
    let closes: [HistoryClose]
    let stored: Set<Int64>
    private let done = DispatchSemaphore(value: 0)
    /// Written by the fold's thread before it signals `done`, read only after waiting for it.
    private var outcome: Result<HistoryTables.AsOfDayPlan, any Error>?
    /// True once the fill took the fold's plan (for the tests: a fallback gives the same rows).
    private(set) var taken = false

    private init(closes: [HistoryClose], stored: Set<Int64>) {
        self.closes = closes
        self.stored = stored
    }

    /// Starts the fold when the fill after the projection is predicted to fold exactly one new close over
    /// at least `minimumEvents` events: `state` stands at the log's end, the history's closes in force are
    /// still in force there, and one close in force follows the history's watermark. Nil otherwise (the
    /// fill folds after the projection, as before).
    static func start(_ store: EventStore, state: LedgerState, minimumEvents: Int64 = minimumEvents) -> AsOfDayAhead? {
        // Cheapest first: every query that asks whether the history is current comes through here.
        guard let path = store.pathForAnotherReader, !store.isReadOnly, store.hasHistoryTables,
            let watermark = try? store.historyWatermark(), state.lastSequence - watermark >= minimumEvents,
            (try? store.checkedLastSequence()) == state.lastSequence, let table = store.asOfDaySums(),
            let projected = try? HistoryTables.closesInForce(store, through: nil),
            let stored = try? table.segments()
        else { return nil }
        let inForce = Set(state.closes.filter { $0.mode == .close && $0.isInForce }.map(\.sequence))
        let new = state.closes.filter { $0.sequence > watermark && $0.mode == .close && $0.isInForce }
        guard new.count == 1, let close = new.first, projected.allSatisfy({ inForce.contains($0.sequence) }) else {
            return nil
        }
        let predicted = HistoryClose(
            closeSequence: close.sequence, day: close.date, mode: CloseMode.close.name, reversedBy: nil,
            latestDayThrough: close.date.yyyymmdd)
        let ahead = AsOfDayAhead(closes: projected + [predicted], stored: stored)
        DedicatedThread.run { [ahead] in
            ahead.outcome = Result {
                let reader = try HistoryTables.call { () throws(StoreError) in
                    try EventStore(path: path, access: .readOnly)
                }
                return try HistoryTables.asOfDayPlan(
                    log: reader, snapshots: reader, closes: ahead.closes, stored: ahead.stored)
            }
            ahead.done.signal()
        }
        return ahead
    }

    /// The fold's plan for the fill of `closes` over the `stored` rows, once the fold has finished: nil
    /// when they are not the predicted ones or the fold failed (the fill folds itself; a defect the fold
    /// found is found again there).
    func plan(for closes: [HistoryClose], stored: Set<Int64>) -> HistoryTables.AsOfDayPlan? {
        done.wait()
        done.signal()  // a second caller does not wait forever
        guard stored == self.stored, Self.same(closes, self.closes), case .success(var plan) = outcome else {
            return nil
        }
        plan.closes = closes
        taken = true
        return plan
    }

    /// Equal closes, the last one's `latestDayThrough` aside (see `closes`).
    static func same(_ actual: [HistoryClose], _ predicted: [HistoryClose]) -> Bool {
        guard actual.count == predicted.count, var last = actual.last, let guess = predicted.last else { return false }
        last.latestDayThrough = guess.latestDayThrough
        return actual.dropLast() == predicted.dropLast() && last == guess
    }
}
