// The history projector: events in, history rows out (HistorySchema.swift describes the tables). The
// incremental run after a close, `subledger rebuild` and the verification all feed events through this
// one fold, so the tables a rebuild writes are the tables the increments wrote.

import SubledgerCore
internal import SubledgerStore

/// The fold of events into history rows, written through either store's writer (`HistoryRowWriter`). A
/// close's settlement entries wait for its `close.posted` (or, for a reversal's entries, the
/// `close.reversed`) to know their close; a command's events are committed together, so a run that ends at
/// a command boundary never leaves any waiting.
struct HistoryProjection {
    var latestDay: Int32
    private var waiting: [(sequence: Int64, date: LedgerDate, event: SettlementPosted)] = []
    /// The closes and recalculations (not reversals) this run projected: each needs its on-hand stored.
    private(set) var closes: [Int64] = []
    /// Each run's totals, by item and by account, written at its `close.posted`.
    private var summaries = CloseSummaryFold()

    init(latestDay: Int32) { self.latestDay = latestDay }

    /// True when no settlement entry waits for its close: a run may end here.
    var isSettled: Bool { waiting.isEmpty }

    mutating func add(
        _ event: LedgerEvent, sequence: Int64, date: LedgerDate, to writer: some HistoryRowWriter
    ) throws {
        latestDay = max(latestDay, date.yyyymmdd)
        let lines = event.lines
        if !lines.isEmpty {
            let reference = EventRendering.reference(event)
            for (index, line) in lines.enumerated() {
                try writer.voucherLine(sequence: sequence, line: index + 1, reference: reference, line, day: date)
            }
        }
        if let summary = summaries.add(event, sequence: sequence) { try writer.closeSummary(summary) }
        switch event {
        case .settlementPosted(let posted):
            waiting.append((sequence, date, posted))
        case .closePosted(let posted):
            try writer.close(sequence: sequence, day: date, mode: posted.mode, latestDayThrough: latestDay)
            if posted.mode != .reversal { closes.append(sequence) }
            try flush(closeSequence: sequence, to: writer)
        case .closeReversed(let reversed):
            try writer.closeReversed(reversed.closeSequence, by: sequence)
            try flush(closeSequence: reversed.closeSequence, to: writer)
        default:
            break
        }
    }

    private mutating func flush(closeSequence: Int64, to writer: some HistoryRowWriter) throws {
        for (sequence, date, posted) in waiting {
            if !posted.entries.isEmpty { try writer.settlementDay(date) }
            for entry in posted.entries {
                try writer.settlement(
                    HistorySettlementRow(
                        sequence: sequence, closeSequence: closeSequence, day: date, mode: posted.mode,
                        item: posted.item, dimensions: posted.dimensions, entry: entry))
            }
        }
        waiting = []
    }

    /// Every cost pool's on-hand in `state`, sorted by pool, for `history_onhand_at_close`.
    static func onHand(_ state: LedgerState) -> [HistoryOnHandRow] {
        state.pools.keys.sorted().map { key in
            let pool = state.pools[key]!
            return HistoryOnHandRow(
                item: key.item, dimensions: key.dimensions, financialQuantity: pool.financialQuantity,
                financialValue: pool.financialValue, physicalQuantity: pool.physicalQuantity,
                physicalValue: pool.physicalValue)
        }
    }
}
