/// The GL lines a command's events would post, for the balance check of `checkFigures` (DR-17), in the
/// order the events post them.
///
/// Why not one array of (account, day, amount): a receipt, issue or invoice has one event, whose lines
/// are already an array; copying them into a new one allocated and freed an array per imported line
/// (about 600 instructions with its destruction, DR-65). The first event's lines are kept as they are
/// (a retain of its array) with its day; only the lines of later events (a close, a transfer's
/// cancellations) are copied into `more`. Accounts are compared with `==`, whose inlined bitwise check
/// settles equal ones; `NameHash.same` retained each line's account to read its words (measured: more).
struct ProducedPostings {
    struct Posting { var account: String, day: Int32, amount: Int128 }

    private var firstLines: [VoucherLine] = []
    private var firstDay: Int32 = 0
    private var hasFirst = false
    private var more: [Posting] = []

    mutating func add(_ lines: [VoucherLine], day: Int32) {
        guard !lines.isEmpty else { return }
        guard hasFirst else {
            firstLines = lines
            firstDay = day
            hasFirst = true
            return
        }
        for index in lines.indices {
            more.append(Posting(account: lines[index].account, day: day, amount: Int128(lines[index].amount.units)))
        }
    }

    /// Calls `body` with the day and amount of each posting to `account`, in order.
    @inline(__always)
    func forEach(to account: String, _ body: (_ day: Int32, _ amount: Int128) -> Void) {
        for index in firstLines.indices where firstLines[index].account == account {
            body(firstDay, Int128(firstLines[index].amount.units))
        }
        for index in more.indices where more[index].account == account {
            body(more[index].day, more[index].amount)
        }
    }

    /// Calls `body` once per account posted to, in the order each is first posted to.
    func forEachAccount(_ body: (String) throws(Rejection) -> Void) throws(Rejection) {
        for index in firstLines.indices where !seen(firstLines[index].account, before: index) {
            try body(firstLines[index].account)
        }
        for index in more.indices where !seen(more[index].account, before: firstLines.count + index) {
            try body(more[index].account)
        }
    }

    /// Whether the posting at `position` (counting the first event's lines, then `more`) has an account
    /// an earlier one has.
    private func seen(_ account: String, before position: Int) -> Bool {
        let inFirst = min(position, firstLines.count)
        for index in 0..<inFirst where firstLines[index].account == account { return true }
        for index in 0..<(position - inFirst) where more[index].account == account { return true }
        return false
    }
}
