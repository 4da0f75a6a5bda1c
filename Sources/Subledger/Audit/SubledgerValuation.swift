import SubledgerCore
internal import SubledgerStore

/// The subledger side of reconciliation: the value on hand, attributed to the GL account it sits on,
/// computed from the transactions of the projection and never from GL lines (valuation-rules.md section 6).
///
/// What is summed, per transaction (receipts +, issues -), on the accounts stored with it (D16:
/// `LedgerState.accounts(of:)`, the latest invoice's accounts winning):
///
/// - financial: `financialValue + adjustment - physicalAdjustment` (its invoiced or journal-posted value and
///   every adjustment since: closes, recalculations, reversals, transaction adjustments, transfer receipts
///   following their issue) on its `inventory` account. Transfers count on both legs (issue leg -, receipt
///   leg +). A fixed receipt price receipt (D9) splits its posted value: the entered amount
///   (`financialQuantity` x `unitPrice`) on `inventory`, the rest on `fixed-price-offset`.
/// - received not invoiced: a receipt's `physicalOpenValue` on its `inventory-received` account.
/// - shipped not invoiced: an issue's `physicalOpenValue` (with its physical adjustments, D5) on its
///   `inventory-shipped` account.
/// - pool revaluations: value a cost pool holds beyond its transactions (a standard cost activation on
///   financial on-hand, a moving-average revaluation: they change the pool, not a transaction), on the
///   `inventory` account of the item's posting profile.
/// - not summed: the weighted average closing receipts (D3), which carry value already on the receipts they
///   consumed and post nothing; settlement amounts, which match receipts to issues without moving value.
///
/// So the subledger total is the value of every cost pool, and each account's share follows the
/// transactions that sit on it.
///
/// Each part sums every transaction on the account: summed in `Int128`, as their number is not bounded
/// (DR-17).
public struct SubledgerComposition: Sendable, Equatable {
    public var financial = Total<Money>()
    public var received = Total<Money>()
    public var shipped = Total<Money>()
    public var fixedPriceOffset = Total<Money>()
    public var revaluation = Total<Money>()

    public init() {}

    public var total: Total<Money> { financial + received + shipped + fixedPriceOffset + revaluation }

    enum Part { case financial, received, shipped, fixedPriceOffset, revaluation }

    mutating func add(_ part: Part, _ amount: Money) { add(part, Total(amount)) }

    mutating func add(_ part: Part, _ amount: Total<Money>) {
        switch part {
        case .financial: financial += amount
        case .received: received += amount
        case .shipped: shipped += amount
        case .fixedPriceOffset: fixedPriceOffset += amount
        case .revaluation: revaluation += amount
        }
    }

    static func + (lhs: SubledgerComposition, rhs: SubledgerComposition) -> SubledgerComposition {
        var sum = lhs
        sum.financial += rhs.financial
        sum.received += rhs.received
        sum.shipped += rhs.shipped
        sum.fixedPriceOffset += rhs.fixedPriceOffset
        sum.revaluation += rhs.revaluation
        return sum
    }
}

/// Where a subledger or GL amount comes from, for the drill-down of a difference.
public enum AuditSource: Hashable, Comparable, Sendable {
    /// A receipt, issue or transfer (both legs), by its id: its postings and invoices.
    case transaction(String)
    /// The close, recalculation or reversal voucher of one cost pool (`settlement.posted`), by sequence.
    case settlement(Int64)
    /// Revaluations of a cost pool that belong to no transaction.
    case revaluation(PoolKey)
    /// GL lines of an event that belong to none of the above.
    case event(Int64)

    public var kind: String {
        switch self {
        case .transaction: return "transaction"
        case .settlement: return "settlement"
        case .revaluation: return "revaluation"
        case .event: return "event"
        }
    }
}

/// The computation, with a cache of resolved account sets: a million transactions share a few sets.
struct SubledgerValuation {
    let state: LedgerState
    private(set) var accountNames: [String] = []
    private var accountIndex: [String: Int] = [:]
    private var resolved: [Int64: Resolved] = [:]
    private var profileAccounts: [String: Resolved] = [:]
    /// Per item, the pool value no transaction carries (set by `byAccount()`): revaluations for standard
    /// cost and moving average items; for any other model, a sign that pools and transactions disagree.
    private(set) var residuals: [String: Total<Money>] = [:]

