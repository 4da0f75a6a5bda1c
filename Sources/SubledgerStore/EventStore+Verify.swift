// verifyChain: recomputes the hash chain from the first event and cross-checks `commands`, to detect
// edits made behind SQLite's back (triggers dropped, file rewritten). It walks events and commands in
// sequence order side by side in one read transaction, and reports the FIRST bad sequence:
//   - a changed byte in any event column         -> that event's hash no longer matches
//   - a deleted or renumbered event              -> the first missing sequence
//   - rows swapped between sequences             -> the first of them (hash mismatch)
//   - an event no command row covers, or whose command_id differs from the covering command's
//   - events deleted at the end                  -> commands still claim them: the first missing one
//   - command rows whose ranges overlap or whose event_count disagrees with their range
// Not detectable from the file alone: truncating whole trailing commands (events and command rows both;
// keep the last hash elsewhere to catch that) and edits to `commands.kind`/`result`/`actor`, which are not
// hashed (DR-25; SQLite's triggers refuse them, a rewritten file is not caught).

import CSQLite

public enum ChainVerification: Sendable, Equatable {
    case intact(eventCount: Int64, lastHash: [UInt8])
    case broken(firstBadSequence: Int64, reason: String)
}

extension EventStore {
    /// Recomputes every hash in order; `progress(checked, total)` is called every 65,536 events and at the end.
    /// The walk is `ChainVerifier`'s, the one every store uses, fed with this file's rows.
    public func verifyChain(progress: ((Int64, Int64) -> Void)? = nil) throws(StoreError) -> ChainVerification {
        try connection.execute("BEGIN")  // one snapshot for the count, the events and the commands
        defer { try? connection.execute("ROLLBACK") }
        let total = try lastSequence()
        let events = try connection.prepare(
            """
            SELECT sequence, business_date, type, version, payload, command_id, recorded_at, hash
            FROM events ORDER BY sequence
            """)
        let commands = try connection.prepare(
            """
            SELECT command_id, first_sequence, last_sequence, event_count, recorded_at
            FROM commands ORDER BY first_sequence, last_sequence
            """)
        let nextCommand = { () throws -> VerifiedCommandRow? in
            guard try commands.step() else { return nil }
            return VerifiedCommandRow(
                commandID: Array(commands.textBuffer(at: 0)), firstSequence: commands.int64(at: 1),
                lastSequence: commands.int64(at: 2), eventCount: commands.int64(at: 3),
                recordedAt: commands.int64(at: 4))
        }
        var verifier = ChainVerifier()
        do {
            while try events.step() {
                let sequence = events.int64(at: 0)
                if let problem = try verifier.event(
                    sequence: sequence, businessDate: events.int64(at: 1), type: events.textBuffer(at: 2),
                    version: events.int64(at: 3), commandID: events.textBuffer(at: 5),
                    recordedAt: events.int64(at: 6), payload: events.blobBuffer(at: 4),
                    hash: events.blobBuffer(at: 7), nextCommand: nextCommand)
                {
                    return problem
                }
                if sequence & 0xFFFF == 0 { progress?(sequence, total) }
            }
            let verdict = try verifier.end(nextCommand: nextCommand)
            progress?(verifier.eventCount, total)
            return verdict
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(code: SQLITE_ERROR, message: "verify: \(error)")
        }
    }
}
