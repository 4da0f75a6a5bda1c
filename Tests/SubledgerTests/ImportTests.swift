import Foundation
import Subledger
import SubledgerCore
import SubledgerTestSupport
import Testing

/// File import (JSON Lines and CSV): the whole file is ONE command, all or nothing; a rejection names its
/// 1-based line; the same bytes imported again append nothing; blank lines are skipped.
struct ImportTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func money(_ text: String) -> Money { try! Money(parsing: text) }

    /// Every command kind, with numbers as JSON numbers and as strings, and a boolean.
    static let everyKind = """
        {"command":"item","item":"F","model":"fifo"}
        {"command":"item","item":"STD","model":"standard","standard":"10"}
        {"command":"item","item":"MA","model":"moving-average","group":"G1"}
        {"command":"accounts","group":"G1","inventory":"1401"}
        {"command":"receive","date":"2026-01-02","item":"F","tx":"P1","qty":10,"cost":12.50,"site":"S1"}
        {"command":"receive","date":"2026-01-02","item":"F","tx":"P2","qty":"5","cost":"10","physical":true,"site":"S1"}
        {"command":"issue","date":"2026-01-03","item":"F","tx":"S1","qty":2,"site":"S1","physical":false}
        {"command":"invoice","date":"2026-01-04","tx":"P2","qty":2,"cost":"11"}
        {"command":"mark","date":"2026-01-04","issue":"S1","receipt":"P1"}
        {"command":"transfer","date":"2026-01-05","item":"F","tx":"T1","qty":1,"from":"site:S1","to":"site:S2"}
        {"command":"receive","date":"2026-01-02","item":"STD","tx":"P3","qty":3,"cost":"11"}
        {"command":"standard-cost","date":"2026-01-06","item":"STD","price":"12"}
        {"command":"receive","date":"2026-01-02","item":"MA","tx":"P4","qty":4,"cost":"5"}
        {"command":"revalue","date":"2026-01-06","item":"MA","price":"6"}
        {"command":"adjust","date":"2026-01-07","tx":"P1","amount":"-1.25"}

        """

    static func expectBooksBalance(_ ledger: Ledger, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(ledger.trialBalance().reduce(Money.zero) { $0 + $1.balance } == .zero, sourceLocation: sourceLocation)
        #expect(Reconciliation.totals(ledger.state).difference == .zero, sourceLocation: sourceLocation)
    }

    /// Imports `text` and expects a rejection `code` on `line` (and `field`), with nothing written.
    static func expectRejected(
        _ text: String, format: Ledger.ImportFormat, code: Rejection.Code, line: Int,
        field: String? = nil, prepare: (Ledger) throws -> Void = { _ in },
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let ledger = try Ledger(path: ":memory:")
        try prepare(ledger)
        let sequence = try ledger.store.lastSequence()
        let commands = try ledger.commands().count
        let items = ledger.state.items
        do {
            let result = try ledger.importFile(bytes: bytes(text), format: format)
            Issue.record(
                "expected \(code.rawValue) on line \(line), imported \(result.eventCount) events",
                sourceLocation: sourceLocation)
        } catch let rejection as Rejection {
            #expect(rejection.code == code, "\(rejection)", sourceLocation: sourceLocation)
            #expect(rejection.line == line, "\(rejection)", sourceLocation: sourceLocation)
            if let field { #expect(rejection.field == field, "\(rejection)", sourceLocation: sourceLocation) }
        }
        #expect(
            try ledger.store.lastSequence() == sequence, "a rejected import wrote events",
            sourceLocation: sourceLocation)
        #expect(try ledger.commands().count == commands, sourceLocation: sourceLocation)
        #expect(ledger.state.lastSequence == sequence, sourceLocation: sourceLocation)
        #expect(ledger.state.items == items, sourceLocation: sourceLocation)
        #expect(ledger.state.transactions.isEmpty, sourceLocation: sourceLocation)
    }

    // MARK: - JSON Lines

    @Test func jsonLinesOfEveryCommandKind() throws {
        let ledger = try Ledger(path: ":memory:")
        let result = try ledger.importFile(bytes: Self.bytes(Self.everyKind), format: .jsonl)
        #expect(!result.duplicate)
        #expect(result.eventCount == 15)
        #expect(result.firstSequence == 1 && result.lastSequence == 15)
        #expect(result.commandID.hasPrefix("import-"))
        #expect(try ledger.commands().map(\.kind) == ["import"])

        let state = ledger.state
        #expect(state.items.keys.sorted() == ["F", "MA", "STD"])
        // P1: 10 x 12.50 (a JSON number read exactly), adjusted by -1.25.
        let p1 = try #require(state.transactions["P1"])
        #expect(p1.financialValue == Self.money("125.00"))
        #expect(p1.adjustment == Self.money("-1.25"))
        // P2: received physically, 2 of 5 invoiced.
        let p2 = try #require(state.transactions["P2"])
        #expect(p2.physicalOpenQuantity == Quantity(whole: 3))
        #expect(p2.financialQuantity == Quantity(whole: 2))
        #expect(state.marks["S1"]?.map(\.receipt) == ["P1"])
        #expect(state.transactions["S1"]?.physicalOpenQuantity == .zero)
        #expect(state.pool(PoolKey(item: "F", dimensions: DimensionValues(site: "S2"))).quantity == Quantity(whole: 1))
        // Standard 10 -> 12 on 3 units; moving average 5 -> 6 on 4 units, on the group's inventory account.
        #expect(state.pool(PoolKey(item: "STD", dimensions: .none)).value == Self.money("36.00"))
        #expect(state.pool(PoolKey(item: "MA", dimensions: .none)).value == Self.money("24.00"))
        #expect(state.ledger.balance("1401") == Self.money("24.00"))
        #expect(state.items["STD"]?.standardCost == (try UnitPrice(parsing: "12")))
        Self.expectBooksBalance(ledger)
    }

    @Test func reimportingTheSameBytesAppendsNothing() throws {
        let ledger = try Ledger(path: ":memory:")
        let first = try ledger.importFile(bytes: Self.bytes(Self.everyKind), format: .jsonl)
        let onHand = ledger.onHand()
        let again = try ledger.importFile(bytes: Self.bytes(Self.everyKind), format: .jsonl)
        #expect(again.duplicate)
        #expect(again.commandID == first.commandID)
        #expect(again.eventCount == first.eventCount)
        #expect(again.firstSequence == first.firstSequence && again.lastSequence == first.lastSequence)
        #expect(try ledger.store.lastSequence() == first.lastSequence)
        #expect(try ledger.commands().count == 1)
        #expect(ledger.onHand() == onHand)
    }

    @Test func reimportIntoAReopenedFileAppendsNothing() throws {
        let path = TemporaryDatabase("import").path
        defer { TemporaryDatabase.remove(path) }
        let first = try Ledger(path: path).importFile(bytes: Self.bytes(Self.everyKind), format: .jsonl)
        let reopened = try Ledger(path: path)
        let again = try reopened.importFile(bytes: Self.bytes(Self.everyKind), format: .jsonl)
        #expect(again.duplicate)
        #expect(try reopened.store.lastSequence() == first.lastSequence)
        Self.expectBooksBalance(reopened)
        // The replayed file gives the same books as a fresh in-memory import.
        let fresh = try Ledger(path: ":memory:")
        try fresh.importFile(bytes: Self.bytes(Self.everyKind), format: .jsonl)
        #expect(reopened.onHand() == fresh.onHand())
        #expect(reopened.trialBalance() == fresh.trialBalance())
    }

    @Test func differentBytesAreANewCommand() throws {
        let ledger = try Ledger(path: ":memory:")
        try ledger.importFile(
            bytes: Self.bytes("{\"command\":\"item\",\"item\":\"A\",\"model\":\"fifo\"}\n"), format: .jsonl)
        let second = try ledger.importFile(
            bytes: Self.bytes("{\"command\":\"item\",\"item\":\"B\",\"model\":\"fifo\"}\n"),
            format: .jsonl)
        #expect(!second.duplicate)
        #expect(ledger.state.items.keys.sorted() == ["A", "B"])
        // An explicit command id wins over the file hash.
        let named = try ledger.importFile(
            bytes: Self.bytes("{\"command\":\"item\",\"item\":\"C\",\"model\":\"fifo\"}"),
            format: .jsonl, commandID: "batch-7")
        #expect(named.commandID == "batch-7")
        // ... and means the commands first sent under it: others are refused (CommandIDTests).
        let refused = #expect(throws: Rejection.self) {
            try ledger.importFile(
                bytes: Self.bytes("{\"command\":\"item\",\"item\":\"D\",\"model\":\"fifo\"}"),
                format: .jsonl, commandID: "batch-7")
        }
        #expect(refused?.code.rawValue == "command-id-conflict")
        #expect(ledger.state.items["D"] == nil)
    }

    @Test func blankLinesAreSkippedAndCounted() throws {
        let text =
            "\n   \n{\"command\":\"item\",\"item\":\"F\",\"model\":\"fifo\"}\r\n\t\n\r\n"
            + "{\"command\":\"receive\",\"date\":\"2026-01-02\",\"item\":\"F\",\"tx\":\"P1\",\"qty\":1,\"cost\":1}\n\n"
        let ledger = try Ledger(path: ":memory:")
        let result = try ledger.importFile(bytes: Self.bytes(text), format: .jsonl)
        #expect(result.eventCount == 2)
        #expect(ledger.state.transactions["P1"]?.quantity == Quantity(whole: 1))
        // An empty file is an empty command.
        let empty = try Ledger(path: ":memory:")
        let nothing = try empty.importFile(bytes: Self.bytes("\n\n  \n"), format: .jsonl)
        #expect(nothing.eventCount == 0)
        #expect(try empty.store.lastSequence() == 0)

        // Blank lines still count for line numbers: the bad command is on line 8.
        try Self.expectRejected(
            text + "{\"command\":\"issue\",\"date\":\"2026-01-02\",\"item\":\"NOPE\",\"tx\":\"S1\",\"qty\":1}\n",
            format: .jsonl, code: .unknownItem, line: 8, field: "item")
    }

    /// Lines 1 and 3 are good (line 2 is blank), line 4 is bad: nothing of lines 1-3 may be written.
    static func withBadFourthLine(_ bad: String) -> String {
        """
        {"command":"item","item":"F","model":"fifo"}

        {"command":"receive","date":"2026-01-02","item":"F","tx":"P1","qty":1,"cost":1}
        \(bad)
        {"command":"receive","date":"2026-01-02","item":"F","tx":"P9","qty":1,"cost":1}
        """
    }

    @Test(arguments: [
        (#"{"command":"receive","date":"2026-01-02""#, Rejection.Code.malformed, String?.none),
        (#"{"command":"receive" "date":"2026-01-02"}"#, .malformed, nil),
        (#"[1,2,3]"#, .malformed, nil),
        (#"{"command":"receive","qty":null}"#, .malformed, "qty"),
        (#"{"command":"receive","qty":{"value":1}}"#, .malformed, "qty"),
        (#"{"item":"F","model":"fifo"}"#, .missingField, "command"),
        (#"{"command":"item","command":"item","item":"G","model":"fifo"}"#, .malformed, "command"),
        (#"{"command":"sell","date":"2026-01-02"}"#, .malformed, "command"),
        (
            #"{"command":"receive","date":"2026-01-02","item":"F","tx":"P2","qty":1,"cost":1,"colour":"red"}"#,
            .malformed, "colour"
        ),
        (
            #"{"command":"receive","date":"2026-01-02","item":"F","tx":"P2","qty":"1.00001","cost":1}"#,
            .invalidQuantity, "qty"
        ),
        (#"{"command":"receive","date":"2026-01-02","item":"F","tx":"P2","qty":0,"cost":1}"#, .invalidQuantity, "qty"),
        (
            #"{"command":"receive","date":"2026-01-02","item":"F","tx":"P2","qty":1e3,"cost":1}"#, .invalidQuantity,
            "qty"
        ),
        (#"{"command":"receive","date":"2026-02-30","item":"F","tx":"P2","qty":1,"cost":1}"#, .invalidDate, "date"),
        (#"{"command":"receive","date":"2026-01-02","item":"NOPE","tx":"P2","qty":1,"cost":1}"#, .unknownItem, "item"),
        (
            #"{"command":"receive","date":"2026-01-02","item":"F","tx":"P1","qty":1,"cost":1}"#, .duplicateTransaction,
            "tx"
        ),
        (#"{"command":"invoice","date":"2026-01-02","tx":"P1","cost":1}"#, .overInvoiced, "tx"),
        (#"{"command":"item","item":"F","model":"lifo"}"#, .duplicateItem, "item"),
    ])
    func badLineNamesItsLineAndWritesNothing(bad: String, code: Rejection.Code, field: String?) throws {
        try Self.expectRejected(Self.withBadFourthLine(bad), format: .jsonl, code: code, line: 4, field: field)
    }

    @Test func rejectionOnTheFirstLine() throws {
        try Self.expectRejected(
            "{\"command\":\"receive\",\"date\":\"2026-01-02\",\"item\":\"F\",\"tx\":\"P1\",\"qty\":1,\"cost\":1}",
            format: .jsonl, code: .unknownItem, line: 1, field: "item")
    }

    @Test func escapedAndSpacedLinesReadLikePlainOnes() throws {
        let text =
            #"{"command":"item","item":"F\u0031","model":"fifo"}"# + "\n"
            + #"{"command" : "receive" , "date":"2026-01-02","item":"F1","tx":"P1","qty":2,"cost":"1.5"}"# + "\n"
        let ledger = try Ledger(path: ":memory:")
        try ledger.importFile(bytes: Self.bytes(text), format: .jsonl)
        #expect(ledger.state.transactions["P1"]?.financialValue == Self.money("3.00"))
        try Self.expectRejected(
            #"{"command":"item","item":"Ä","model":"fifo"}"#, format: .jsonl,
            code: .invalidName, line: 1, field: "item")
    }

    // MARK: - CSV

    static let csvHeader = "command,date,item,tx,qty,cost,physical,kind,site"

    static func defineF(_ ledger: Ledger) throws {
        try ledger.execute(.defineItem(ItemSetup(id: "F", model: .fifo)))
    }

    @Test func csvImport() throws {
        let text =
            Self.csvHeader + "\r\n"
            + "receive,2026-01-02,F,P1,10,12.50,,,S1\r\n"
            + "receive,2026-01-02,F,P2,5,10,yes,journal,S1\r\n"
            + "\r\n"
            + "\"issue\",\"2026-01-03\",F,S1,2,,,journal,S1\r\n"
            + "issue,2026-01-03,F,S2,1,,yes,,S1\r\n"
        let ledger = try Ledger(path: ":memory:")
        try Self.defineF(ledger)
        let result = try ledger.importFile(bytes: Self.bytes(text), format: .csv)
        #expect(result.eventCount == 4)
        let state = ledger.state
        #expect(state.transactions["P1"]?.financialValue == Self.money("125.00"))
        #expect(state.transactions["P2"]?.physicalOpenQuantity == Quantity(whole: 5))
        #expect(state.transactions["P2"]?.kindName == "journal")
        #expect(state.transactions["S1"]?.kindName == "journal")
        #expect(state.transactions["S1"]?.financialQuantity == Quantity(whole: 2))
        #expect(state.transactions["S2"]?.physicalOpenQuantity == Quantity(whole: 1))
        #expect(state.transactions["S2"]?.kindName == "sale")
        // 2 + 1 issued at the running average of the financial receipt: 12.50 each.
        #expect(state.pool(PoolKey(item: "F", dimensions: DimensionValues(site: "S1"))).quantity == Quantity(whole: 12))
        Self.expectBooksBalance(ledger)

        let again = try ledger.importFile(bytes: Self.bytes(text), format: .csv)
        #expect(again.duplicate)
        #expect(try ledger.store.lastSequence() == result.lastSequence)
    }

    @Test(arguments: [
        // (text after the header and one good row on line 2, expected code, line, field)
        ("receive,2026-01-02,F,P2,abc,1,,,S1", Rejection.Code.invalidQuantity, 3, Optional("qty")),
        ("receive,2026-01-02,F,P2,1,1,maybe,,S1", .malformed, 3, "physical"),
        ("receive,2026-01-02,NOPE,P2,1,1,,,S1", .unknownItem, 3, "item"),
        ("receive,2026-01-02,F,P1,1,1,,,S1", .duplicateTransaction, 3, "tx"),
        ("invoice,2026-01-02,F,P1,1,1,,,S1", .malformed, 3, "command"),
        ("receive,2026-01-02,F,P2,1,1,,", .malformed, 3, nil),
        ("\nreceive,2026-01-02,F,P2,1,,,,S1", .missingField, 4, "cost"),
        ("receive,2026-01-02,F,P2,1,\"1", .malformed, 3, nil),
    ])
    func csvBadRowNamesItsLineAndWritesNothing(rest: String, code: Rejection.Code, line: Int, field: String?) throws {
        let text = Self.csvHeader + "\n" + "receive,2026-01-02,F,P1,1,1,,,S1\n" + rest + "\n"
        try Self.expectRejected(text, format: .csv, code: code, line: line, field: field, prepare: Self.defineF)
    }

    @Test func csvHeaderProblems() throws {
        try Self.expectRejected(
            "command,date,item,tx,qty,cost,colour\nreceive,2026-01-02,F,P1,1,1,red\n",
            format: .csv, code: .malformed, line: 1, field: "colour", prepare: Self.defineF)
        try Self.expectRejected(
            "date,item,tx,qty,cost\n2026-01-02,F,P1,1,1\n",
            format: .csv, code: .missingField, line: 1, field: "command", prepare: Self.defineF)
    }
}