    /// Account indices per posting type; -1 when the transaction's stored accounts lack it.
    struct Resolved {
        var inventory = -1, received = -1, shipped = -1, fixedOffset = -1
    }

    /// One share of a transaction's value: which part, which account (index), how much.
    struct Share {
        var part: SubledgerComposition.Part
        var account: Int
        var amount: Money
    }

    init(state: LedgerState) { self.state = state }

    mutating func index(_ account: String) -> Int {
        if let existing = accountIndex[account] { return existing }
        accountIndex[account] = accountNames.count
        accountNames.append(account)
        return accountNames.count - 1
    }

    /// The item's profile accounts (used when a transaction's stored accounts lack a posting type, e.g. an
    /// adjustment of a zero-value receipt, and for pool revaluations, which store no accounts).
    mutating func profile(_ item: String) -> Resolved {
        let group = state.items[item]?.postingGroup ?? ""
        if let cached = profileAccounts[group] { return cached }
        let profiles = state.profiles
        let accounts = Resolved(
            inventory: index(profiles.account(for: .inventory, group: group)),
            received: index(profiles.account(for: .inventoryReceived, group: group)),
            shipped: index(profiles.account(for: .inventoryShipped, group: group)),
            fixedOffset: index(profiles.account(for: .fixedPriceOffset, group: group)))
        profileAccounts[group] = accounts
        return accounts
    }

    mutating func accounts(of record: TransactionRecord) -> Resolved {
        accounts(posted: record.postedAccounts, invoice: record.invoiceAccounts)
    }

    /// The accounts of a transaction with these stored account sets (`LedgerState.accounts(of:)`).
    mutating func accounts(posted: Int32, invoice: Int32) -> Resolved {
        let key = Int64(posted) << 32 | Int64(UInt32(bitPattern: invoice))
        if let cached = resolved[key] { return cached }
        let map = state.accounts(posted: posted, invoice: invoice)
        let accounts = Resolved(
            inventory: map[.inventory].map { index($0) } ?? -1,
            received: map[.inventoryReceived].map { index($0) } ?? -1,
            shipped: map[.inventoryShipped].map { index($0) } ?? -1,
            fixedOffset: map[.fixedPriceOffset].map { index($0) } ?? -1)
        resolved[key] = accounts
        return accounts
    }

    /// The shares of one transaction (at most three). Weighted average closing receipts have none.
    mutating func shares(of record: TransactionRecord, into shares: inout [Share]) {
        shares.removeAll(keepingCapacity: true)
        guard record.kind != .closingReceipt else { return }
        let receipt = record.direction == .receipt
        var stored = accounts(of: record)
        func sign(_ amount: Money) -> Money { receipt ? amount : -amount }
        var financial = record.financialValue + record.adjustment - record.physicalAdjustment
        if receipt, !record.isTransferLeg, record.financialQuantity.isPositive,
            let setup = state.items[record.item], setup.fixedReceiptPrice, setup.model.isPeriodic
        {
            // D9: the invoice posted the entered amount on inventory and the difference to the fixed price
            // on the fixed price offset account.
            let offset = record.financialValue - record.financialQuantity.amount(at: record.unitPrice)
            if !offset.isZero {
                if stored.fixedOffset < 0 { stored.fixedOffset = profile(record.item).fixedOffset }
                shares.append(Share(part: .fixedPriceOffset, account: stored.fixedOffset, amount: offset))
                financial -= offset
            }
        }
        if !financial.isZero {
            if stored.inventory < 0 { stored.inventory = profile(record.item).inventory }
            shares.append(Share(part: .financial, account: stored.inventory, amount: sign(financial)))
        }
        if !record.physicalOpenValue.isZero {
            if receipt {
                if stored.received < 0 { stored.received = profile(record.item).received }
                shares.append(Share(part: .received, account: stored.received, amount: record.physicalOpenValue))
            } else {
                if stored.shipped < 0 { stored.shipped = profile(record.item).shipped }
                shares.append(Share(part: .shipped, account: stored.shipped, amount: -record.physicalOpenValue))
            }
        }
    }

