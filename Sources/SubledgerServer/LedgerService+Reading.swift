import Subledger

extension LedgerService {
    /// Runs `body` on a log connection of its own, off the queue: a read-only connection to the file, or
    /// one of the PostgreSQL reading connections (DR-41). Nil, without running it, for a ledger with
    /// neither (in memory): the caller reads on the queue instead.
    func offQueueLog<T: Sendable>(_ body: @escaping @Sendable (LedgerLog) throws -> T) async throws -> T? {
        if let path = filePath {
            return try await offQueue { try body(try LedgerLog(path: path, access: .readOnly)) }
        }
        guard let readers else { return nil }
        return try await offQueue { try readers.withLog(body) }
    }
}
