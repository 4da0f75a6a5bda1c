import SubledgerCore

extension Ledger {
    /// A query filter naming an item the ledger never defined is a mistake (a typo, the wrong ledger), not
    /// a question whose answer is an empty table: it is refused like a command naming it.
    public func requireKnown(item: String?) throws(Rejection) {
        guard let item, state.items[item] == nil else { return }
        throw Rejection(.unknownItem, field: "item", "no item '\(Echo.cut(item))' in this ledger")
    }

    /// The same for a transaction (closing receipts of the weighted average included).
    public func requireKnown(transaction: String?) throws(Rejection) {
        guard let transaction, state.transactions[transaction] == nil else { return }
        if (try? historyRecord(transaction)) != nil { return }
        throw Rejection(.unknownTransaction, field: "tx", "no transaction '\(Echo.cut(transaction))' in this ledger")
    }
}
