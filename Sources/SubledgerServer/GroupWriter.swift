// Group commit (issue 12, item 5; TigerBeetle's batching): the commands that arrive while the ledger is busy
// wait here, and the next job on the ledger's queue takes all of them as ONE group: `Ledger.executeGroup`
// decides each against the open state and appends every accepted one in one durable SQLite transaction. No
// timer holds a command back: an idle ledger takes a lone command at once, a busy one gathers the next group
// while it commits this one. Each request is answered after its group's transaction is durable. A group whose
// transaction waits for the store's lock (another node's group holds it) takes, once the lock is granted,
// what arrived during the wait too, instead of leaving it for the next lock wait (DR-60).

import Subledger
import Synchronization

/// A command of a group once it is durable: its result and the events it appended (for a re-sent one, the
/// first run's, so a replayed response is the first one), read in the same job on the ledger's queue.
public struct CommittedCommand: Sendable {
    public var result: CommandResult
    public var events: [EventRow]
}

/// How many groups were committed and how many commands they held (for the metrics).
public struct GroupStatistics: Sendable, Equatable {
    public var groups = 0
    public var commands = 0
    /// The largest group so far.
    public var largest = 0
    /// Group transactions rolled back and decided again (`Ledger.groupRetries`): a request refused after
    /// touching the state, a close reversal in the caught-up tail; never another node's append (DR-46).
    public var retried = 0

    public init(groups: Int = 0, commands: Int = 0, largest: Int = 0, retried: Int = 0) {
        self.groups = groups
        self.commands = commands
        self.largest = largest
        self.retried = retried
    }
}

final class GroupWriter: Sendable {
    /// A group's size limit, so one group's commit keeps a bounded latency.
    static let maximumGroup = 1_024

    struct Waiting {
        var command: GroupedCommand
        var continuation: CheckedContinuation<CommittedCommand, any Error>
        var arrived: ContinuousClock.Instant
    }

    private struct Queue {
        var waiting: [Waiting] = []
        /// A group job is queued or running on the ledger's queue.
        var scheduled = false
        var statistics = GroupStatistics()
        var phases = GroupPhases()
    }

    private let queue = Mutex(Queue())

    /// Queues `command` for the next group and waits for its result.
    func submit(_ command: GroupedCommand, to service: LedgerService) async throws -> CommittedCommand {
        try await withCheckedThrowingContinuation { continuation in
            let waiting = Waiting(command: command, continuation: continuation, arrived: .now)
            let schedule = queue.withLock { queue in
                queue.waiting.append(waiting)
                guard !queue.scheduled else { return false }
                queue.scheduled = true
                return true
            }
            if schedule { service.scheduleGroup() }
        }
    }

    /// The next group: up to `maximumGroup` of the waiting commands, oldest first. Those that waited
    /// longer than `timeout` are answered 503 instead (their clients may have given up; nothing written).
    func takeGroup(timeout: Duration, limit: Int = maximumGroup) -> [Waiting] {
        let group = queue.withLock { queue in
            let count = min(queue.waiting.count, max(limit, 0))
            let group = Array(queue.waiting.prefix(count))
            queue.waiting.removeFirst(count)
            return group
        }
        let deadline = ContinuousClock.now - timeout
        for waiting in group where waiting.arrived < deadline { waiting.continuation.resume(throwing: Problem.busy) }
        return group.filter { $0.arrived >= deadline }
    }

    var statistics: GroupStatistics { queue.withLock { $0.statistics } }

    var phases: GroupPhases { queue.withLock { $0.phases } }

    /// A group job is queued or running on the ledger's queue: it will catch up with the log under the lock
    /// before it decides anything, so the follower need not read the tail first (DR-51).
    var isScheduled: Bool { queue.withLock { $0.scheduled } }

    var waitingCount: Int { queue.withLock { $0.waiting.count } }

    /// After a group of `size` commands that took `retries` rolled-back transactions: true when more commands
    /// arrived meanwhile (the caller schedules the next group), else the writer goes idle. `phases`, when
    /// given, are the ledger's summed phases so far with the server's response time added.
    func finishGroup(size: Int, retries: Int = 0, phases: GroupPhases? = nil) -> Bool {
        queue.withLock { queue in
            if let phases { queue.phases = phases }
            queue.statistics.retried += retries
            if size > 0 {
                queue.statistics.groups += 1
                queue.statistics.commands += size
                queue.statistics.largest = max(queue.statistics.largest, size)
            }
            if queue.waiting.isEmpty { queue.scheduled = false }
            return queue.scheduled
        }
    }

