// Point-in-time replay: the projection rebuilt from the log alone, as of a business date or after a
// given event, and the check that replaying the whole log gives back exactly the live projection.
//
// Every function here reads the log from the store from scratch into a fresh `LedgerState`; none reads
// or changes `Ledger.state` (except `verifyReplay`, which only compares with it).

import Dispatch
import SubledgerCore
package import SubledgerStore

/// An event an as-of replay could not fold: it is dated on or before the as-of date but refers to a
/// transaction (or close) that only later-dated events create, e.g. an invoice dated before its receipt.
/// Folding it would leave the state referring to something it does not hold, so it is left out.
public struct SkippedEvent: Sendable, Equatable {
    public var sequence: Int64
    public var date: LedgerDate
    /// The event type's wire name (`invoice.posted`).
    public var type: String
    /// What is missing: `transaction 'R7' is dated after the as-of date`.
    public var reason: String
    /// The id of the missing transaction, item or close, and what the event is about.
    public var missing: String
    public var reference: String
}

/// A state rebuilt from the log, and how it was built.
public struct ReplayOutcome: Sendable {
    public var state: LedgerState
    /// Events read from the log (the whole log for an as-of replay, the prefix for `atSequence`).
    public var eventsRead: Int64
    /// Events folded into `state` (`state.eventCount`).
    public var eventsApplied: Int { state.eventCount }
    /// Events of an as-of replay dated on or before the date but left out (see `SkippedEvent`).
    public var skipped: [SkippedEvent]
}

/// The live projection compared with a replay of the same log prefix.
public struct ReplayVerification: Sendable, Equatable {
    public var matches: Bool
    public var liveDigest: StateDigest
    public var replayedDigest: StateDigest
    /// The first difference in words, live figure first (nil when they match).
    public var firstDifference: String?
    /// Events replayed (the live projection's last sequence).
    public var events: Int64
}

public enum ReplayError: Error, Equatable, CustomStringConvertible {
    /// `atSequence` beyond the end of the log (or negative).
    case sequenceOutOfRange(requested: Int64, last: Int64)

    public var description: String {
        switch self {
        case .sequenceOutOfRange(let requested, let last):
            return "sequence \(requested) is out of range: the log holds events 1...\(last)"
        }
    }
}

public enum Replay {
    /// How often the progress callback is called, in events (plus once at the end).
    static let progressStride: Int64 = 65_536

    /// Folds every event whose business date is on or before `date` (every event when nil), in log
    /// order. Setup events are dated 0001-01-01, so they are always included. Events that refer to a
    /// transaction or close the as-of state does not hold are skipped and listed (`SkippedEvent`).
    /// `progress(done, total)` counts events read of the log's events.
    /// `evicting: false` keeps the transactions closes move out of the open state (DR-22): the whole
    /// projection, as `replay` shows it and as the reports as of a date read it.
    package static func state(
        of store: any QueryableEventLog, asOf date: LedgerDate?, evicting: Bool = true,
        progress: ((Int64, Int64) -> Void)? = nil
    ) throws -> ReplayOutcome {
        let last = try lastSequence(store)
        guard let date else { return try fold(store, through: last, evicting: evicting, progress: progress) }
        return try fold(store, through: last, asOf: date, evicting: evicting, progress: progress)
    }

    /// Folds the log prefix 1...`sequence`: the projection as it was right after that event.
    package static func state(
        of store: any QueryableEventLog, atSequence sequence: Int64, evicting: Bool = true,
        progress: ((Int64, Int64) -> Void)? = nil
    ) throws -> ReplayOutcome {
        let last = try lastSequence(store)
        guard sequence >= 0, sequence <= last else {
            throw ReplayError.sequenceOutOfRange(requested: sequence, last: last)
        }
        return try fold(store, through: sequence, evicting: evicting, progress: progress)
    }

    static func lastSequence(_ store: any QueryableEventLog) throws -> Int64 {
        try LedgerError.sealing { try store.checkedLastSequence() }
    }

