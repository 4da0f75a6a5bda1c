import SubledgerCodec
import SubledgerCore

/// One balance of an external trial balance (the company's GL, exported as CSV).
public struct ExternalBalance: Sendable, Equatable {
    public var account: String
    /// Debit positive.
    public var balance: Money
    /// Line of the CSV file it came from.
    public var line: Int

    public init(account: String, balance: Money, line: Int) {
        self.account = account
        self.balance = balance
        self.line = line
    }
}

public enum ExternalTrialBalance {
    /// Reads `account,balance` CSV: a header row, then one account per row, amounts as exact decimals (debit
    /// positive, at most 2 decimals). Anything else is rejected naming its line: `malformed` (CSV syntax,
    /// header, field count, empty or repeated account) or `invalid-amount` (the balance).
    public static func parse(_ text: String) throws(Rejection) -> [ExternalBalance] {
        let records: [CSVRecord]
        do throws(CSVSyntaxError) { records = try CSV.parse(text) } catch {
            throw Rejection(.malformed, error.message, line: error.line)
        }
        guard let header = records.first else {
            throw Rejection(.malformed, "the trial balance is empty: expected a header row 'account,balance'", line: 1)
        }
        let names = header.fields.map { trimmed($0).lowercased() }
        guard names == ["account", "balance"] else {
            throw Rejection(
                .malformed,
                "expected the header row 'account,balance', found '\(Echo.cut(header.fields.joined(separator: ",")))'",
                line: header.line)
        }
        var balances: [ExternalBalance] = []
        var seen: [String: Int] = [:]
        for record in records.dropFirst() {
            guard record.fields.count == 2 else {
                throw Rejection(
                    .malformed, "expected 2 fields (account,balance), found \(record.fields.count)",
                    line: record.line)
            }
            let account = trimmed(record.fields[0]), amount = trimmed(record.fields[1])
            guard !account.isEmpty else {
                throw Rejection(.malformed, field: "account", "the account is empty", line: record.line)
            }
            if let first = seen[account] {
                throw Rejection(
                    .malformed, field: "account",
                    "account '\(Echo.cut(account))' is listed twice (first on line \(first))",
                    line: record.line)
            }
            let balance: Money
            do throws(NumberError) { balance = try Money(parsing: amount) } catch {
                let reason: String
                switch error {
                case .malformed: reason = "is not a decimal number"
                case .tooManyDecimals(let allowed): reason = "has more than \(allowed) decimals"
                case .outOfRange: reason = "is out of range"
                case .exponent: reason = "is in exponent notation, which is not accepted"
                }
                throw Rejection(
                    .invalidAmount, field: "balance",
                    "balance '\(Echo.cut(amount))' of account '\(Echo.cut(account))' \(reason)",
                    line: record.line)
            }
            // DR-17: a balance out of the ledger's money range is refused here, naming its line, so the
            // comparison's differences stay in range.
            guard Limits.contains(balance) else {
                throw Rejection(
                    .invalidAmount, field: "balance",
                    "balance '\(amount)' of account '\(account)' is out of range: amounts are at most \(Limits.maximumMoney.formatted(minimumDecimals: 0)) in magnitude",
                    line: record.line)
            }
            seen[account] = record.line
            balances.append(ExternalBalance(account: account, balance: balance, line: record.line))
        }
        return balances
    }

    static func trimmed(_ text: String) -> String {
        var view = Substring(text)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }
}

/// Why an external balance differs from the ledger's GL (valuation-rules.md section 6, typical causes).
public enum ExternalExplanation: Sendable, Equatable {
    case agrees
    /// The ledger posted to the account (non-zero balance) but the external trial balance does not list it.
    case missingInExternal
    /// The external trial balance lists an account (non-zero) the subledger never posted to.
    case missingInLedger
    /// The external balance is the ledger's less its physically-only (packing slip / product receipt)
    /// amounts: physical updates were not posted to the company's ledger (1.4).
    case physicalNotPosted(amount: Money)
    /// The external balance equals the ledger's balance as of another date: it was taken including postings
    /// dated after the as-of date (a later date), or without some on or before it (an earlier date).
    case otherDate(LedgerDate)
    /// An inventory account differs by an amount the subledger did not post: manual GL postings.
    case manualPosting(amount: Money)
    /// A non-inventory account differs: postings from outside the subledger.
    case outsideSubledger(amount: Money)

