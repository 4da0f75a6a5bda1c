/// Two states are equal when every field of their value is: the fields `StateCodec` writes (a snapshot
/// decodes to a state `==` the one encoded). `recalled` is not part of the value: it is what the facade
/// fetched for one decision. Interned account sets compare by their list, which the log's order fixes, so
/// the records' indices into it mean the same on both sides.
extension LedgerState: Equatable {
    public static func == (lhs: LedgerState, rhs: LedgerState) -> Bool {
        lhs.lastSequence == rhs.lastSequence && lhs.eventCount == rhs.eventCount
            && lhs.latestBusinessDate == rhs.latestBusinessDate && lhs.pendingCloseStart == rhs.pendingCloseStart
            && lhs.items == rhs.items && lhs.profiles == rhs.profiles && lhs.pools == rhs.pools
            && lhs.transactions == rhs.transactions && sameMarks(lhs.marks, rhs.marks)
            && lhs.markedSettled == rhs.markedSettled && lhs.ledger == rhs.ledger
            && lhs.ledger.lineCount == rhs.ledger.lineCount
            && lhs.ledger.accountEntries.map(\.name) == rhs.ledger.accountEntries.map(\.name)
            && lhs.accountSets.sets == rhs.accountSets.sets && lhs.closes == rhs.closes
            && lhs.warnings == rhs.warnings
    }

    /// Marks hold tuples, which are not `Equatable`.
    static func sameMarks(
        _ lhs: [String: [(receipt: String, quantity: Quantity)]],
        _ rhs: [String: [(receipt: String, quantity: Quantity)]]
    ) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (issue, marks) in lhs {
            guard let other = rhs[issue], other.count == marks.count,
                zip(marks, other).allSatisfy({ $0.receipt == $1.receipt && $0.quantity == $1.quantity })
            else { return false }
        }
        return true
    }

    /// The interned account sets, in the order they were first seen (records hold indices into it).
    public var accountSetList: [[PostingType: String]] { accountSets.sets }
}
