import Foundation
import Subledger
import SubledgerCore
import Testing

/// A command id means one command: the same content again under it returns the first result, other
/// content is refused with `command-id-conflict` and writes nothing (post, import, close, reverse-close).
struct CommandIDTests {
    static func command(_ name: String, _ pairs: KeyValuePairs<String, String>) throws -> LedgerCommand {
        try LedgerTests.command(name, pairs)
    }

    static func receive(_ tx: String, qty: String = "2", cost: String = "5") throws -> LedgerCommand {
        try command("receive", ["date": "2026-01-01", "item": "A", "tx": tx, "qty": qty, "cost": cost])
    }

    /// A ledger with item A (FIFO).
    static func ledger(_ path: String = ":memory:") throws -> Ledger {
        let ledger = try Ledger(path: path)
        try ledger.execute(try command("item", ["item": "A", "model": "fifo"]))
        return ledger
    }

    /// Runs `body`, which must be refused with `command-id-conflict`, and checks that nothing was written.
    static func expectConflict(
        _ ledger: Ledger, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> CommandResult
    ) throws {
        let sequence = try ledger.store.lastSequence(), commands = try ledger.commands().count
        do {
            let result = try body()
            Issue.record("not refused: \(result)", sourceLocation: sourceLocation)
        } catch let rejection as Rejection {
            #expect(rejection.code.rawValue == "command-id-conflict", "\(rejection)", sourceLocation: sourceLocation)
            #expect(rejection.field == "command-id", sourceLocation: sourceLocation)
        }
        #expect(try ledger.store.lastSequence() == sequence, "something was appended", sourceLocation: sourceLocation)
        #expect(try ledger.commands().count == commands, sourceLocation: sourceLocation)
        #expect(ledger.state.lastSequence == sequence, sourceLocation: sourceLocation)
    }

    @Test func postUnderAnIdOfAnotherCommandIsRefused() throws {
        let ledger = try Self.ledger()
        let first = try ledger.execute(try Self.receive("P1"), commandID: "order-7")
        try Self.expectConflict(ledger) { try ledger.execute(try Self.receive("P2"), commandID: "order-7") }
        try Self.expectConflict(ledger) { try ledger.execute(try Self.receive("P1", qty: "3"), commandID: "order-7") }
        #expect(ledger.state.transactions["P2"] == nil)
        // The first command itself is still answered with its first result.
        let again = try ledger.execute(try Self.receive("P1"), commandID: "order-7")
        #expect(again.duplicate && again.firstSequence == first.firstSequence && again.contentHash == first.contentHash)
    }

