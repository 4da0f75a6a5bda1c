import Foundation
import Subledger
import SubledgerCore
import SubledgerTestSupport
import Testing

/// Group commit (DR-25): requests decided one after another and appended in one transaction; a refused one
/// writes nothing and does not fail its neighbours; ids keep their meaning inside and across groups.
struct GroupCommitTests {
    typealias Outcome = Result<CommandResult, LedgerError>

    static func receive(_ tx: String, qty: String = "2", cost: String = "5") throws -> LedgerCommand {
        try CommandIDTests.receive(tx, qty: qty, cost: cost)
    }

    static func post(_ id: String, _ commands: [LedgerCommand], actor: String? = nil) -> GroupedCommand {
        GroupedCommand(commandID: id, kind: commands.count == 1 ? "post" : "batch", actor: actor, commands: commands)
    }

    /// A file ledger with item A (FIFO) and its path, removed when the test ends.
    static func ledger(_ name: String = #function) throws -> (Ledger, TemporaryDatabase) {
        let db = TemporaryDatabase("group-" + name.filter(\.isLetter))
        return (try CommandIDTests.ledger(db.path), db)
    }

    static func code(_ outcome: Outcome) -> String? {
        guard case .failure(.rejected(let rejection)) = outcome else { return nil }
        return rejection.code.rawValue
    }

    static func result(_ outcome: Outcome) -> CommandResult? {
        guard case .success(let result) = outcome else { return nil }
        return result
    }

    /// The ledger's state is exactly what a fresh replay of its log gives.
    static func expectStateIsTheLog(
        _ ledger: Ledger, path: String, sourceLocation: SourceLocation = #_sourceLocation
    )
        throws
    {
        let replayed = try Ledger(path: path, useSnapshots: false)
        #expect(StateDigest(ledger.state) == StateDigest(replayed.state), sourceLocation: sourceLocation)
        #expect(ledger.state.lastSequence == replayed.state.lastSequence, sourceLocation: sourceLocation)
    }

    @Test func aRefusedCommandInTheMiddleLeavesItsNeighboursCommitted() throws {
        let (ledger, db) = try Self.ledger()
        defer { db.remove() }
        let before = try ledger.commands().count
        let outcomes = try ledger.executeGroup([
            Self.post("g1", [try Self.receive("P1")]),
            Self.post("g2", [try Self.receive("P1", qty: "3")]),  // the id P1 was just posted by g1
            Self.post("g3", [try Self.receive("P2")]),
        ])
        #expect(outcomes.count == 3)
        let first = try #require(Self.result(outcomes[0])), third = try #require(Self.result(outcomes[2]))
        #expect(Self.code(outcomes[1]) == "duplicate-transaction")
        #expect(!first.duplicate && !third.duplicate && third.firstSequence == first.lastSequence + 1)
        let commands = try ledger.commands()
        #expect(commands.dropFirst(before).map(\.commandID) == ["g1", "g3"])
        #expect(ledger.state.transactions["P1"]?.quantity == Quantity(units: 20_000))
        #expect(ledger.state.transactions["P2"] != nil)
        try Self.expectStateIsTheLog(ledger, path: db.path)
    }

    @Test func aBatchRefusedPartWayIsLeftOutWholeAndTheGroupStillCommits() throws {
        let (ledger, db) = try Self.ledger()
        defer { db.remove() }
        let before = try ledger.store.lastSequence()
        let outcomes = try ledger.executeGroup([
            Self.post("g1", [try Self.receive("P1")]),
            // P2 is decided and applied, then P1 is refused: the whole batch must vanish, P2 included.
            Self.post("g2", [try Self.receive("P2"), try Self.receive("P1")]),
            Self.post("g3", [try Self.receive("P3")]),
            Self.post("g4", [try Self.receive("P2", qty: "7")]),  // P2 is free again: g2 wrote nothing
        ])
        #expect(Self.code(outcomes[1]) == "duplicate-transaction")
        #expect(Self.result(outcomes[0]) != nil && Self.result(outcomes[2]) != nil && Self.result(outcomes[3]) != nil)
        #expect(try ledger.commands().suffix(3).map(\.commandID) == ["g1", "g3", "g4"])
        #expect(ledger.state.transactions["P2"]?.quantity == Quantity(units: 70_000))
        #expect(try ledger.store.lastSequence() == before + 3)
        try Self.expectStateIsTheLog(ledger, path: db.path)
    }

    @Test func anIdMeansOneCommandInsideAGroupAndAcrossGroups() throws {
        let (ledger, db) = try Self.ledger()
        defer { db.remove() }
        let inside = try ledger.executeGroup([
            Self.post("k1", [try Self.receive("P1")]),
            Self.post("k1", [try Self.receive("P1")]),  // the same content: the first result again
            Self.post("k1", [try Self.receive("P2")]),  // other content under the id: refused
        ])
        let first = try #require(Self.result(inside[0])), again = try #require(Self.result(inside[1]))
        #expect(!first.duplicate && again.duplicate && again.firstSequence == first.firstSequence)
        #expect(again.contentHash == first.contentHash)
        #expect(Self.code(inside[2]) == "command-id-conflict")
        let across = try ledger.executeGroup([
            Self.post("k1", [try Self.receive("P1")]),
            Self.post("k1", [try Self.receive("P3")]),
            Self.post("k2", [try Self.receive("P3")]),
        ])
        #expect(Self.result(across[0])?.duplicate == true && Self.result(across[0])?.lastSequence == first.lastSequence)
        #expect(Self.code(across[1]) == "command-id-conflict")
        #expect(Self.result(across[2])?.duplicate == false)
        #expect(ledger.state.transactions["P2"] == nil)
        // The group and execute agree on what an id means.
        #expect(try ledger.execute(try Self.receive("P3"), commandID: "k2").duplicate)
        try CommandIDTests.expectConflict(ledger) { try ledger.execute(try Self.receive("P1"), commandID: "k2") }
        try Self.expectStateIsTheLog(ledger, path: db.path)
    }

