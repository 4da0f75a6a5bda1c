// A long batch on the SQLite file appends through `AppendPipeline` (DR-55): the events' inserts and chain
// hashes run on a writer thread while this thread decides, encodes and folds the next commands (encoding
// on the writer did not pay and was removed, DR-69). The
// connection is used by one thread at a time, so every read or write of the store this thread makes in
// the body drains the writer first: `quiesceAppends()` before a history lookup or the filter of closed
// ids is read, and the commands whose deciding or folding reads and writes the store (a close, its
// reversal, a recalculation: the log's settlements, the history rows, the stored sums) append directly,
// after a drain.

import SubledgerCore
internal import SubledgerStore

extension Ledger {
    /// Runs an append body through a pipeline when the batch is long enough and the log is the file's;
    /// `body` appends through the sink it is given. The writer is stopped before this returns, whatever
    /// happens, so the transaction ends with the connection back on this thread alone.
    func withAppendSink(
        _ batch: inout any EventSink, expectedTransactions: Int, _ body: (inout any EventSink) throws -> Void
    ) throws {
        guard expectedTransactions >= pipelinedAppendMinimum, appendPipeline == nil,
            let sqliteBatch = batch as? AppendBatch
        else { return try body(&batch) }
        let pipeline = AppendPipeline(sqliteBatch)
        appendPipeline = pipeline
        defer {
            pipeline.stop()
            appendPipeline = nil
        }
        var sink: any EventSink = pipeline
        try body(&sink)
        try storeCall { () throws(StoreError) in try pipeline.finish() }
        pipelinedBatches += pipeline.handedOver
    }

    /// Inside an append body: decides `command` into `events` (one buffer for the whole batch, DR-64) and
    /// appends each of its events, moved out of the buffer, not copied; `touched` is set before the first.
    func decideAndAppend(
        _ command: LedgerCommand, on state: inout LedgerState,
        buffer events: inout [(event: LedgerEvent, date: LedgerDate)], to sink: inout any EventSink,
        touched: inout Bool
    ) throws {
        var hint: FoldHint?
        try decide(command, on: &state, into: &events, hint: &hint)
        // Popped from the end: reversed first when there are several.
        if events.count > 1 { events.reverse() }
        while let (event, date) = events.popLast() {
            touched = true
            // The hint is for the first event only (a command that gives one has no other).
            try appendUnkept(event, date: date, to: &sink, applyingTo: &state, hint: hint)
            hint = nil
        }
    }

    /// Before this thread touches the store inside a pipelined body: every queued event is written and
    /// the writer is idle. A no-op without a pipeline.
    func quiesceAppends() throws {
        guard let appendPipeline else { return }
        try storeCall { () throws(StoreError) in try appendPipeline.drain() }
    }

    /// For the command about to be decided: a close, its reversal or a recalculation reads and writes the
    /// store while it is decided and folded, so its events are appended on this thread after a drain;
    /// any other command's go to the writer.
    func appendDirectly(_ command: LedgerCommand) throws {
        guard let appendPipeline else { return }
        // Exhaustive on purpose: a new command is placed here by someone who checked what it touches.
        let direct: Bool
        switch command {
        case .close, .reverseClose, .recalculate: direct = true
        case .defineItem, .setAccounts, .receive, .issue, .invoice, .mark, .transfer, .activateStandardCost,
            .revalue, .adjust:
            direct = false
        }
        try storeCall { () throws(StoreError) in try appendPipeline.setDirect(direct) }
    }
}
