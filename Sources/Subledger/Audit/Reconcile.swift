import SubledgerCore
internal import SubledgerStore

/// One source's amounts on an account whose subledger and GL differ.
public struct SourceDifference: Sendable, Equatable {
    public var source: AuditSource
    /// The transaction id, or a name for a settlement voucher, revaluation or event.
    public var label: String
    public var subledger: Money
    public var ledger: Money
    public var difference: Money { subledger - ledger }
}

/// One inventory GL account: the subledger value attributed to it beside its GL balance.
public struct AccountReconciliation: Sendable, Equatable {
    public var account: String
    /// Posting types the GL used on this account (from every posting, not only those up to the date).
    public var postingTypes: [PostingType]
    /// The subledger side, part by part (`SubledgerComposition` says what is summed).
    public var composition: SubledgerComposition
    public var ledger: Money
    /// The sources whose amounts differ, listed when the account differs (or when asked for).
    public var sources: [SourceDifference]?

    public var subledger: Total<Money> { composition.total }
    public var difference: Total<Money> { subledger - ledger }
    /// Posting types on this account that do not hold inventory value: their lines are in the GL balance
    /// but not in the subledger (an account shared with, e.g., COGS).
    public var otherPostingTypes: [PostingType] { postingTypes.filter { !$0.holdsInventoryValue } }
}

/// Subledger to GL reconciliation as of a date (valuation-rules.md section 6).
public struct ReconciliationReport: Sendable {
    public var asOf: LedgerDate
    public var origin: AsOfState.Origin
    /// Events the subledger side was computed from.
    public var eventCount: Int
    public var accounts: [AccountReconciliation]
    /// Events dated on or before the date that the subledger as of the date cannot contain.
    public var skipped: [AsOfState.SkippedEvent]
    /// Value of every cost pool as of the date (equals the subledger total by construction of the pool
    /// revaluation part; reported so that readers can check).
    public var poolValue: Total<Money>
    /// Items whose pools hold value that none of their transactions carries although their model has no
    /// revaluations (only standard cost and moving average revalue pools): the projection's pools and
    /// transactions disagree. Attributed to the item's inventory account with the pool revaluations.
    public var unexplainedPoolValue: [(item: String, amount: Total<Money>)]
    /// With an external trial balance: every account of either side.
    public var external: [ExternalComparisonRow]?

    // Totals in Int128: every account is in range, their number is not (DR-17).
    public var subledgerTotal: Total<Money> { accounts.reduce(Total()) { $0 + $1.subledger } }
    public var ledgerTotal: Total<Money> { accounts.total(\.ledger) }
    public var difference: Total<Money> { subledgerTotal - ledgerTotal }
    public var differingAccounts: [AccountReconciliation] { accounts.filter { !$0.difference.isZero } }
    /// External balances that differ on inventory accounts (other accounts are informational).
    public var externalInventoryDifferences: [ExternalComparisonRow] {
        (external ?? []).filter { $0.isInventory && !$0.difference.isZero }
    }
    /// No inventory account differs, neither subledger against GL nor (when given) external against ledger.
    public var agrees: Bool {
        differingAccounts.isEmpty && externalInventoryDifferences.isEmpty && unexplainedPoolValue.isEmpty
    }
}

extension Ledger {
    /// Reconciles the subledger with the GL as of `date` (inclusive): for each inventory account the value
    /// on hand attributed to it, its GL balance and the difference; every differing account drilled down to
    /// the transactions and vouchers whose amounts differ (`details`: every account). With an external
    /// trial balance, also compares it with the ledger's GL and explains each difference.
    public func reconcile(
        asOf date: LedgerDate, external: [ExternalBalance]? = nil,
        details: Bool = false
    ) throws -> ReconciliationReport {
        try reconcile(asOf: date, external: external, details: details, path: .closeSums)
    }

