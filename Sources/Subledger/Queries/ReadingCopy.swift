import SubledgerCore

extension Ledger {
    /// A read-only ledger on the file at `path` that starts from `state` (this ledger's projection, taken
    /// where the ledger lives): the reports that take a second or more on a large ledger (the
    /// reconciliation) run on it on another thread, so the commands waiting for this one do not wait
    /// for them. Copying the state is cheap (copy-on-write); it reads the file through its own read-only
    /// connection (WAL: the owner's commits go on meanwhile, and the copy catches up with them as any
    /// ledger does with another process's).
    public static func readingCopy(path: String, state: LedgerState) throws -> Ledger {
        try Ledger(readingFile: path, state: state)
    }

    /// A reading copy on `log`, a connection of its own to a ledger in another database (PostgreSQL,
    /// DR-41), starting from `state` as `readingCopy(path:state:)` does; `log` is used until the copy is
    /// dropped, by one thread at a time.
    public static func readingCopy(log: LedgerLog, state: LedgerState) -> Ledger {
        Ledger(readingLog: log.log, state: state)
    }
}
