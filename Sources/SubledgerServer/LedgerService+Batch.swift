import Subledger

extension LedgerService {
    /// A batch as ONE command (every event in one transaction, or none), run alone on the ledger like an
    /// import: a rejection names the line (JSON Lines) or position (JSON array) of the command refused.
    func runBatch(
        _ commands: [(command: LedgerCommand, line: Int)], commandID: String?, actor: String?
    ) async throws -> CommandResult {
        let id = commandID ?? Ledger.randomCommandID()
        return try await onQueue { ledger in
            // Decided on a copy: a refusal leaves the state as it was (no rebuild from the log on the queue).
            try ledger.executeBatchOnCopy(
                commandID: id, kind: "batch", actor: actor, expectedTransactions: commands.count
            ) { submit in
                for (command, line) in commands {
                    do { try submit(command) } catch let rejection as Rejection where rejection.line == nil {
                        throw rejection.at(line: line)
                    }
                }
            }
        }
    }
}
