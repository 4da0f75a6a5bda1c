// Group commit (issue 12, item 5): requests that arrive together are decided one after another against the
// open state and appended in ONE SQLite transaction, so one durable commit answers all of them. Each
// request keeps its own command record, id and outcome: a refused one writes nothing and does not fail its
// neighbours, a re-sent id answers its first result. See DR-25.
//
// A request refused before it touched the state (every single command: `decide` throws before it changes
// anything) is simply left out. A multi-command request refused part-way has applied events to the working
// state and inserted rows; neither can be undone piecewise (the log refuses DELETE, the state is moved, not
// copied, to keep a large one cheap), so the group's transaction is rolled back, the state rebuilt from the
// log, and the group decided again without that request. Rare, slower, and the same outcome.

import SubledgerCore
internal import SubledgerStore

/// One request of a group: the commands appended as one command record under `commandID`.
public struct GroupedCommand: Sendable {
    /// The Idempotency-Key, or a generated id.
    public var commandID: String
    /// Recorded as the command's kind, as `executeBatch`'s kind ("post", "batch", ...).
    public var kind: String
    /// The name of the token whose request this is, recorded with the command; nil for the local CLI.
    public var actor: String?
    /// One command for a single posting, many for an atomic batch (all of them or none).
    public var commands: [LedgerCommand]

    public init(commandID: String, kind: String, actor: String?, commands: [LedgerCommand]) {
        self.commandID = commandID
        self.kind = kind
        self.actor = actor
        self.commands = commands
    }

    /// One command under its own kind name ("receive", "issue", ...), as `execute` records it.
    public static func single(_ command: LedgerCommand, commandID: String, actor: String?) -> GroupedCommand {
        GroupedCommand(commandID: commandID, kind: Ledger.kindName(command), actor: actor, commands: [command])
    }

    /// Closes, recalculations and reversals are not grouped (see `executeGroup`).
    var isPeriodCommand: Bool {
        commands.contains { command in
            switch command {
            case .close, .recalculate, .reverseClose: return true
            default: return false
            }
        }
    }
}

/// A request's outcome in a group and, when it appended, its events as a read of the log gives them back.
public struct GroupAnswer: Sendable {
    public var result: CommandResult
    /// The events this request appended, with their sequences, hashes and actor, as `events(after:limit:)`
    /// would read them after the commit (DR-51: the server answers from these instead of reading them back);
    /// nil for a re-sent id, whose events are its first run's.
    public var events: [EventRow]?
}

extension Ledger {
    /// Decides the commands one after another against the open state and appends all that are accepted in
    /// ONE SQLite transaction (durable, synchronous=FULL), then returns one outcome per request, in order.
    /// A refused request (a rejection, `command-id-conflict`) gets its error and writes nothing; it does not
    /// fail its neighbours. An id recorded before, or earlier in the same group, answers that command's
    /// result (`duplicate` set) when the content is the same, and `command-id-conflict` otherwise, as
    /// `execute` does. Closes, recalculations and reversals are refused here (`malformed`, field
    /// `command`): they store snapshots and history after their commit, so run them with `execute`.
    /// Another process's appends are caught up under the store's write lock, inside the group's transaction
    /// (DR-46), so no other writer can come between the catch-up and the group's commit.
    /// Throws only when the group as a whole could not be committed (I/O error): then nothing was written.
    public func executeGroup(_ requests: [GroupedCommand]) throws -> [Result<CommandResult, LedgerError>] {
        try executeGroupAnswering(requests).map { $0.map(\.result) }
    }