    /// Every event of 1...`last`, as `Ledger.catchUp` folds them; `alsoReversed`: closes taken as reversed
    /// although the log does not say so yet (a reversal being decided, rule R).
    static func fold(
        _ store: any QueryableEventLog, through last: Int64, evicting: Bool = true,
        alsoReversed: Set<Int64> = [], progress: ((Int64, Int64) -> Void)?
    ) throws -> ReplayOutcome {
        var state = LedgerState()
        state.evicts = evicting
        state.reserveCapacity(transactions: Int(last))
        state.reversedCloses = try CloseReversals.read(store).closes(through: last).union(alsoReversed)
        if last > 0 {
            let strings = StringTable()
            try store.scanThrough(after: 0, last) { view in
                try apply(view, to: &state, strings: strings)
                if let progress, view.sequence % progressStride == 0 { progress(view.sequence, last) }
            }
        }
        progress?(last, last)
        return ReplayOutcome(state: state, eventsRead: last, skipped: [])
    }

    /// The events of 1...`last` dated on or before `date`. Later-dated events are not even decoded.
    /// `evicting: false` keeps every transaction in memory (the reports as of a past date read them all).
    static func fold(
        _ store: any QueryableEventLog, through last: Int64, asOf date: LedgerDate, evicting: Bool = true,
        progress: ((Int64, Int64) -> Void)?
    ) throws -> ReplayOutcome {
        var state = LedgerState()
        state.evicts = evicting
        // A reversal is dated its close's date: folded whenever the close it reverses is (rule R).
        state.reversedCloses = Set(try CloseReversals.read(store).reversedBy.keys)
        return try foldDated(store, onto: state, after: 0, through: last, asOf: date, progress: progress)
    }

    /// Folds the events after `sequence` through `last` dated on or before `date` onto `start` (an empty
    /// state, or a close's snapshot: AsOfFromClose.swift); events that refer to a transaction or close the
    /// as-of state does not hold are skipped and listed.
    static func foldDated(
        _ store: any QueryableEventLog, onto start: LedgerState, after sequence: Int64, through last: Int64,
        asOf date: LedgerDate, progress: ((Int64, Int64) -> Void)? = nil
    ) throws -> ReplayOutcome {
        var state = start
        var skipped: [SkippedEvent] = []
        if last > sequence {
            try store.scanThrough(after: sequence, last) { view in
                if let progress, view.sequence % progressStride == 0 { progress(view.sequence, last) }
                guard view.date <= date else { return }
                let event = try decode(view)
                if let missing = missingReference(event, in: state) {
                    skipped.append(
                        SkippedEvent(
                            sequence: view.sequence, date: view.date, type: view.typeName,
                            reason: "\(missing.noun) '\(missing.id)' is dated after \(date)",
                            missing: missing.id, reference: EventRendering.reference(event)))
                    return
                }
                try apply(event, view, to: &state)
            }
        }
        progress?(last, last)
        return ReplayOutcome(state: state, eventsRead: last, skipped: skipped)
    }

    /// Decodes and folds one stored event; an event the state contradicts is a `LedgerError.projection`.
    /// A long fold passes one `StringTable` for all its events.
    @inline(__always)
    static func apply(_ view: borrowing EventView, to state: inout LedgerState, strings: StringTable? = nil) throws {
        try apply(try decode(view, strings: strings), view, to: &state)
    }

    @inline(__always)
    static func apply(_ event: LedgerEvent, _ view: borrowing EventView, to state: inout LedgerState) throws {
        do throws(ProjectionError) {
            try state.apply(event, date: view.date, sequence: view.sequence)
        } catch {
            throw LedgerError.projection(error)
        }
    }

    static func decode(_ view: borrowing EventView, strings: StringTable? = nil) throws -> LedgerEvent {
        guard let kind = EventCatalog.kind(typeBytes: view.type) else {
            throw LedgerError.corruptEvent(sequence: view.sequence, message: "unknown type '\(view.typeName)'")
        }
        do throws(PayloadDecodingError) {
            return try EventCatalog.decode(kind, version: view.version, payload: view.payload, strings: strings)
        } catch {
            throw LedgerError.corruptEvent(sequence: view.sequence, message: error.description)
        }
    }

