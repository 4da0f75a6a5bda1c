// A group's answers and its phase counters (DR-51): each request is answered with the events the group
// appended, byte for byte what reading them back after the commit gives; the node times each group
// transaction's phases for its shutdown line; the follower leaves the tail to a group queued behind it.
// On a SQLite file and, when a test server is up, on PostgreSQL (blocking work through `offPool`).

import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerPostgres
@testable import SubledgerServer

@Suite struct GroupPhaseTests {
    static func receipt(_ tx: String, qty: String = "1") throws -> LedgerCommand {
        try Posting.command("receive", "date=2026-01-05 item=A tx=\(tx) qty=\(qty) cost=2.50")
    }

    /// Twelve requests held until they form one group: single postings, a two-command batch, one refused, one
    /// re-sent id; a token's name as the actor.
    static func requests() throws -> [GroupedCommand] {
        var requests = try (0..<8).map { index in
            GroupedCommand.single(try receipt("R\(index)"), commandID: "c\(index)", actor: "clerk")
        }
        requests.append(
            GroupedCommand(
                commandID: "pair", kind: "batch", actor: nil, commands: [try receipt("B1"), try receipt("B2")]))
        requests.append(.single(try receipt("R0"), commandID: "refused", actor: nil))  // R0 exists: refused
        requests.append(.single(try receipt("R1"), commandID: "c1", actor: "clerk"))  // c1 again
        // On PostgreSQL a group's values are inlined in one block (DR-51): quotes, dollars, the block's own
        // delimiter, a backslash and non-ASCII text must come back as sent.
        let awkward = "it's $subledger_group$ END; '\\x00' \u{00FC}\u{1F600}"
        requests.append(.single(try receipt("R9", qty: "3"), commandID: awkward, actor: "o'clerk $$"))
        return requests
    }

