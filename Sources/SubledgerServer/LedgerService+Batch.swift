import Subledger

extension LedgerService {
    /// A batch as ONE command (every event in one transaction, or none), run alone on the ledger like an
    /// import: a rejection names the line (JSON Lines) or position (JSON array) of the command refused.
    func runBatch(
        _ commands: [(command: LedgerCommand, line: Int)], commandID: String?, actor: String?
    ) async throws -> CommandResult {
        let id = commandID ?? Ledger.randomCommandID()
        return try await onQueue { ledger in
            // Decided on the state moved out, not on a copy: a copy of the state costs every batch 0.13 s on
            // the benchmark ledger, more than the rebuild a refused one costs (DR-27).
            try ledger.executeBatch(
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