    /// What `event` refers to that `state` does not hold (`LedgerState.apply` requires it), or nil.
    /// Only an as-of replay can meet this: a log prefix always holds what its events refer to.
    static func missingReference(_ event: LedgerEvent, in state: LedgerState) -> (noun: String, id: String)? {
        func transaction(_ id: String) -> (noun: String, id: String)? {
            state.transactions[id] == nil ? ("transaction", id) : nil
        }
        func item(_ id: String) -> (noun: String, id: String)? { state.items[id] == nil ? ("item", id) : nil }
        switch event {
        case .itemDefined, .accountsSet, .closePosted:
            return nil
        case .receiptPosted(let e): return item(e.item)
        case .issuePosted(let e): return item(e.item)
        case .transferPosted(let e): return item(e.item)
        case .movingAverageRevalued(let e): return item(e.item)
        case .invoicePosted(let e): return transaction(e.transaction)
        case .receiptAdjusted(let e): return transaction(e.transaction)
        case .markPosted(let e): return transaction(e.issue) ?? transaction(e.receipt)
        case .standardCostActivated(let e):
            return item(e.item) ?? e.transactions.lazy.compactMap { transaction($0.transaction) }.first
        case .settlementPosted(let e):
            if let missing = item(e.item) { return missing }
            // The close's own weighted average closing receipts are created by this very event.
            let created = e.mode == .reversal ? [] : Set(e.closingReceipts.map(\.id))
            for entry in e.entries {
                if !created.contains(entry.transaction), let missing = transaction(entry.transaction) { return missing }
                if entry.kind == .settlement, !created.contains(entry.counterpart),
                    let missing = transaction(entry.counterpart)
                {
                    return missing
                }
            }
            return nil
        case .closeReversed(let e):
            return state.closes.contains { $0.sequence == e.closeSequence }
                ? nil : ("close at sequence", String(e.closeSequence))
        }
    }
}

extension Ledger {
    /// The projection as of a business date, rebuilt from the log (see `Replay.state(of:asOf:)`);
    /// nil folds the whole log.
    public func replayState(asOf date: LedgerDate?, progress: ((Int64, Int64) -> Void)? = nil) throws -> LedgerState {
        try replay(asOf: date, progress: progress).state
    }

    /// The projection right after event `sequence` (the log prefix 1...sequence), rebuilt from the log.
    public func replayState(atSequence sequence: Int64, progress: ((Int64, Int64) -> Void)? = nil) throws -> LedgerState
    {
        try replay(atSequence: sequence, progress: progress).state
    }

    /// `replayState(asOf:)` with the events it had to skip.
    public func replay(asOf date: LedgerDate?, progress: ((Int64, Int64) -> Void)? = nil) throws -> ReplayOutcome {
        try LedgerError.sealing { try Replay.state(of: log, asOf: date, progress: progress) }
    }

    public func replay(atSequence sequence: Int64, progress: ((Int64, Int64) -> Void)? = nil) throws -> ReplayOutcome {
        try LedgerError.sealing { try Replay.state(of: log, atSequence: sequence, progress: progress) }
    }

    /// Replays the log prefix the live projection has seen (1...state.lastSequence) into a fresh state
    /// and compares the two by digest, naming the first difference when they differ.
    /// The live digest is computed on another thread while the log is folded (a second or so for a
    /// million transactions, overlapped with the fold).
    public func verifyReplay(progress: ((Int64, Int64) -> Void)? = nil) throws -> ReplayVerification {
        let live = state
        let pendingLiveDigest = BackgroundResult { StateDigest(live) }
        let replayed: LedgerState
        do {
            replayed = try LedgerError.sealing {
                try Replay.fold(log, through: live.lastSequence, evicting: live.evicts, progress: progress).state
            }
        } catch {
            _ = pendingLiveDigest.wait()
            throw error
        }
        let replayedDigest = StateDigest(replayed), liveDigest = pendingLiveDigest.wait()
        var difference: String?
        if liveDigest != replayedDigest {
            difference =
                StateDigest.firstDifference(live, replayed, labels: ("live", "replayed"))
                ?? "the digests differ but no field does (a serialization fault)"
        }
        return ReplayVerification(
            matches: liveDigest == replayedDigest, liveDigest: liveDigest,
            replayedDigest: replayedDigest, firstDifference: difference,
            events: live.lastSequence)
    }
}

/// A value computed on a thread of its own (`DedicatedThread`); `wait` blocks until it is there (the group
/// orders the write before the read).
final class BackgroundResult<Value: Sendable>: @unchecked Sendable {
    private var value: Value?
    private let group = DispatchGroup()

    init(_ work: @escaping @Sendable () -> Value) {
        group.enter()
        DedicatedThread.run {
            self.value = work()
            self.group.leave()
        }
    }

    func wait() -> Value {
        group.wait()
        return value!
    }
}
