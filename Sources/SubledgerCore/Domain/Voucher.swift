/// One GL line: debit positive, credit negative. The account is resolved when the event is posted and
/// stored on the event (D16); the posting type says why the line exists.
public struct VoucherLine: Sendable, Equatable, Hashable {
    public var postingType: PostingType
    public var account: String
    public var amount: Money

    public init(_ postingType: PostingType, _ account: String, _ amount: Money) {
        self.postingType = postingType
        self.account = account
        self.amount = amount
    }
}

/// Builds a balanced voucher from a posting profile.
struct VoucherBuilder {
    let profiles: PostingProfiles
    let group: String
    private(set) var lines: [VoucherLine] = []

    init(profiles: PostingProfiles, group: String) {
        self.profiles = profiles
        self.group = group
    }

    /// Debit `amount` on `debit` and credit it on `credit`; a negative amount swaps the sides and zero
    /// posts nothing. `stored` accounts (an earlier posting's, D16) win over the profile.
    mutating func post(
        _ amount: Money, debit: PostingType, credit: PostingType,
        stored: [PostingType: String]? = nil
    ) {
        guard !amount.isZero else { return }
        if amount.isNegative { return post(-amount, debit: credit, credit: debit, stored: stored) }
        // Room for two pairs at once (a receipt or invoice posts two): appending grew the array twice or
        // three times per command, each a new allocation and a copy (DR-65).
        if lines.isEmpty { lines.reserveCapacity(4) }
        lines.append(VoucherLine(debit, account(debit, stored), amount))
        lines.append(VoucherLine(credit, account(credit, stored), -amount))
    }

    private func account(_ type: PostingType, _ stored: [PostingType: String]?) -> String {
        stored?[type] ?? profiles.account(for: type, group: group)
    }

    /// The finished voucher; debits equal credits by construction, checked anyway.
    var balancedLines: [VoucherLine] {
        let total = lines.reduce(Money.zero) { $0 + $1.amount }
        precondition(total.isZero, "unbalanced voucher: \(lines)")
        return lines
    }
}