    /// The share of one settlement entry's adjustment (the part of the transaction's value a close,
    /// recalculation or reversal added), on the account the same transaction's value is attributed to.
    mutating func share(of entry: SettlementEntry) -> Share? {
        guard !entry.adjustment.isZero, let record = state.transactions[entry.transaction],
            record.kind != .closingReceipt
        else { return nil }
        let receipt = record.direction == .receipt
        var stored = accounts(of: record)
        let amount = receipt ? entry.adjustment : -entry.adjustment
        if entry.physical {
            if receipt {
                if stored.received < 0 { stored.received = profile(record.item).received }
                return Share(part: .received, account: stored.received, amount: amount)
            }
            if stored.shipped < 0 { stored.shipped = profile(record.item).shipped }
            return Share(part: .shipped, account: stored.shipped, amount: amount)
        }
        if stored.inventory < 0 { stored.inventory = profile(record.item).inventory }
        return Share(part: .financial, account: stored.inventory, amount: amount)
    }

    /// The subledger value per account, over the state's transactions.
    mutating func byAccount() -> [String: SubledgerComposition] {
        var sums = AccountSums(state)
        for record in state.transactions.values { add(record, to: &sums) }
        return finish(sums)
    }

    /// The running sums of `byAccount`: fed one transaction at a time, so that records read from history
    /// one row at a time are summed without a state that holds them all.
    struct AccountSums {
        var totals: [SubledgerComposition] = []
        /// Pool value not carried by any transaction, per item (all pools of an item share its profile).
        var residual: [String: Total<Money>] = [:]
        var shares: [Share] = []
        var lastItem = "", lastSum = Total<Money>()

        init(_ state: LedgerState) {
            for (key, pool) in state.pools where !pool.value.isZero {
                residual[key.item, default: .zero] += pool.value
            }
            shares.reserveCapacity(3)
        }

        mutating func add(_ share: Share) {
            while totals.count <= share.account { totals.append(SubledgerComposition()) }
            totals[share.account].add(share.part, share.amount)
        }
    }

    /// Adds one transaction's shares to `sums`.
    mutating func add(_ record: TransactionRecord, to sums: inout AccountSums) {
        self.shares(of: record, into: &sums.shares)
        guard !sums.shares.isEmpty else { return }
        var sum = Money.zero
        for share in sums.shares {
            sums.add(share)
            sum += share.amount
        }
        // Consecutive records are often of one item: batch the residual update.
        if record.item != sums.lastItem {
            if !sums.lastSum.isZero { sums.residual[sums.lastItem, default: .zero] -= sums.lastSum }
            sums.lastItem = record.item
            sums.lastSum = .zero
        }
        sums.lastSum += sum
    }

    /// Adds one group of transactions that have left the open state (`EvictedSums`, DR-31): the shares
    /// `shares(of:)` gives each of its records, summed. Every record of a group resolves to the same
    /// accounts and the same fixed-price rule, and each share is linear in the record's figures, so the
    /// group's shares are its records' shares added up.
    mutating func add(_ key: EvictedSumKey, _ group: EvictedSums, to sums: inout AccountSums) {
        var stored = accounts(posted: key.postedAccounts, invoice: key.invoiceAccounts)
        var financial = group.financial, total = Total<Money>()
        func put(_ part: SubledgerComposition.Part, _ account: Int, _ amount: Total<Money>) {
            while sums.totals.count <= account { sums.totals.append(SubledgerComposition()) }
            sums.totals[account].add(part, amount)
            total += amount
        }
        if key.offsetEligible, !group.offset.isZero, let setup = state.items[key.item], setup.fixedReceiptPrice,
            setup.model.isPeriodic
        {
            if stored.fixedOffset < 0 { stored.fixedOffset = profile(key.item).fixedOffset }
            put(.fixedPriceOffset, stored.fixedOffset, group.offset)
            financial -= group.offset
        }
        if !financial.isZero {
            if stored.inventory < 0 { stored.inventory = profile(key.item).inventory }
            put(.financial, stored.inventory, key.receipt ? financial : Total() - financial)
        }
        if !group.physicalOpen.isZero {
            if key.receipt {
                if stored.received < 0 { stored.received = profile(key.item).received }
                put(.received, stored.received, group.physicalOpen)
            } else {
                if stored.shipped < 0 { stored.shipped = profile(key.item).shipped }
                put(.shipped, stored.shipped, Total() - group.physicalOpen)
            }
        }
        if !total.isZero { sums.residual[key.item, default: .zero] -= total }
    }