    /// `executeGroup`, each accepted request with the events it appended (`GroupAnswer`). `joining`, when
    /// given, is asked once the store's write lock is held (each attempt, before anything is decided) for
    /// the requests that arrived meanwhile: they join this group, after `requests`, and their outcomes follow
    /// `requests`' in the result (DR-60: a group waiting for another node's lock takes what queued up during
    /// the wait instead of leaving it to the next group).
    public func executeGroupAnswering(
        _ requests: [GroupedCommand], joining: (() -> [GroupedCommand])? = nil
    ) throws -> [Result<GroupAnswer, LedgerError>] {
        var requests = requests
        // Requests refused up front or after touching the state: left out of every (re)try.
        var refused: [Int: LedgerError] = [:]
        for (index, request) in requests.enumerated() {
            if let refusal = Ledger.refusal(of: request) { refused[index] = .rejected(refusal) }
        }
        while true {
            switch try attemptGroup(&requests, leavingOut: &refused, joining: joining) {
            case .committed(let results):
                return results
            case .reversalInTail:
                groupRetries += 1
                try catchUp()  // rule R reads the tail's reversals before it folds any of the tail
            case .refusedPartWay(let index, let error):
                groupRetries += 1
                refused[index] = error
            }
        }
    }

    /// Why `request` is refused before anything is decided, if it is.
    static func refusal(of request: GroupedCommand) -> Rejection? {
        if request.isPeriodCommand {
            return Rejection(
                .malformed, field: "command",
                "a close, recalculation or reversal is not run in a group: run it on its own")
        }
        do { try checkActor(request.actor) } catch { return error }
        return nil
    }

    /// An actor is a token's name: 1 to 200 bytes, no control characters (it is shown in one table cell).
    static func checkActor(_ actor: String?) throws(Rejection) {
        guard let actor else { return }
        guard (1...200).contains(actor.utf8.count),
            !actor.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else {
            throw Rejection(
                .invalidName, field: "actor",
                "an actor is a token name of 1 to 200 bytes without control characters; nothing appended")
        }
    }

    private enum GroupAttempt {
        case committed([Result<GroupAnswer, LedgerError>])
        /// The tail another writer appended reverses a close: caught up by `catchUp` (rule R), then redone.
        case reversalInTail
        case refusedPartWay(Int, LedgerError)
    }

    /// A request refused after its events were applied to the working state: the group must be redone.
    private struct RefusedPartWay: Error {
        var index: Int
        var error: LedgerError
    }

    /// One try at committing the group: the store takes its lock, hands over the events other writers
    /// appended since this state was built (folded into the working state: they are committed, so they stay
    /// in `state` whatever happens to the group), then the requests are decided and appended.
    private func attemptGroup(
        _ requests: inout [GroupedCommand], leavingOut refused: inout [Int: LedgerError],
        joining: (() -> [GroupedCommand])?
    ) throws -> GroupAttempt {
        // Moved out, not copied, as in executeBatch; rebuilt from the log if the group fails after touching it.
        var working = state
        state = LedgerState()
        var results: [Result<GroupAnswer, LedgerError>] = []
        results.reserveCapacity(requests.count)
        var touched = false
        var tail = GroupTail(log)
        var timer = GroupTimer()
        defer { timer.finish(into: &groupPhases, lockWait: { log.lastLockWait }) }
        do {
            let ids = requests.indices.filter { refused[$0] == nil }.map { requests[$0].commandID }
            try log.appendCommandGroup(
                after: working.lastSequence, commandIDs: ids,
                catchingUp: {
                    timer.handOver()
                    try tail.fold($0, into: &working)
                }
            ) { group in
                timer.handOver()
                defer { timer.decide() }
                if let joining { try Ledger.join(joining(), to: &requests, refused: &refused, group: &group) }
                for (index, request) in requests.enumerated() {
                    if let error = refused[index] {
                        results.append(.failure(error))
                    } else {
                        results.append(try append(request, index: index, to: &group, &working, touched: &touched))
                    }
                }
            }
        } catch let partWay as RefusedPartWay {
            try rebuild()
            return .refusedPartWay(partWay.index, partWay.error)
        } catch {
            if tail.contradicted {
                throw error  // as `catchUp`: the state stays empty, so the next catch-up replays and fails again
            } else if touched {
                try rebuild()
            } else {
                state = working  // the events folded so far: a prefix of the log
            }
            if error is GroupTail.ReversalInTail { return .reversalInTail }
            if let storeError = error as? StoreError { throw LedgerError(storeError) }
            throw error
        }
        state = working
        state.keepsEvicted = false
        return .committed(results)
    }

