/// The GL as a projection of the vouchers on the events: balance per account per business date, so a
/// trial balance can be taken as of any date. Debit positive.
public struct GeneralLedger: Sendable, Equatable {
    public struct Account: Sendable, Equatable {
        public var byDate: [Int32: Money] = [:]
        /// Bit per `PostingType.code` of the posting types that used this account.
        public var postingTypes: UInt32 = 0
    }

    public private(set) var accounts: [String: Account] = [:]
    public private(set) var lineCount = 0

    public init() {}

    mutating func post(_ lines: [VoucherLine], on date: LedgerDate) {
        for line in lines {
            accounts[line.account, default: Account()].byDate[date.yyyymmdd, default: .zero] += line.amount
            accounts[line.account]!.postingTypes |= 1 << UInt32(line.postingType.code)
        }
        lineCount += lines.count
    }

    public func balance(_ account: String, asOf date: LedgerDate = .distantFuture) -> Money {
        guard let entry = accounts[account] else { return .zero }
        var total = Money.zero
        for (day, amount) in entry.byDate where day <= date.yyyymmdd { total += amount }
        return total
    }

    /// Accounts that were posted with a posting type holding inventory value (section 6).
    public var inventoryAccounts: [String] {
        let mask = PostingType.allCases.filter(\.holdsInventoryValue)
            .reduce(UInt32(0)) { $0 | (1 << UInt32($1.code)) }
        return accounts.filter { $0.value.postingTypes & mask != 0 }.map(\.key).sorted()
    }

    public func postingTypes(of account: String) -> [PostingType] {
        guard let bits = accounts[account]?.postingTypes else { return [] }
        return PostingType.allCases.filter { bits & (1 << UInt32($0.code)) != 0 }
    }

    /// Trial balance as of a date: every account with its balance, sorted by account.
    public func trialBalance(asOf date: LedgerDate = .distantFuture) -> [(account: String, balance: Money)] {
        accounts.keys.sorted().map { ($0, balance($0, asOf: date)) }
    }
}
