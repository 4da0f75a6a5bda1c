// Where a ledger keeps the transactions its closes move out of the open state (DR-22, DR-50): the SQLite
// file, or the database its log is in when that database has the tables (PostgreSQL from its migration 5).
// A ledger with such a store evicts at every close; one without (a log alone) keeps every transaction in
// memory, and its snapshots hold that whole state.

internal import SubledgerStore

enum HistoryOfTransactions {
    /// The file, else the log's own tables when it has them; nil for a log that keeps none.
    static func store(log: any QueryableEventLog, file: EventStore?) -> (any TransactionHistory)? {
        if let file { return file }
        guard let history = log as? any TransactionHistory, history.hasTransactionHistory else { return nil }
        return history
    }
}