    /// How the subledger side as of the latest date is summed (the tests compare the three).
    enum SubledgerPath {
        /// The open state plus the stored sums of the latest close in force (`history_evicted_sums`,
        /// DR-31): a few thousand rows, whatever the history holds. Falls back to `historyRows` when the
        /// sums cannot be had (a read-only file that lacks them).
        case closeSums
        /// The open state plus each history record read one row at a time (`valueByAccountWithHistory`).
        case historyRows
        /// The state with every transaction (`state(asOf:)`), at any date.
        case fullState
    }

    /// As of the latest date, the subledger side takes `path` and the state with every transaction is built
    /// only for a drill-down; as of an earlier date (or `.fullState`) the state as of the date is built.
    func reconcile(
        asOf date: LedgerDate, external: [ExternalBalance]?, details: Bool, path: SubledgerPath
    ) throws -> ReconciliationReport {
        try catchUp()
        let latest = path != .fullState && AsOfState.liveStateCovers(state, through: date)
        // An earlier date a close in force covers: the stored day sums (DR-35), without a replay.
        let figures = !latest && path == .closeSums ? try asOfDayFigures(date) : nil
        var snapshot =
            latest || figures != nil
            ? AsOfState(
                date: date, origin: latest ? .live : .replayed, state: state,
                eventCount: figures.map { Int($0.events) } ?? state.eventCount, skipped: [])
            : try state(asOf: date)
        let live = state
        let balance = try balances(asOf: date)
        var valuation = SubledgerValuation(state: snapshot.state)
        let values = try subledgerValues(&valuation, latest: latest, path: path, figures: figures)
        let poolValue = figures.map { $0.pools.values.reduce(Total(), +) } ?? snapshot.state.pools.values.total(\.value)
        let unexplained = valuation.residuals.filter { item, _ in
            let model = snapshot.state.items[item]?.model
            return model != .standard && model != .movingAverage
        }.sorted { $0.key < $1.key }.map { (item: $0.key, amount: $0.value) }
        let names = Set(live.ledger.inventoryAccounts).union(values.keys).sorted()
        var accounts = names.map { account in
            AccountReconciliation(
                account: account, postingTypes: live.ledger.postingTypes(of: account),
                composition: values[account] ?? SubledgerComposition(),
                ledger: balance(account), sources: nil)
        }
        let targets = Set(accounts.filter { details || !$0.difference.isZero }.map(\.account))
        if !targets.isEmpty {
            // The drill-down reads every transaction by id: the state with history, as of the latest date.
            if latest || figures != nil { snapshot = try state(asOf: date) }
            let gl = try GLAttribution.scan(self, asOf: date, accounts: targets)
            var drill = SubledgerValuation(state: snapshot.state)
            let settlements = try loggedSettlements(of: snapshot)
            let sub = drill.bySource(on: targets, settlements: settlements)
            let skippedReferences = Set(snapshot.skipped.flatMap { [$0.reference, $0.missing] })
            for index in accounts.indices where targets.contains(accounts[index].account) {
                let account = accounts[index].account
                let ours = sub[account] ?? [:], theirs = gl.amounts[account] ?? [:]
                var differing: [(source: AuditSource, subledger: Money, ledger: Money)] = []
                for (source, amount) in ours {
                    let other = theirs[source] ?? .zero
                    if amount != other { differing.append((source, amount, other)) }
                }
                for (source, amount) in theirs where ours[source] == nil && !amount.isZero {
                    differing.append((source, .zero, amount))
                }
                accounts[index].sources = differing.sorted { $0.source < $1.source }.map { row in
                    SourceDifference(
                        source: row.source,
                        label: ReconciliationReport.label(
                            row.source, gl: gl, settlements: settlements, skipped: skippedReferences),
                        subledger: row.subledger, ledger: row.ledger)
                }
            }
        }
        return ReconciliationReport(
            asOf: date, origin: snapshot.origin, eventCount: snapshot.eventCount,
            accounts: accounts, skipped: snapshot.skipped, poolValue: poolValue,
            unexplainedPoolValue: unexplained,
            external: try external.map { try compare($0, with: accounts, asOf: date) })
    }