    /// Adds the requests that arrived while the group waited for the lock (DR-60) and has the store look up
    /// their ids together (one wait on PostgreSQL, not one each). Called under the lock, before any decision.
    private static func join(
        _ joined: [GroupedCommand], to requests: inout [GroupedCommand], refused: inout [Int: LedgerError],
        group: inout any CommandSink
    ) throws {
        guard !joined.isEmpty else { return }
        var ids: [String] = []
        for request in joined {
            if let refusal = Ledger.refusal(of: request) {
                refused[requests.count] = .rejected(refusal)
            } else {
                ids.append(request.commandID)
            }
            requests.append(request)
        }
        try group.lookUp(commandIDs: ids)
    }

    /// Decides and appends one request inside the group's transaction; its outcome, or `RefusedPartWay`.
    private func append(
        _ request: GroupedCommand, index: Int, to group: inout any CommandSink, _ working: inout LedgerState,
        touched groupTouched: inout Bool
    ) throws -> Result<GroupAnswer, LedgerError> {
        var content = CommandContentHasher()
        var decided = false
        var touched = false
        var rows: [EventRow] = []
        let outcome: AppendOutcome
        let recordedAt = clock()
        do {
            outcome = try group.appendCommand(
                commandID: request.commandID, kind: request.kind, recordedAt: recordedAt, actor: request.actor,
                contentHash: {
                    if !decided { content = Ledger.hashing(request.commands) }
                    return content.finalize()
                }
            ) { batch in
                decided = true
                for command in request.commands {
                    content.add(command)
                    for (event, date) in try decide(command, on: &working) {
                        touched = true
                        groupTouched = true
                        let envelope = try append(event, date: date, to: &batch, applyingTo: &working)
                        let hash = try batch.lastHash
                        rows.append(
                            try Ledger.row(
                                envelope, sequence: batch.lastSequence, hash: hash, of: request,
                                recordedAt: recordedAt))
                    }
                }
                return "{\"events\":\(batch.count)}"
            }
        } catch let rejection as Rejection {
            guard touched else { return .failure(.rejected(rejection)) }
            throw RefusedPartWay(index: index, error: .rejected(rejection))
        }
        switch outcome {
        case .appended(let record):
            return .success(GroupAnswer(result: CommandResult(record, duplicate: false), events: rows))
        case .duplicate(let record):
            return .success(GroupAnswer(result: CommandResult(record, duplicate: true), events: nil))
        case .idConflict(let record, let hash):
            let conflict = Ledger.conflict(record, kind: request.kind, summary: content.summary, hash: hash)
            return .failure(.rejected(conflict))
        case .conflict:  // not an outcome of a command inside a group (the group checked the log's end)
            throw LedgerError.storage("a grouped command met a concurrent append inside its own transaction")
        }
    }

    /// An appended event as a read of the log returns it: decoded from its own envelope (the bytes stored),
    /// so the answer is the one a read after the commit gave (DR-51).
    private static func row(
        _ envelope: EventEnvelope, sequence: Int64, hash: SHA256.Digest, of request: GroupedCommand, recordedAt: Int64
    ) throws -> EventRow {
        let stored = StoredEvent(
            sequence: sequence, envelope: envelope, commandID: request.commandID, recordedAt: recordedAt,
            hash: hash.bytes)
        do throws(PayloadDecodingError) {
            return EventRow(stored: stored, event: try EventCatalog.decode(envelope), actor: request.actor)
        } catch {
            throw LedgerError.corruptEvent(sequence: sequence, message: error.description)
        }
    }

    private static func hashing(_ commands: [LedgerCommand]) -> CommandContentHasher {
        var hasher = CommandContentHasher()
        for command in commands { hasher.add(command) }
        return hasher
    }
}
