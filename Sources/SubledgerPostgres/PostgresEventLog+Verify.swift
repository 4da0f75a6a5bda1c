// verifyChain on PostgreSQL: the events and the command rows read side by side through two server-side
// cursors in one REPEATABLE READ transaction (one snapshot, a page of rows in memory at a time), fed to
// the same walk as SQLite's verify (ChainVerifier): the first bad sequence and why.

import PostgresNIO
import SubledgerCore
import SubledgerStore

extension PostgresEventLog {
    public func verifyChain(progress: ((Int64, Int64) -> Void)? = nil) throws -> ChainVerification {
        guard !isAppending else { throw StoreError.misusedLog("verifyChain called from inside an append body") }
        try session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        defer { _ = try? session.execute("ROLLBACK") }
        let total = try lastSequence()
        try session.execute(
            "DECLARE verify_events NO SCROLL CURSOR FOR SELECT \(Self.eventColumns) FROM events ORDER BY sequence")
        try session.execute(
            """
            DECLARE verify_commands NO SCROLL CURSOR FOR
            SELECT command_id, first_sequence, last_sequence, event_count, recorded_at FROM commands
            ORDER BY first_sequence, last_sequence
            """)
        var commands = CommandPages(session: session)
        var verifier = ChainVerifier()
        while true {
            let fetch = "FETCH \(Self.pageSize) FROM verify_events"
            let rows = try session.execute(fetch)
            var count = 0
            for row in rows {
                count += 1
                let event = try EventRow(row, session, sql: fetch)
                if let verdict = try event.verify(&verifier, nextCommand: { try commands.next() }) { return verdict }
                if event.sequence & 0xFFFF == 0 { progress?(event.sequence, total) }
            }
            if count < Self.pageSize { break }
        }
        let verdict = try verifier.end(nextCommand: { try commands.next() })
        if case .intact(let count, _) = verdict { progress?(count, total) }
        return verdict
    }
}

/// The command rows, fetched a page at a time from the `verify_commands` cursor.
private struct CommandPages {
    let session: PostgresSession
    var page: [VerifiedCommandRow] = []
    var index = 0
    var done = false

    init(session: PostgresSession) { self.session = session }

    mutating func next() throws -> VerifiedCommandRow? {
        if index == page.count {
            guard !done else { return nil }
            let fetch = "FETCH \(PostgresEventLog.pageSize) FROM verify_commands"
            page = []
            index = 0
            for row in try session.execute(fetch) {
                let (id, first, last, count, recordedAt) = try row.decode((ByteBuffer, Int64, Int64, Int64, Int64).self)
                page.append(
                    VerifiedCommandRow(
                        commandID: Array(id.readableBytesView), firstSequence: first, lastSequence: last,
                        eventCount: count, recordedAt: recordedAt))
            }
            done = page.count < PostgresEventLog.pageSize
            guard !page.isEmpty else { return nil }
        }
        defer { index += 1 }
        return page[index]
    }
}

extension EventRow {
    func verify(
        _ verifier: inout ChainVerifier, nextCommand: () throws -> VerifiedCommandRow?
    ) throws -> ChainVerification? {
        try withBytes { type, payload, commandID, hash in
            try verifier.event(
                sequence: sequence, businessDate: Int64(businessDate), type: type, version: Int64(version),
                commandID: commandID, recordedAt: recordedAt, payload: payload, hash: hash,
                nextCommand: nextCommand)
        }
    }
}
