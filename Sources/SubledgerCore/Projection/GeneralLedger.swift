/// The GL as a projection of the vouchers on the events: balance per account per business date, so a
/// trial balance can be taken as of any date. Debit positive.
public struct GeneralLedger: Sendable, Equatable {
    public struct Account: Sendable, Equatable {
        public var name: String
        /// Business dates posted to, ascending, and the net amount of each. Postings arrive mostly in
        /// date order, so adding to the last day is the common case (no hashing per line).
        public var days: [Int32] = []
        public var amounts: [Money] = []
        /// Bit per `PostingType.code` of the posting types that used this account.
        public var postingTypes: UInt32 = 0
        /// Sum of `amounts` (the balance as of the last day), kept for the range check of `decide` (DR-17).
        public var total = Total<Money>()
        /// Sum of the magnitudes of every line posted (of each day's net after a snapshot load): no balance
        /// as of any date exceeds it, so while it is in range a backdated posting needs no scan of the days
        /// (DR-17). A bound, not a figure: it depends on how the account was loaded, so equality ignores it.
        public var gross = Total<Money>()

        public static func == (lhs: Account, rhs: Account) -> Bool {
            lhs.name == rhs.name && lhs.days == rhs.days && lhs.amounts == rhs.amounts
                && lhs.postingTypes == rhs.postingTypes && lhs.total == rhs.total
        }
    }

    private var entries: [Account] = []
    private var index: [String: Int] = [:]
    /// The last few accounts posted to: replay hits the same handful of accounts again and again, and a
    /// small-string comparison is cheaper than hashing.
    private var recent = RecentNames()
    public internal(set) var lineCount = 0

    public init() {}

    public static func == (lhs: GeneralLedger, rhs: GeneralLedger) -> Bool {
        lhs.entries.sorted { $0.name < $1.name } == rhs.entries.sorted { $0.name < $1.name }
    }

    private mutating func slot(_ account: String) -> Int {
        if let slot = recent.slot(of: account) { return slot }
        let slot: Int
        if let existing = index[account] {
            slot = existing
        } else {
            slot = entries.count
            entries.append(Account(name: account))
            index[account] = slot
        }
        recent.remember(account, slot: slot)
        return slot
    }

    /// The slot of `account` without hashing when it is one of the last few posted to (`decide` checks the
    /// accounts the fold just posted to), else by the index.
    private func lookup(_ account: String) -> Int? {
        recent.slot(of: account) ?? index[account]
    }

    mutating func post(_ lines: [VoucherLine], on date: LedgerDate) throws(FoldFailure) {
        // By index: iterating copied each line (its account retained and released).
        for index in lines.indices {
            let slot = slot(lines[index].account)
            try entries[slot].add(lines[index].amount, on: date.yyyymmdd)
            entries[slot].postingTypes |= 1 << UInt32(lines[index].postingType.code)
        }
        lineCount += lines.count
    }

    public var accountNames: [String] { entries.map(\.name).sorted() }

    /// Every account with its amounts per business date, in the order first posted to.
    public var accountEntries: [Account] { entries }

    /// The balance as of `date`. Every balance as of every date stays in the money range (`decide` checks
    /// it, DR-17), so it fits a `Money`; a log written before that check is clamped, not trapped on.
    public func balance(_ account: String, asOf date: LedgerDate = .distantFuture) -> Money {
        Money(units: narrowClamped(balanceTotal(account, asOf: date).units))
    }

    /// The balance as of `date`, summed in `Int128`.
    public func balanceTotal(_ account: String, asOf date: LedgerDate = .distantFuture) -> Total<Money> {
        guard let slot = index[account] else { return .zero }
        let account = entries[slot]
        if date.yyyymmdd >= (account.days.last ?? 0) { return account.total }
        var total = Total<Money>()
        for (day, amount) in zip(account.days, account.amounts) where day <= date.yyyymmdd { total += amount }
        return total
    }

    /// The first balance (as of any date) of `account` that would leave the money range if its entries
    /// of `postings` were added, or nil. Postings on or after the last day touch only the closing balance
    /// (O(1), the common case). A backdated one changes every balance from its day on; while the sum of
    /// the magnitudes of every line posted (`gross`) stays in range no balance can leave it, so the days
    /// are scanned only past that (or when `scan` asks for it, after a close).
    func balanceOutOfRange(
        _ account: String, adding postings: ProducedPostings,
        scan: Bool = false
    ) -> Int128? {
        // Read in place, not copied (an account copy retained and released its arrays, per imported line).
        let slot = lookup(account)
        var closing = slot.map { entries[$0].total.units } ?? 0, gross = slot.map { entries[$0].gross.units } ?? 0
        var first = Int32.max
        postings.forEach(to: account) { day, amount in
            closing += amount
            gross += Int128(amount.magnitude)
            first = min(first, day)
        }
        if !Limits.contains(money: closing) { return closing }
        guard let slot, scan || first < (entries[slot].days.last ?? Int32.min), !Limits.contains(money: gross) else {
            return nil
        }
        let existing = entries[slot]
        if scan { first = Int32.min }
        var days = Set(existing.days)
        postings.forEach(to: account) { day, _ in days.insert(day) }
        var running: Int128 = 0, cursor = 0
        for day in days.sorted() {
            while cursor < existing.days.count, existing.days[cursor] <= day {
                running += Int128(existing.amounts[cursor].units)
                cursor += 1
            }
            var balance = running
            postings.forEach(to: account) { posted, amount in if posted <= day { balance += amount } }
            if day >= first, !Limits.contains(money: balance) { return balance }
        }
        return nil
    }

    /// Accounts that were posted with a posting type holding inventory value (section 6).
    public var inventoryAccounts: [String] {
        let mask = PostingType.allCases.filter(\.holdsInventoryValue)
            .reduce(UInt32(0)) { $0 | (1 << UInt32($1.code)) }
        return entries.filter { $0.postingTypes & mask != 0 }.map(\.name).sorted()
    }

    public func postingTypes(of account: String) -> [PostingType] {
        guard let slot = index[account] else { return [] }
        let bits = entries[slot].postingTypes
        return PostingType.allCases.filter { bits & (1 << UInt32($0.code)) != 0 }
    }

    /// Trial balance as of a date: every account with its balance, sorted by account.
    public func trialBalance(asOf date: LedgerDate = .distantFuture) -> [(account: String, balance: Money)] {
        accountNames.map { ($0, balance($0, asOf: date)) }
    }
}

extension GeneralLedger.Account {
    mutating func add(_ amount: Money, on day: Int32) throws(FoldFailure) {
        total += amount
        gross.units += Int128(amount.units.magnitude)  // as UInt64: no trap on the most negative amount
        if let last = days.last, last == day {
            try amounts[amounts.count - 1].add(amount)
        } else if days.last.map({ $0 < day }) ?? true {
            days.append(day)
            amounts.append(amount)
        } else {
            var low = 0, high = days.count
            while low < high {
                let middle = (low + high) / 2
                if days[middle] < day { low = middle + 1 } else { high = middle }
            }
            if low < days.count, days[low] == day {
                try amounts[low].add(amount)
            } else {
                days.insert(day, at: low)
                amounts.insert(amount, at: low)
            }
        }
    }
}