    @Test func theSameCommandFromAnotherInputIsTheSameContent() throws {
        let ledger = try Self.ledger()
        try ledger.execute(
            try Self.command(
                "receive",
                [
                    "date": "2026-01-01", "item": "A", "tx": "P1", "qty": "2",
                    "cost": "5",
                ]), commandID: "r1")
        // Other field order, other spelling of the same numbers, a default written out.
        let respelled = try Self.command(
            "receive",
            [
                "cost": "5.00", "kind": "purchase", "tx": "P1", "qty": "2.0",
                "item": "A", "date": "2026-01-01",
            ])
        #expect(try ledger.execute(respelled, commandID: "r1").duplicate)
        let accounts = try Self.command("accounts", ["inventory": "1400", "cogs": "5000"])
        try ledger.execute(accounts, commandID: "acc")
        #expect(
            try ledger.execute(try Self.command("accounts", ["cogs": "5000", "inventory": "1400"]), commandID: "acc")
                .duplicate)
    }

    @Test func importUnderAnIdOfOtherCommandsIsRefused() throws {
        let ledger = try Self.ledger()
        let jsonl = """
            {"command":"receive","date":"2026-01-01","item":"A","tx":"P1","qty":"2","cost":"5.00"}
            {"command":"issue","date":"2026-01-02","item":"A","tx":"S1","qty":1}

            """
        let first = try ledger.importFile(bytes: Array(jsonl.utf8), format: .jsonl, commandID: "batch-1")
        // The same commands as CSV, other key order and spacing in JSON Lines: the same content.
        let csv = "command,date,item,tx,qty,cost\nreceive,2026-01-01,A,P1,2,5\nissue,2026-01-02,A,S1,1,\n"
        #expect(try ledger.importFile(bytes: Array(csv.utf8), format: .csv, commandID: "batch-1").duplicate)
        let reordered = """
            { "tx":"P1", "command":"receive", "cost":5, "qty":2, "item":"A", "date":"2026-01-01" }
            {"qty":"1","tx":"S1","item":"A","date":"2026-01-02","command":"issue"}
            """
        let again = try ledger.importFile(bytes: Array(reordered.utf8), format: .jsonl, commandID: "batch-1")
        #expect(again.duplicate && again.lastSequence == first.lastSequence)
        // Other commands under that id: refused, whole.
        let other =
            "{\"command\":\"receive\",\"date\":\"2026-01-03\",\"item\":\"A\",\"tx\":\"P9\",\"qty\":\"1\",\"cost\":\"1\"}\n"
        try Self.expectConflict(ledger) {
            try ledger.importFile(bytes: Array((jsonl + other).utf8), format: .jsonl, commandID: "batch-1")
        }
        // The import's id is bound to an ordered list: the same commands in another order are other content.
        let swapped = "issue,2026-01-02,A,S1,1,\nreceive,2026-01-01,A,P1,2,5\n"
        try Self.expectConflict(ledger) {
            try ledger.importFile(
                bytes: Array(("command,date,item,tx,qty,cost\n" + swapped).utf8), format: .csv,
                commandID: "batch-1")
        }
        #expect(ledger.state.transactions["P9"] == nil)
    }

    @Test func closeUnderAnIdOfAnotherCloseIsRefusedAndThePeriodStaysOpen() throws {
        let ledger = try Self.ledger()
        try ledger.execute(try Self.receive("P1"))
        try ledger.execute(.close(LedgerDate(yyyymmdd: 2026_01_31)!), commandID: "close-1")
        try Self.expectConflict(ledger) {
            try ledger.execute(.close(LedgerDate(yyyymmdd: 2026_02_28)!), commandID: "close-1")
        }
        try Self.expectConflict(ledger) {
            try ledger.execute(.recalculate(LedgerDate(yyyymmdd: 2026_01_31)!), commandID: "close-1")
        }
        #expect(ledger.state.closedThrough == LedgerDate(yyyymmdd: 2026_01_31))
        // February is still open.
        try ledger.execute(
            try Self.command("receive", ["date": "2026-02-10", "item": "A", "tx": "P2", "qty": "1", "cost": "5"]))
        #expect(try ledger.execute(.close(LedgerDate(yyyymmdd: 2026_01_31)!), commandID: "close-1").duplicate)
        // A reverse-close is its kind and its dates.
        try ledger.execute(.reverseClose(date: nil, through: nil), commandID: "reopen-1")
        try Self.expectConflict(ledger) {
            try ledger.execute(
                .reverseClose(date: LedgerDate(yyyymmdd: 2026_01_31)!, through: nil), commandID: "reopen-1")
        }
        #expect(try ledger.execute(.reverseClose(date: nil, through: nil), commandID: "reopen-1").duplicate)
    }

    /// Another writer records the id between this ledger's read-only check and its append: the check
    /// inside the append's transaction compares the content (the clock is read just before the append).
    @Test func anIdRecordedByAnotherWriterMeanwhileIsComparedInsideTheAppend() throws {
        let path = LedgerTests.tempPath()
        let other = try Self.ledger(path)
        var race: (() throws -> Void)?
        let ledger = try Ledger(
            path: path,
            clock: {
                if let run = race { race = nil; try? run() }
                return Ledger.systemMilliseconds()
            })
        race = { try other.execute(try Self.receive("P1"), commandID: "raced") }
        do {
            let result = try ledger.execute(try Self.receive("P2"), commandID: "raced")
            Issue.record("not refused: \(result)")
        } catch let rejection as Rejection {
            #expect(rejection.code.rawValue == "command-id-conflict", "\(rejection)")
        }
        #expect(race == nil, "the other writer did not run")
        #expect(try ledger.store.command(id: "raced")?.eventCount == 1)
        #expect(try ledger.store.lastSequence() == 2)  // the item and the other writer's P1, not P2
        #expect(try Ledger(path: path).state.transactions["P2"] == nil)

        race = { try other.execute(try Self.receive("P3"), commandID: "raced-same") }
        let same = try ledger.execute(try Self.receive("P3"), commandID: "raced-same")
        #expect(same.duplicate)
    }

    /// A command recorded without a content hash (before the log kept them) cannot be compared: a re-sent
    /// id is taken for it, as before, and the result says so (no content hash).
    @Test func anIdRecordedWithoutAHashIsTakenForTheSameCommand() throws {
        let ledger = try Self.ledger()
        let legacy = try ledger.store.append(
            commandID: "legacy", kind: "receive",
            expectedLastSequence: ledger.store.lastSequence(), recordedAt: 1
        ) { _ in "{\"events\":0}" }
        guard case .appended(let record) = legacy else { Issue.record("\(legacy)"); return }
        #expect(record.contentHash == nil)
        let resent = try ledger.execute(try Self.receive("P1"), commandID: "legacy")
        #expect(resent.duplicate && resent.contentHash == nil)
        #expect(ledger.state.transactions["P1"] == nil)
        // Every command the ledger records has its hash.
        let recorded = try ledger.execute(try Self.receive("P2"), commandID: "new")
        #expect(recorded.contentHash?.count == 64)
        #expect(try ledger.store.command(id: "new")?.contentHash?.description == recorded.contentHash)
    }

    @Test func theContentEncodingIsStable() throws {
        // A storage contract: these digests are recorded in logs and must never change for these commands.
        let ledger = try Self.ledger()
        let receive = try ledger.execute(try Self.receive("P1"), commandID: "r")
        let close = try ledger.execute(.close(LedgerDate(yyyymmdd: 2026_01_31)!), commandID: "c")
        #expect(receive.contentHash == Self.receiveDigest, "\(receive.contentHash ?? "nil")")
        #expect(close.contentHash == Self.closeDigest, "\(close.contentHash ?? "nil")")
    }

    static let receiveDigest = "bc95acba79bbdd8cfe5c9a01306704bcbec72151be90fd5aca082b420e738233"
    static let closeDigest = "7208e0cbd635a9367759b87cfdb8f47909bce31aa137792f1f9c1f09856b1862"
}
