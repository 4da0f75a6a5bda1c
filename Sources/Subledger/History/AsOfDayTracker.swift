// The fold that produces the as-of day sums (DR-35, AsOfDaySums.swift in the store): each event is folded
// into a state as a replay folds it, and what it changed in the groups of the records it touches (their
// figures before and after, DR-31's groups) and in its items' pool values is added to its business day.
//
// The sum of the changes dated through D is the state as of D (the fold of the events dated through D,
// in log order) when, for every transaction, the events dated through D are a prefix in log order of the
// events that touch it: then the as-of fold applies to that transaction what the full fold applied up to
// some point, and each change, computed in the full fold, is the change the as-of fold makes. An event
// dated before an earlier event of a transaction it touches breaks that for the dates between the two:
// those dates are recorded as a gap, and the reader replays for them (an as-of replay that skips an event
// always meets such a pair: what the skipped event needs is dated after it and earlier in the log).

import SubledgerCore
internal import SubledgerStore

struct AsOfDayTracker {
    private(set) var segment = AsOfDaySegment()
    /// Per transaction touched since the segment began, the latest business day of its events.
    private var lastDay: [String: Int32] = [:]
    private var poolsByItem: [String: [PoolKey]] = [:]
    private var poolCount = -1

    /// Room for the transactions of `events` events (about one new one each): the table grew from empty
    /// through twenty rehashes of every key over a month of events.
    mutating func reserve(events: Int) {
        lastDay.reserveCapacity(max(0, events))
    }

    /// Folds `event` into `state` and records what it changed.
    mutating func fold(_ event: LedgerEvent, _ view: borrowing EventView, into state: inout LedgerState) throws {
        let day = view.date.yyyymmdd
        segment.events[day, default: 0] += 1
        let ids = Self.transactions(of: event)
        let items = Self.items(of: event, in: state)
        if poolCount != state.pools.count { indexPools(state) }
        var groups: [(EvictedSumKey, EvictedSums)] = []
        for id in ids {
            // The record read in place by its index: the table's subscript returns a copy (250 bytes, its
            // strings retained and released), twice per event over a month of events.
            guard let index = state.transactions.index(forKey: id) else {
                lastDay[id] = day
                continue
            }
            if let (key, sums) = EvictedGroups.group(of: state.transactions.values[index]) {
                groups.append((key, Self.negated(sums)))
            }
            if let last = lastDay[id], last > day { segment.gaps.insert([day, last]) }
            lastDay[id] = max(lastDay[id] ?? day, day)
        }
        let poolsBefore = items.map { value(of: $0, in: state) }
        try Replay.apply(event, view, to: &state)
        for id in ids {
            guard let index = state.transactions.index(forKey: id),
                let (key, sums) = EvictedGroups.group(of: state.transactions.values[index])
            else { continue }
            groups.append((key, sums))
        }
        for (key, sums) in groups { segment.groups[day, default: [:]][key, default: EvictedSums()] += sums }
        if poolCount != state.pools.count { indexPools(state) }
        for (index, item) in items.enumerated() {
            let change = value(of: item, in: state) - poolsBefore[index]
            if !change.isZero { segment.pools[day, default: [:]][item, default: Total()] += change }
        }
    }

    /// Ends the segment at a close in force: its rows, and a fresh segment whose dates from `close`'s date
    /// up to the latest date of the events through it are a gap (a transaction those events touched may be
    /// touched again dated earlier: the lock only keeps later events after the close's date).
    mutating func cut(at close: HistoryClose) -> AsOfDaySegment {
        let done = segment
        segment = AsOfDaySegment()
        lastDay = [:]
        if close.latestDayThrough > close.day.yyyymmdd {
            segment.gaps.insert([close.day.yyyymmdd, close.latestDayThrough])
        }
        return done
    }

    private mutating func indexPools(_ state: LedgerState) {
        poolsByItem = [:]
        for key in state.pools.keys { poolsByItem[key.item, default: []].append(key) }
        poolCount = state.pools.count
    }

    private func value(of item: String, in state: LedgerState) -> Total<Money> {
        (poolsByItem[item] ?? []).reduce(Total()) { $0 + Total(state.pools[$1]?.value ?? .zero) }
    }