    /// An external trial balance beside the ledger's GL, each difference explained.
    private func compare(
        _ external: [ExternalBalance], with accounts: [AccountReconciliation], asOf date: LedgerDate
    ) throws -> [ExternalComparisonRow] {
        let live = state
        var physical: [String: Money] = [:]
        for row in accounts {
            // One account's physical amounts: in range in a ledger the range check wrote (DR-17).
            physical[row.account] = Money(
                units: narrowClamped((row.composition.received + row.composition.shipped).units))
        }
        return try ExternalTrialBalance.compare(
            external, ledger: live.ledger, asOf: date, physical: physical
        ) { () throws -> [LedgerDate] in
            // The settlement events' dates by key when the history holds them (DR-35), else from the log.
            let days =
                try historySettlementDays()
                ?? loggedSettlements(
                    of: AsOfState(date: date, origin: .live, state: live, eventCount: 0, skipped: [])
                ).map(\.date)
            return ReconciliationReport.businessDates(live, settlementDays: days)
        }
    }
}

extension Ledger {
    /// `valuation`'s subledger value per account over the open state's transactions and the groups of
    /// those that have left it (`evictedSumsThroughLatestClose`).
    func valueByAccount(
        _ valuation: inout SubledgerValuation, closedOut groups: [EvictedSumKey: EvictedSums]
    ) -> [String: SubledgerComposition] {
        var sums = SubledgerValuation.AccountSums(valuation.state)
        for record in valuation.state.transactions.values { valuation.add(record, to: &sums) }
        for (key, group) in groups { valuation.add(key, group, to: &sums) }
        return valuation.finish(sums)
    }
}

extension Ledger {
    /// The subledger side per account: from the day sums (`figures`), or as of the latest date from the
    /// open state and the stored sums of what closes moved out (`path`), or over `valuation`'s state.
    private func subledgerValues(
        _ valuation: inout SubledgerValuation, latest: Bool, path: SubledgerPath, figures: AsOfDayFigures?
    ) throws -> [String: SubledgerComposition] {
        if let figures { return valueByAccount(&valuation, asOf: figures) }
        if latest, path == .closeSums, let groups = try evictedSumsThroughLatestClose() {
            return valueByAccount(&valuation, closedOut: groups)
        }
        return latest ? try valueByAccountWithHistory(&valuation) : valuation.byAccount()
    }

    /// `valuation`'s subledger value per account as of a date, from the day sums' groups and pool values
    /// (DR-35): the state's own transactions and pools are not read.
    func valueByAccount(
        _ valuation: inout SubledgerValuation, asOf figures: AsOfDayFigures
    ) -> [String: SubledgerComposition] {
        var sums = SubledgerValuation.AccountSums(valuation.state)
        sums.residual = figures.pools
        for (key, group) in figures.groups { valuation.add(key, group, to: &sums) }
        return valuation.finish(sums)
    }
}

extension ReconciliationReport {
    static func label(
        _ source: AuditSource, gl: GLAttribution, settlements: [LoggedSettlement], skipped: Set<String>
    ) -> String {
        switch source {
        case .transaction(let id):
            return skipped.contains(id) ? "\(id) (see the events not applied as of the date)" : id
        case .settlement(let sequence):
            if let label = gl.labels[source] { return label }
            let mode = settlements.first { $0.sequence == sequence }?.mode.name ?? "settlement"
            return "\(mode) #\(sequence)"
        case .revaluation(let key):
            return "revaluations \(GLAttribution.pool(key.item, key.dimensions))"
        case .event(let sequence):
            return gl.labels[source] ?? "event #\(sequence)"
        }
    }

    /// Every business date the projection shows, ascending.
    static func businessDates(_ state: LedgerState, settlementDays: [LedgerDate]) -> [LedgerDate] {
        var days = Set<LedgerDate>()
        for record in state.transactions.values {
            days.insert(record.date)
            if let financial = record.financialDate { days.insert(financial) }
        }
        days.formUnion(settlementDays)
        for pool in state.pools.values { if let day = pool.latestDate { days.insert(day) } }
        return days.sorted()
    }
}
