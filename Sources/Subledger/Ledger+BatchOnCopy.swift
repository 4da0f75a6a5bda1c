import SubledgerCore

extension Ledger {
    /// `executeBatch`, deciding on a copy of the state: a refused batch puts the state it started from
    /// back instead of rebuilding it from the log (0.85 s on a ledger of a million postings, while the
    /// server's queue waits). The copy costs what the batch touches (copy-on-write), and doubles that part
    /// of the memory while the batch runs: for a server's batches, not for an import of a million lines.
    @discardableResult
    public func executeBatchOnCopy(
        commandID: String? = nil, kind: String, actor: String? = nil, expectedTransactions: Int = 0,
        _ produce: (_ submit: (LedgerCommand) throws -> Void) throws -> Void
    ) throws -> CommandResult {
        try catchUp()  // first: catching up a state someone else holds would copy it
        stateBeforeBatch = state
        defer { stateBeforeBatch = nil }
        return try executeBatch(
            commandID: commandID, kind: kind, actor: actor, expectedTransactions: expectedTransactions, produce)
    }

    /// After a command that touched the working state failed: the state before the batch when one was kept
    /// (and no reversal was decided on it, which rebuilt it), else the state rebuilt from the log.
    func restoreOrRebuild() throws {
        if let kept = stateBeforeBatch, !needsRebuildUnlessCommitted {
            state = kept
        } else {
            try rebuild()
        }
    }
}