    public var code: String {
        switch self {
        case .agrees: return "agrees"
        case .missingInExternal: return "missing-in-external"
        case .missingInLedger: return "missing-in-ledger"
        case .physicalNotPosted: return "physical-not-posted"
        case .otherDate: return "other-date"
        case .manualPosting: return "manual-posting"
        case .outsideSubledger: return "outside-subledger"
        }
    }
}

/// One account of the external trial balance beside the ledger's GL.
public struct ExternalComparisonRow: Sendable, Equatable {
    public var account: String
    /// Posted by the subledger with an inventory-holding posting type.
    public var isInventory: Bool
    /// nil when the ledger never posted to the account.
    public var ledger: Money?
    /// nil when the external trial balance does not list the account.
    public var external: Money?
    public var explanation: ExternalExplanation
    /// The external balance's CSV line.
    public var line: Int?

    /// External minus ledger (a missing side counts as zero).
    public var difference: Money { (external ?? .zero) - (ledger ?? .zero) }

    /// A sentence for people.
    public func message(asOf date: LedgerDate) -> String {
        switch explanation {
        case .agrees: return "agrees"
        case .missingInExternal:
            return "missing in the external trial balance: the subledger posted \(ledger ?? .zero) here"
        case .missingInLedger: return "not in the ledger's GL: the subledger never posted to this account"
        case .physicalNotPosted(let amount):
            return
                "physical postings not posted to the ledger: external = ledger less the physically-only amounts (\(amount))"
        case .otherDate(let other) where other > date:
            return
                "postings after the date: external equals the ledger's balance as of \(other), which includes postings dated after \(date)"
        case .otherDate(let other):
            return
                "external equals the ledger's balance as of \(other): it lacks postings dated after \(other) through \(date)"
        case .manualPosting(let amount):
            return
                "manual postings on an inventory account: \(amount) in the external GL that the subledger did not post"
        case .outsideSubledger(let amount):
            return "postings from outside the subledger: \(amount)"
        }
    }
}

extension ExternalTrialBalance {
    /// Compares the external balances with the ledger's GL as of `date`. `physical` is the physically-only
    /// amount per inventory account (received and shipped, not invoiced) as of the date; `dates` gives the
    /// business dates to try when looking for a balance taken as of another date. It is called at most once,
    /// and only when an account differs in a way nothing else explains: finding the dates reads every
    /// settlement of the log, which a trial balance that agrees (or differs only by its physical amounts, or
    /// by an account missing on one side) does not need.
    static func compare<Failure: Error>(
        _ external: [ExternalBalance], ledger: GeneralLedger, asOf date: LedgerDate,
        physical: [String: Money], dates businessDates: () throws(Failure) -> [LedgerDate]
    ) throws(Failure) -> [ExternalComparisonRow] {
        let inventory = Set(ledger.inventoryAccounts)
        let known = Set(ledger.accountNames)
        let byAccount = Dictionary(external.map { ($0.account, $0) }, uniquingKeysWith: { first, _ in first })
        let accounts = Set(byAccount.keys).union(known).sorted()
        var rows: [ExternalComparisonRow] = []
        var found: [LedgerDate]?
        for account in accounts {
            let ours = known.contains(account) ? ledger.balance(account, asOf: date) : nil
            let theirs = byAccount[account]
            var row = ExternalComparisonRow(
                account: account, isInventory: inventory.contains(account), ledger: ours,
                external: theirs?.balance, explanation: .agrees, line: theirs?.line)
            defer { rows.append(row) }
            guard !row.difference.isZero else { continue }
            guard let ours else { row.explanation = .missingInLedger; continue }
            guard let theirs = theirs?.balance else { row.explanation = .missingInExternal; continue }
            if row.isInventory, let amount = physical[account], !amount.isZero, theirs == ours - amount {
                row.explanation = .physicalNotPosted(amount: amount)
                continue
            }
            // A balance taken as of another date: the nearest later date first, then the nearest earlier one.
            let dates: [LedgerDate]
            if let found { dates = found } else { dates = try businessDates() }
            found = dates
            let later = dates.first { $0 > date && ledger.balance(account, asOf: $0) == theirs }
            let earlier = dates.reversed().first { $0 < date && ledger.balance(account, asOf: $0) == theirs }
            if let other = later ?? earlier {
                row.explanation = .otherDate(other)
                continue
            }
            row.explanation =
                row.isInventory ? .manualPosting(amount: row.difference) : .outsideSubledger(amount: row.difference)
        }
        return rows
    }
}