    /// Answers 503 (nothing written) to each command that has waited longer than `timeout`.
    func expire(olderThan timeout: Duration) {
        let deadline = ContinuousClock.now - timeout
        let expired = queue.withLock { queue in
            let old = queue.waiting.filter { $0.arrived < deadline }
            queue.waiting.removeAll { $0.arrived < deadline }
            return old
        }
        for waiting in expired { waiting.continuation.resume(throwing: Problem.busy) }
    }

    /// Waits until no command is waiting (the server has stopped accepting; the last groups finish).
    func drain(_ service: LedgerService) async {
        while queue.withLock({ $0.scheduled }) {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}

extension LedgerService {
    /// Runs one command through the group writer: answered once the group holding it is durable.
    public func submit(_ command: GroupedCommand) async throws -> CommittedCommand {
        try await writer.submit(command, to: self)
    }

    /// The groups committed so far.
    public var groupStatistics: GroupStatistics { writer.statistics }

    /// The summed phases of the group transactions so far (DR-51), for the shutdown line and the tests.
    public var groupPhases: GroupPhases { writer.phases }

    /// Commands waiting for the next group (the queue's depth, for the metrics).
    public var waitingCommands: Int { writer.waitingCount }

    /// Queues a group job on the ledger's queue.
    func scheduleGroup() {
        runOnQueue { ledger in
            self.runGroup(ledger)
        }
    }

    /// One group: catch up with the log, decide and append all in one transaction, answer each with its
    /// events (the ones it appended, in the same job, not in another trip to the queue).
    private func runGroup(_ ledger: Ledger?) {
        var group = writer.takeGroup(timeout: busyTimeout)
        let retriedBefore = ledger?.groupRetries ?? 0
        var phases: GroupPhases?
        if !group.isEmpty, ledger == nil {
            // Closed: answer these and go on to `finishGroup`, so the writer goes idle and `drain` returns.
            for waiting in group { waiting.continuation.resume(throwing: Problem.shuttingDown) }
        } else if !group.isEmpty, let ledger {
            let results: [Result<GroupAnswer, any Error>]
            do {
                // `executeGroup` catches up under the store's lock, in the group's transaction (DR-46).
                // Those that queued while the group waited for the lock join it under the lock (DR-60).
                let joining = { () -> [GroupedCommand] in
                    let joined = self.writer.takeGroup(
                        timeout: self.busyTimeout, limit: GroupWriter.maximumGroup - group.count)
                    group += joined
                    return joined.map(\.command)
                }
                results = try ledger.executeGroupAnswering(group.map(\.command), joining: joining)
                    .map { $0.mapError { $0 } }
            } catch {
                results = group.map { _ in .failure(error) }
            }
            let answering = ContinuousClock.now
            let answers = committed(results, ledger)
            // The ledger sums its own phases; the answers' time is the server's, added to its earlier total.
            var summed = ledger.groupPhases
            summed.responses = writer.phases.responses + (.now - answering)
            phases = summed
            for (index, waiting) in group.enumerated() {
                // One result per command; a missing one would leave its request waiting forever.
                waiting.continuation.resume(with: index < answers.count ? answers[index] : .failure(Problem.internal))
            }
        }
        let retries = (ledger?.groupRetries ?? retriedBefore) - retriedBefore
        if writer.finishGroup(size: ledger == nil ? 0 : group.count, retries: retries, phases: phases) {
            scheduleGroup()
        }
    }

    /// Each command's events: the group's own, as the ledger appended them, with their sequences, hashes and
    /// actor (DR-51); they used to be read back after the commit, three queries on PostgreSQL on the ledger's
    /// queue before the next group (DR-45, DR-46). A re-sent command's events (its first run's, elsewhere in
    /// the log) are read on their own.
    private func committed(
        _ answers: [Result<GroupAnswer, any Error>], _ ledger: Ledger
    ) -> [Result<CommittedCommand, any Error>] {
        answers.map { answer in
            answer.flatMap { answer in
                guard let events = answer.events else { return committed(answer.result, ledger) }
                return .success(CommittedCommand(result: answer.result, events: events))
            }
        }
    }

    private func committed(_ result: CommandResult, _ ledger: Ledger) -> Result<CommittedCommand, any Error> {
        Result {
            let events =
                result.eventCount == 0
                ? [] : try ledger.events(after: result.firstSequence - 1, limit: result.eventCount)
            return CommittedCommand(result: result, events: events)
        }
    }
}