    static func negated(_ sums: EvictedSums) -> EvictedSums {
        var negative = EvictedSums()
        negative.financial = Total() - sums.financial
        negative.offset = Total() - sums.offset
        negative.physicalOpen = Total() - sums.physicalOpen
        negative.transactions = -sums.transactions
        return negative
    }

    /// The transactions an event changes (or creates), each once.
    static func transactions(of event: LedgerEvent) -> [String] {
        switch event {
        case .receiptPosted(let e): return [e.transaction]
        case .issuePosted(let e): return [e.transaction]
        case .transferPosted(let e): return [e.transaction, SyntheticID.transferReceipt(e.transaction)]
        case .invoicePosted(let e): return [e.transaction]
        case .receiptAdjusted(let e): return [e.transaction]
        case .standardCostActivated(let e): return unique(e.transactions.map(\.transaction))
        case .settlementPosted(let e):
            return unique(e.closingReceipts.map(\.id) + e.entries.flatMap { [$0.transaction, $0.counterpart] })
        case .markPosted(let e): return unique([e.issue, e.receipt])  // no figure: a date order to check
        case .itemDefined, .accountsSet, .movingAverageRevalued, .closePosted, .closeReversed:
            return []
        }
    }

    /// The items whose pools an event changes.
    static func items(of event: LedgerEvent, in state: LedgerState) -> [String] {
        switch event {
        case .receiptPosted(let e): return [e.item]
        case .issuePosted(let e): return [e.item]
        case .transferPosted(let e): return [e.item]
        case .standardCostActivated(let e): return [e.item]
        case .movingAverageRevalued(let e): return [e.item]
        case .settlementPosted(let e): return [e.item]
        case .invoicePosted(let e): return item(of: e.transaction, in: state)
        case .receiptAdjusted(let e): return item(of: e.transaction, in: state)
        case .itemDefined, .accountsSet, .markPosted, .closePosted, .closeReversed: return []
        }
    }

    /// The item of a transaction the state holds, read in place (no copy of the record).
    private static func item(of transaction: String, in state: LedgerState) -> [String] {
        state.transactions.index(forKey: transaction).map { [state.transactions.values[$0].item] } ?? []
    }

    private static func unique(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}

extension EvictedSums {
    static func - (lhs: Self, rhs: Self) -> Self {
        var difference = lhs
        difference += AsOfDayTracker.negated(rhs)
        return difference
    }
}

/// Every record's group sums and every item's pool value in `state`: what the rows of a fill must add up
/// to from its start to its end.
struct AsOfDayTotals: Equatable {
    var groups: [EvictedSumKey: EvictedSums] = [:]
    var pools: [String: Total<Money>] = [:]

    init() {}

    init(_ state: LedgerState) {
        for record in state.transactions.values { EvictedGroups.add(record, to: &groups) }
        for (key, pool) in state.pools { pools[key.item, default: Total()] += Total(pool.value) }
        groups = groups.filter { $0.value != EvictedSums() }
        pools = pools.filter { !$0.value.isZero }
    }

    /// `end` less `start`, without the groups and items that did not change.
    static func change(from start: Self, to end: Self) -> Self {
        var change = end
        for (key, sums) in start.groups { change.groups[key, default: EvictedSums()] += AsOfDayTracker.negated(sums) }
        for (item, value) in start.pools { change.pools[item, default: Total()] -= value }
        change.groups = change.groups.filter { $0.value != EvictedSums() }
        change.pools = change.pools.filter { !$0.value.isZero }
        return change
    }

    /// The segments' rows added up.
    init(_ segments: [AsOfDaySegment]) {
        for segment in segments {
            for groups in segment.groups.values {
                for (key, sums) in groups { self.groups[key, default: EvictedSums()] += sums }
            }
            for pools in segment.pools.values {
                for (item, value) in pools { self.pools[item, default: Total()] += value }
            }
        }
        groups = groups.filter { $0.value != EvictedSums() }
        pools = pools.filter { !$0.value.isZero }
    }
}