    /// Submits `requests` while the queue is held, so they commit as one group; their outcomes in order.
    static func oneGroup(
        _ service: LedgerService, _ requests: [GroupedCommand]
    ) async throws -> [Result<CommittedCommand, any Error>] {
        let gate = Gate()
        service.runOnQueue { _ in gate.wait() }
        try await waitUntil { gate.isBlocking }
        return try await withThrowingTaskGroup(of: (Int, Result<CommittedCommand, any Error>).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask {
                    do { return (index, .success(try await service.submit(request))) } catch {
                        return (index, .failure(error))
                    }
                }
            }
            try await waitUntil { service.waitingCommands == requests.count }
            gate.open()
            var outcomes: [Int: Result<CommittedCommand, any Error>] = [:]
            for try await (index, outcome) in group { outcomes[index] = outcome }
            return requests.indices.map { outcomes[$0]! }
        }
    }

    /// Every answer's JSON against the same command's events read from the log after the commit.
    static func checkAnswers(_ service: LedgerService, _ outcomes: [Result<CommittedCommand, any Error>]) async throws {
        #expect(outcomes.filter { (try? $0.get()) == nil }.count == 1, "only the refused request fails")
        var answered = 0
        for case .success(let committed) in outcomes {
            let result = committed.result
            let readBack = try await service.read { ledger in
                try ledger.events(after: result.firstSequence - 1, limit: result.eventCount)
            }
            #expect(!committed.events.isEmpty)
            #expect(
                CommandJSON.result(result, events: committed.events).serialized()
                    == CommandJSON.result(result, events: readBack).serialized())
            answered += 1
        }
        #expect(answered == 11)
        let awkward = try #require(outcomes.last).get().result
        let stored = try await service.read { ledger in try ledger.commands().last }
        #expect(stored?.commandID == awkward.commandID && stored?.actor == "o'clerk $$")
        #expect(awkward.commandID.hasPrefix("it's $subledger_group$"))
        let actors = outcomes.compactMap { try? $0.get() }.flatMap(\.events).map(\.actor)
        #expect(actors.contains("clerk") && actors.contains(nil))
    }

    /// The counters count: one timed transaction per group, every phase with time in it; the lock's wait only
    /// where the store can tell it (PostgreSQL).
    static func checkPhases(_ service: LedgerService, lockWaits: Bool) {
        let phases = service.groupPhases
        let groups = service.groupStatistics
        #expect(groups.groups == 1 && groups.commands == 12)
        #expect(phases.transactions == groups.groups + groups.retried)
        #expect(phases.firstPipeline > .zero && phases.decide > .zero && phases.commit > .zero)
        #expect(phases.responses > .zero)
        #expect(phases.lockWaits == (lockWaits ? phases.transactions : 0))
        #expect((phases.lockWait > .zero) == lockWaits)
        #expect(phases.summary.hasPrefix("a group transaction's mean phases (ms, 1 timed): until the lock is held "))
    }

    @Test func onAFileAGroupAnswersWithItsOwnEventsAndCountsItsPhases() async throws {
        let database = TemporaryDatabase("answers")
        let ledger = try Ledger(path: database.path)
        try ledger.execute(try Posting.command("item", "item=A model=fifo"))
        let service = LedgerService(ledger: ledger)
        let outcomes = try await Self.oneGroup(service, try Self.requests())
        try await Self.checkAnswers(service, outcomes)
        Self.checkPhases(service, lockWaits: false)
    }

    @Test func onPostgreSQLAGroupAnswersWithItsOwnEventsAndCountsItsPhases() async throws {
        guard let server = PostgresTestServer.url() else { return }
        let url = try await offPool { try PostgresTestServer.freshDatabase(server, prefix: "answers") }
        let service = try await offPool {
            let ledger = try Ledger(log: PostgresEventLog(url: url))
            try ledger.execute(try Posting.command("item", "item=A model=fifo"))
            return LedgerService(ledger: ledger)
        }
        let outcomes = try await Self.oneGroup(service, try Self.requests())
        try await Self.checkAnswers(service, outcomes)
        Self.checkPhases(service, lockWaits: true)
    }

    @Test func aPhaseIsShownAsAMeanInMilliseconds() {
        #expect(GroupPhases.milliseconds(.microseconds(12_345), 2) == "6.17")
        #expect(GroupPhases.milliseconds(.microseconds(5), 1) == "0.01")
        #expect(GroupPhases.milliseconds(.seconds(3), 1) == "3000.00")
        #expect(GroupPhases().summary == "no group transactions timed")
    }

    /// Another writer's append heard while a group is queued behind the follower's job: the job reads
    /// nothing, and the group catches the append up under the lock before it decides.
    @Test func theFollowerLeavesTheTailToAQueuedGroup() async throws {
        let directory = try TemporaryDirectory("leave")
        let path = directory.path("books.db")
        let ledger = try Ledger(path: path)
        try ledger.execute(try Posting.command("item", "item=A model=fifo"))
        let service = LedgerService(ledger: ledger, filePath: path)
        let run = LogFollowerTests.running(service)
        let other = { @Sendable (tx: String) in
            try await offPool { _ = try Ledger(path: path).execute(try Self.receipt(tx)) }  // another writer
        }
        try await other("FIRST")  // event 2: once the follower has it, it is following (no first job pending)
        #expect(try await LogFollowerTests.reaches(service, 2, since: .now) != nil)
        let gate = Gate()
        service.runOnQueue { _ in gate.wait() }
        try await waitUntil { gate.isBlocking }
        let jobs = service.follower.catchUps
        try await other("OTHER")  // event 3
        try await waitUntil { service.follower.catchUps > jobs }  // its job waits behind the gate
        try await Task.sleep(for: .milliseconds(100))  // queued (the count is taken just before)
        async let answer = service.submit(.single(try Self.receipt("MINE"), commandID: "mine", actor: nil))
        try await waitUntil { service.waitingCommands == 1 }
        gate.open()
        let committed = try await answer
        #expect(service.follower.skippedForGroups == 1)
        #expect(committed.result.firstSequence == 4, "the group caught event 3 up under the lock")
        #expect(try await service.onQueue { $0.state.lastSequence } == 4)
        await LogFollowerTests.stop(run)
    }
}