    @Test func periodCommandsAndBadActorsAreRefusedAloneInAGroup() throws {
        let (ledger, db) = try Self.ledger()
        defer { db.remove() }
        let close = try CommandIDTests.command("close", ["date": "2026-01-31"])
        let outcomes = try ledger.executeGroup([
            Self.post("c1", [close]),
            Self.post("a1", [try Self.receive("P1")], actor: "bad\nname"),
            Self.post("a2", [try Self.receive("P2")], actor: String(repeating: "x", count: 201)),
            Self.post("ok", [try Self.receive("P3")], actor: "erp"),
        ])
        #expect(Self.code(outcomes[0]) == "malformed")
        #expect(Self.code(outcomes[1]) == "invalid-name" && Self.code(outcomes[2]) == "invalid-name")
        #expect(Self.result(outcomes[3])?.actor == "erp")
        #expect(try ledger.commands().last?.commandID == "ok" && ledger.state.closes.isEmpty)
    }

    @Test func anEmptyGroupWritesNothing() throws {
        let (ledger, db) = try Self.ledger()
        defer { db.remove() }
        let sequence = try ledger.store.lastSequence()
        #expect(try ledger.executeGroup([]).isEmpty)
        #expect(try ledger.store.lastSequence() == sequence)
    }

    @Test func aGroupCatchesUpWithAnotherWriterFirst() throws {
        let (ledger, db) = try Self.ledger()
        defer { db.remove() }
        let other = try Ledger(path: db.path)
        try other.execute(try Self.receive("P1"), commandID: "other")
        let outcomes = try ledger.executeGroup([
            Self.post("g1", [try Self.receive("P1")]),  // the other writer's id: refused against the log
            Self.post("g2", [try Self.receive("P2")]),
        ])
        #expect(Self.code(outcomes[0]) == "duplicate-transaction" && Self.result(outcomes[1]) != nil)
        try Self.expectStateIsTheLog(ledger, path: db.path)
    }

    /// Another writer's close, then its reversal, caught up by a group under the lock (DR-46): the close is
    /// folded in the group's transaction (evicting on the file); the reversal stops the attempt so that
    /// `catchUp` applies rule R (the state evicted for a close now reversed is rebuilt), then the group is
    /// decided again. Either way the state is the log's.
    @Test func aGroupCatchesUpAnotherWritersCloseAndItsReversal() throws {
        let (ledger, db) = try Self.ledger()
        defer { db.remove() }
        try ledger.execute(try Self.receive("P1"))
        try ledger.execute(
            try LedgerTests.command("issue", ["date": "2026-01-02", "item": "A", "tx": "S1", "qty": "2"]))
        let other = try Ledger(path: db.path)
        try other.execute(try LedgerTests.command("close", ["date": "2026-01-31"]))
        let closed = try ledger.executeGroup([Self.post("g1", [try LedgerTests.command("receive", Self.february)])])
        #expect(Self.result(closed[0]) != nil && ledger.groupRetries == 0)
        try Self.expectStateIsTheLog(ledger, path: db.path)

        try other.execute(try LedgerTests.command("reverse-close", [:]))
        let reopened = try ledger.executeGroup([Self.post("g2", [try Self.receive("P2")])])  // January is open again
        #expect(Self.result(reopened[0]) != nil)
        #expect(ledger.groupRetries == 1, "the reversal in the tail is caught up by catchUp, then the group redone")
        try Self.expectStateIsTheLog(ledger, path: db.path)
    }

    static let february: KeyValuePairs<String, String> = [
        "date": "2026-02-02", "item": "A", "tx": "P9", "qty": "1", "cost": "5",
    ]

    @Test func theActorIsRecordedWithEachCommandAndKeptByItsReSend() throws {
        let (ledger, db) = try Self.ledger()
        defer { db.remove() }
        try ledger.execute(try Self.receive("P1"), commandID: "e1", actor: "wms")
        try ledger.executeBatch(commandID: "b1", kind: "batch", actor: "shop") { submit in
            try submit(try Self.receive("P2"))
        }
        _ = try ledger.executeGroup([Self.post("g1", [try Self.receive("P3")], actor: "erp")])
        // A re-send by another token answers the first command, whose actor stays the first one's.
        let again = try ledger.execute(try Self.receive("P1"), commandID: "e1", actor: "erp")
        #expect(again.duplicate && again.actor == "wms")
        let reopened = try Ledger(path: db.path)
        let actors = Dictionary(uniqueKeysWithValues: try reopened.commands().map { ($0.commandID, $0.actor) })
        #expect(actors["e1"] == "wms" && actors["b1"] == "shop" && actors["g1"] == "erp")
        #expect(actors.values.filter { $0 == nil }.count == 1)  // the item, posted by the local CLI
        #expect(throws: Rejection.self) { try ledger.execute(try Self.receive("P9"), actor: "") }
    }
}