    /// The subledger value per account once every transaction is in `sums` (sets `residuals`).
    mutating func finish(_ sums: AccountSums) -> [String: SubledgerComposition] {
        var sums = sums
        if !sums.lastSum.isZero { sums.residual[sums.lastItem, default: .zero] -= sums.lastSum }
        for (item, amount) in sums.residual where !amount.isZero {
            let account = profile(item).inventory
            while sums.totals.count <= account { sums.totals.append(SubledgerComposition()) }
            sums.totals[account].add(.revaluation, amount)
        }
        residuals = sums.residual.filter { !$0.value.isZero }
        var result: [String: SubledgerComposition] = [:]
        for (index, composition) in sums.totals.enumerated() where composition != SubledgerComposition() {
            result[accountNames[index]] = composition
        }
        return result
    }

    /// The subledger amounts per source on each of `accounts`: each transaction without its close
    /// adjustments, each settlement voucher with them, each pool's revaluations. They add up to `byAccount()`.
    mutating func bySource(
        on accounts: Set<String>, settlements: [LoggedSettlement]
    ) -> [String: [AuditSource: Money]] {
        var result: [String: [AuditSource: Money]] = [:]
        var residual: [PoolKey: Total<Money>] = [:]
        for (key, pool) in state.pools where !pool.value.isZero { residual[key, default: .zero] += pool.value }
        let wanted = accountNames.indices.filter { accounts.contains(accountNames[$0]) }
        var targets = [Bool](repeating: false, count: accountNames.count)
        for index in wanted { targets[index] = true }
        func wants(_ index: Int) -> Bool {
            index < targets.count ? targets[index] : accounts.contains(accountNames[index])
        }
        var shares: [Share] = []
        for record in state.transactions.values {
            self.shares(of: record, into: &shares)
            guard !shares.isEmpty, let setup = state.items[record.item] else { continue }
            var sum = Money.zero
            for share in shares {
                sum += share.amount
                if wants(share.account) {
                    result[accountNames[share.account], default: [:]][
                        .transaction(Self.transactionReference(record)), default: .zero] += share.amount
                }
            }
            residual[state.poolKey(item: setup, record.dimensions), default: .zero] -= sum
        }
        for settlement in settlements {
            guard let share = share(of: settlement.entry), wants(share.account) else { continue }
            let record = state.transactions[settlement.entry.transaction]!
            let account = accountNames[share.account]
            result[account, default: [:]][.transaction(Self.transactionReference(record)), default: .zero] -=
                share.amount
            result[account, default: [:]][.settlement(settlement.sequence), default: .zero] += share.amount
        }
        for (key, amount) in residual where !amount.isZero {
            let account = profile(key.item).inventory
            // One pool's revaluations: in range in a ledger the range check wrote (DR-17); clamped, not
            // trapped on, in an older one.
            let clamped = Money(units: narrowClamped(amount.units))
            if wants(account) {
                result[accountNames[account], default: [:]][.revaluation(key), default: .zero] += clamped
            }
        }
        return result
    }

    /// A transfer's receipt leg is reported under its transfer (the GL lines of both legs are one voucher).
    static func transactionReference(_ record: TransactionRecord) -> String {
        record.kind == .transferIn ? SyntheticID.transfer(ofReceipt: record.id) ?? record.id : record.id
    }
}

extension LedgerState {
    /// `accounts(of:)` from the stored account set ids alone (a group of history records shares them).
    func accounts(posted: Int32, invoice: Int32) -> [PostingType: String] {
        guard invoice >= 0 else { return accountSets[posted] }
        return accountSets[posted].merging(accountSets[invoice]) { $1 }
    }
}
