import SubledgerCore
import SubledgerTestSupport
import Testing

/// Every `Rejection.Code` that `CommandDecoder` or `decide` can produce, with the field it names. A
/// rejection is data: decide throws before returning any event, so there is nothing to apply.
struct DecideRejectionTests {
    // MARK: - Helpers

    static func fields(_ text: String) -> CommandFields { Posting.fields(text) }

    static func command(_ name: String, _ text: String) throws -> LedgerCommand { try Posting.command(name, text) }

    static func run(_ state: inout LedgerState, _ command: LedgerCommand) throws { try Posting.run(&state, command) }

    static func run(_ state: inout LedgerState, _ name: String, _ text: String) throws {
        try Posting.run(&state, name, text)
    }

    /// A ledger with one item of each kind the rejections need, and a few transactions:
    /// - F (fifo): P1 financial receipt 10 @ 10 at S1, PP physical receipt 10 @ 10 at S1,
    ///   S1 financial sale 2 at S1, SP physical sale 2 at S1, T1 transfer 1 from S1 to S2;
    /// - F2 (fifo): PF2 receipt 5 @ 1; N (fifo, negative=no): N1 receipt 3 @ 1 at S1;
    /// - STD (standard 10): PS receipt 5 @ 10, SS sale 1; MA (moving average): PM receipt 5 @ 4, SM sale 1;
    /// - MA0 (moving average, nothing received).
    static func baseState() throws -> LedgerState {
        var state = LedgerState()
        // A bare state has no history to move closed transactions to, nor a log to rebuild from when a
        // close is reversed (DR-22): it keeps them all.
        state.evicts = false
        try run(&state, "item", "item=F model=fifo")
        try run(&state, "item", "item=F2 model=fifo")
        try run(&state, "item", "item=N model=fifo negative=no")
        try run(&state, "item", "item=STD model=standard standard=10")
        try run(&state, "item", "item=MA model=moving-average")
        try run(&state, "item", "item=MA0 model=moving-average")
        try run(&state, "receive", "date=2026-01-02 item=F tx=P1 qty=10 cost=10 site=S1")
        try run(&state, "receive", "date=2026-01-02 item=F tx=PP qty=10 cost=10 site=S1 physical=yes")
        try run(&state, "issue", "date=2026-01-03 item=F tx=S1 qty=2 site=S1")
        try run(&state, "issue", "date=2026-01-03 item=F tx=SP qty=2 site=S1 physical=yes")
        try run(&state, "transfer", "date=2026-01-04 item=F tx=T1 qty=1 from=site:S1 to=site:S2")
        try run(&state, "receive", "date=2026-01-02 item=F2 tx=PF2 qty=5 cost=1 site=S1")
        try run(&state, "receive", "date=2026-01-02 item=N tx=N1 qty=3 cost=1 site=S1")
        try run(&state, "receive", "date=2026-01-02 item=STD tx=PS qty=5 cost=10")
        try run(&state, "issue", "date=2026-01-03 item=STD tx=SS qty=1")
        try run(&state, "receive", "date=2026-01-02 item=MA tx=PM qty=5 cost=4")
        try run(&state, "issue", "date=2026-01-03 item=MA tx=SM qty=1")
        return state
    }

    /// Everything the projection holds, to show a rejected command changed nothing.
    typealias Snapshot = ProjectionSnapshot

    /// Decide must throw `code` naming `field`, return no events, and leave the state as it was.
    static func expectDecideRejection(
        _ state: LedgerState, _ command: LedgerCommand, _ code: Rejection.Code,
        field: String?, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let before = Snapshot(state)
        var events: [(event: LedgerEvent, date: LedgerDate)]?
        do {
            events = try state.decide(command)
            Issue.record(
                "expected \(code.rawValue), decide returned \(events!.count) events", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.field == field, "\(error)", sourceLocation: sourceLocation)
            #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
            #expect(error.line == nil, sourceLocation: sourceLocation)
        }
        #expect(events == nil, "a rejected command must leave nothing to apply", sourceLocation: sourceLocation)
        #expect(Snapshot(state) == before, sourceLocation: sourceLocation)
    }

    static func expectDecodeRejection(
        _ name: String, _ text: String, _ code: Rejection.Code, field: String?,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            let command = try CommandDecoder.decode(command: name, fields(text))
            Issue.record(
                "expected \(code.rawValue) for \(name) \(text), decoded \(command)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(name) \(text): \(error)", sourceLocation: sourceLocation)
            #expect(error.field == field, "\(name) \(text): \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - CommandDecoder rejections

    static let decoderCases: [(name: String, fields: String, code: Rejection.Code, field: String?)] = [
        // malformed: unknown command, unknown key, duplicate key, bad kind, bad flag, bad dimension list
        ("sell", "date=2026-01-01 item=F", .malformed, "command"),
        ("", "", .malformed, "command"),
        ("Receive", "date=2026-01-01 item=F tx=X qty=1 cost=1", .malformed, "command"),
        ("receive", "date=2026-01-01 item=F tx=X qty=1 cost=1 colour=red", .malformed, "colour"),
        ("invoice", "date=2026-01-01 tx=X item=F", .malformed, "item"),
        ("item", "item=A item=B model=fifo", .malformed, "item"),
        ("receive", "date=2026-01-01 item=F tx=X qty=1 qty=2 cost=1", .malformed, "qty"),
        ("receive", "date=2026-01-01 item=F tx=X qty=1 cost=1 kind=gift", .malformed, "kind"),
        ("issue", "date=2026-01-01 item=F tx=X qty=1 kind=purchase", .malformed, "kind"),
        ("receive", "date=2026-01-01 item=F tx=X qty=1 cost=1 physical=maybe", .malformed, "physical"),
        ("item", "item=A model=fifo negative=sometimes", .malformed, "negative"),
        ("transfer", "date=2026-01-01 item=F tx=X qty=1 from=planet:X to=site:S2", .malformed, "from"),
        ("transfer", "date=2026-01-01 item=F tx=X qty=1 from=site:S1 to=S2", .malformed, "to"),
        ("accounts", "inventory=1400 revenue=4000", .malformed, "revenue"),
        // missing-field
        ("receive", "date=2026-01-01 item=F tx=X qty=1", .missingField, "cost"),
        ("receive", "item=F tx=X qty=1 cost=1", .missingField, "date"),
        ("receive", "date=2026-01-01 item=F qty=1 cost=1", .missingField, "tx"),
        ("issue", "date=2026-01-01 tx=X qty=1", .missingField, "item"),
        ("issue", "date=2026-01-01 item=F tx=X", .missingField, "qty"),
        ("item", "model=fifo", .missingField, "item"),
        ("item", "item=A", .missingField, "model"),
        ("accounts", "group=G", .missingField, "accounts"),
        ("transfer", "date=2026-01-01 item=F tx=X qty=1 from=site:S1", .missingField, "to"),
        ("mark", "date=2026-01-01 issue=S1", .missingField, "receipt"),
        ("standard-cost", "date=2026-01-01 item=STD", .missingField, "price"),
        ("adjust", "date=2026-01-01 tx=P1", .missingField, "amount"),
        // invalid-date
        ("receive", "date=2026-02-30 item=F tx=X qty=1 cost=1", .invalidDate, "date"),
        ("receive", "date=2026-1-01 item=F tx=X qty=1 cost=1", .invalidDate, "date"),
        ("issue", "date=yesterday item=F tx=X qty=1", .invalidDate, "date"),
        ("invoice", "date=2026-13-01 tx=PP cost=1", .invalidDate, "date"),
        ("adjust", "date=2026-02-29 tx=P1 amount=1", .invalidDate, "date"),
        // invalid-name
        ("receive", "date=2026-01-01 item=A/B tx=X qty=1 cost=1", .invalidName, "item"),
        ("receive", "date=2026-01-01 item=F tx=P#1 qty=1 cost=1", .invalidName, "tx"),
        ("receive", "date=2026-01-01 item=F tx= qty=1 cost=1", .invalidName, "tx"),
        ("item", "item=\(String(repeating: "x", count: 65)) model=fifo", .invalidName, "item"),
        ("item", "item=Ä model=fifo", .invalidName, "item"),
        ("item", "item=A model=fifo group=a,b", .invalidName, "group"),
        ("receive", "date=2026-01-01 item=F tx=X qty=1 cost=1 site=S/1", .invalidName, "site"),
        ("transfer", "date=2026-01-01 item=F tx=X qty=1 from=site:S1 to=site:S/2", .invalidName, "to"),
        ("accounts", "inventory=14:00", .invalidName, "inventory"),
        ("mark", "date=2026-01-01 issue=S1 receipt=P*1", .invalidName, "receipt"),
        // invalid-quantity: zero, negative, five decimals, not a number
        ("receive", "date=2026-01-01 item=F tx=X qty=0 cost=1", .invalidQuantity, "qty"),
        ("receive", "date=2026-01-01 item=F tx=X qty=0.0000 cost=1", .invalidQuantity, "qty"),
        ("receive", "date=2026-01-01 item=F tx=X qty=-1 cost=1", .invalidQuantity, "qty"),
        ("receive", "date=2026-01-01 item=F tx=X qty=1.00001 cost=1", .invalidQuantity, "qty"),
        ("issue", "date=2026-01-01 item=F tx=X qty=ten", .invalidQuantity, "qty"),
        ("issue", "date=2026-01-01 item=F tx=X qty=-0.5", .invalidQuantity, "qty"),
        ("invoice", "date=2026-01-01 tx=PP qty=0 cost=1", .invalidQuantity, "qty"),
        ("mark", "date=2026-01-01 issue=S1 receipt=P1 qty=-1", .invalidQuantity, "qty"),
        ("transfer", "date=2026-01-01 item=F tx=X qty=0.12345 from=site:S1 to=site:S2", .invalidQuantity, "qty"),
        // invalid-amount: price with 5 decimals, negative price, adjustment 0 or 3 decimals
        ("receive", "date=2026-01-01 item=F tx=X qty=1 cost=1.00001", .invalidAmount, "cost"),
        ("receive", "date=2026-01-01 item=F tx=X qty=1 cost=-1", .invalidAmount, "cost"),
        ("receive", "date=2026-01-01 item=F tx=X qty=1 cost=1e3", .invalidAmount, "cost"),
        ("invoice", "date=2026-01-01 tx=PP cost=-0.01", .invalidAmount, "cost"),
        ("adjust", "date=2026-01-01 tx=P1 amount=0", .invalidAmount, "amount"),
        ("adjust", "date=2026-01-01 tx=P1 amount=-0.00", .invalidAmount, "amount"),
        ("adjust", "date=2026-01-01 tx=P1 amount=0.001", .invalidAmount, "amount"),
        ("adjust", "date=2026-01-01 tx=P1 amount=12,5", .invalidAmount, "amount"),
        ("item", "item=A model=fifo price=-1", .invalidAmount, "price"),
        ("item", "item=A model=standard standard=1.23456", .invalidAmount, "standard"),
        ("standard-cost", "date=2026-01-01 item=STD price=-5", .invalidAmount, "price"),
        ("revalue", "date=2026-01-01 item=MA price=1.23456", .invalidAmount, "price"),
        // invalid-setup
        ("item", "item=A model=avg", .invalidSetup, "model"),
        ("item", "item=A model=FIFO", .invalidSetup, "model"),
        ("item", "item=A model=standard", .invalidSetup, "standard"),
        ("item", "item=A model=fifo standard=10", .invalidSetup, "standard"),
        ("item", "item=A model=moving-average fixed-receipt-price=yes price=5", .invalidSetup, "fixed-receipt-price"),
        (
            "item", "item=A model=standard standard=5 fixed-receipt-price=yes price=5", .invalidSetup,
            "fixed-receipt-price"
        ),
        ("item", "item=A model=non-valuated fixed-receipt-price=yes price=5", .invalidSetup, "fixed-receipt-price"),
        ("item", "item=A model=fifo fixed-receipt-price=yes", .invalidSetup, "price"),
        ("item", "item=A model=fifo dimensions=site,colour", .invalidSetup, "dimensions"),
        ("item", "item=A model=fifo dimensions=", .invalidSetup, "dimensions"),
    ]

    @Test(arguments: decoderCases)
    func decoderRejects(_ name: String, _ text: String, _ code: Rejection.Code, _ field: String?) {
        Self.expectDecodeRejection(name, text, code, field: field)
    }

    // MARK: - decide rejections against a state

    static let decideCases: [(name: String, fields: String, code: Rejection.Code, field: String?)] = [
        // missing-field: invoicing a receipt needs the invoice price
        ("invoice", "date=2026-02-01 tx=PP qty=1", .missingField, "cost"),
        ("invoice", "date=2026-02-01 tx=PP", .missingField, "cost"),
        // invalid-amount: an issue's invoice takes no cost; an adjustment below zero value
        ("invoice", "date=2026-02-01 tx=SP cost=1", .invalidAmount, "cost"),
        ("adjust", "date=2026-02-01 tx=P1 amount=-100.01", .invalidAmount, "amount"),
        // unknown-item
        ("receive", "date=2026-02-01 item=NOPE tx=X1 qty=1 cost=1", .unknownItem, "item"),
        ("issue", "date=2026-02-01 item=NOPE tx=X1 qty=1", .unknownItem, "item"),
        ("transfer", "date=2026-02-01 item=NOPE tx=X1 qty=1 from=site:S1 to=site:S2", .unknownItem, "item"),
        ("standard-cost", "date=2026-02-01 item=NOPE price=1", .unknownItem, "item"),
        ("revalue", "date=2026-02-01 item=NOPE price=1", .unknownItem, "item"),
        ("receive", "date=2026-02-01 item=f tx=X1 qty=1 cost=1", .unknownItem, "item"),
        // unknown-transaction
        ("invoice", "date=2026-02-01 tx=NOPE cost=1", .unknownTransaction, "tx"),
        ("mark", "date=2026-02-01 issue=NOPE receipt=P1", .unknownTransaction, "issue"),
        ("mark", "date=2026-02-01 issue=S1 receipt=NOPE", .unknownTransaction, "receipt"),
        ("adjust", "date=2026-02-01 tx=NOPE amount=1", .unknownTransaction, "tx"),
        // duplicate-item
        ("item", "item=F model=lifo", .duplicateItem, "item"),
        ("item", "item=MA0 model=moving-average", .duplicateItem, "item"),
        // duplicate-transaction (ids are unique across receipts, issues and transfers)
        ("receive", "date=2026-02-01 item=F tx=P1 qty=1 cost=1", .duplicateTransaction, "tx"),
        ("receive", "date=2026-02-01 item=F2 tx=S1 qty=1 cost=1", .duplicateTransaction, "tx"),
        ("issue", "date=2026-02-01 item=F tx=P1 qty=1", .duplicateTransaction, "tx"),
        ("issue", "date=2026-02-01 item=F tx=T1 qty=1", .duplicateTransaction, "tx"),
        ("transfer", "date=2026-02-01 item=F tx=S1 qty=1 from=site:S1 to=site:S2", .duplicateTransaction, "tx"),
        // over-invoiced
        ("invoice", "date=2026-02-01 tx=PP qty=11 cost=10", .overInvoiced, "qty"),
        ("invoice", "date=2026-02-01 tx=PP qty=10.0001 cost=10", .overInvoiced, "qty"),
        ("invoice", "date=2026-02-01 tx=SP qty=3", .overInvoiced, "qty"),
        ("invoice", "date=2026-02-01 tx=P1 cost=10", .overInvoiced, "tx"),
        ("invoice", "date=2026-02-01 tx=S1", .overInvoiced, "tx"),
        ("invoice", "date=2026-02-01 tx=T1", .overInvoiced, "tx"),
        // negative-inventory (negative=no): N has 3 at S1
        ("issue", "date=2026-02-01 item=N tx=X1 qty=4 site=S1", .negativeInventory, "qty"),
        ("issue", "date=2026-02-01 item=N tx=X1 qty=3.0001 site=S1 physical=yes", .negativeInventory, "qty"),
        ("issue", "date=2026-02-01 item=N tx=X1 qty=1 site=S2", .negativeInventory, "qty"),
        ("transfer", "date=2026-02-01 item=N tx=X1 qty=4 from=site:S1 to=site:S2", .negativeInventory, "qty"),
        // marking-not-allowed (D6)
        ("mark", "date=2026-02-01 issue=SS receipt=PS", .markingNotAllowed, "issue"),
        ("mark", "date=2026-02-01 issue=SM receipt=PM", .markingNotAllowed, "issue"),
        // invalid-marking: swapped, not a receipt, other item, other pool, quantity above unmarked
        ("mark", "date=2026-02-01 issue=P1 receipt=S1", .invalidMarking, "issue"),
        ("mark", "date=2026-02-01 issue=S1 receipt=SP", .invalidMarking, "receipt"),
        ("mark", "date=2026-02-01 issue=S1 receipt=T1", .invalidMarking, "receipt"),
        ("mark", "date=2026-02-01 issue=S1 receipt=PF2", .invalidMarking, "receipt"),
        ("mark", "date=2026-02-01 issue=S1 receipt=P1 qty=3", .invalidMarking, "qty"),
        // model-mismatch
        ("standard-cost", "date=2026-02-01 item=F price=5", .modelMismatch, "item"),
        ("standard-cost", "date=2026-02-01 item=MA price=5", .modelMismatch, "item"),
        ("revalue", "date=2026-02-01 item=F price=5", .modelMismatch, "item"),
        ("revalue", "date=2026-02-01 item=STD price=5", .modelMismatch, "item"),
        ("adjust", "date=2026-02-01 tx=PS amount=1", .modelMismatch, "tx"),
        ("adjust", "date=2026-02-01 tx=PM amount=1", .modelMismatch, "tx"),
        // nothing-on-hand
        ("revalue", "date=2026-02-01 item=MA0 price=5", .nothingOnHand, "item"),
        ("revalue", "date=2026-02-01 item=MA price=5 site=S9", .nothingOnHand, "item"),
        // not-adjustable
        ("adjust", "date=2026-02-01 tx=S1 amount=1", .notAdjustable, "tx"),
        ("adjust", "date=2026-02-01 tx=PP amount=1", .notAdjustable, "tx"),
        ("adjust", "date=2026-02-01 tx=T1 amount=1", .notAdjustable, "tx"),
    ]

    @Test(arguments: decideCases)
    func decideRejects(_ name: String, _ text: String, _ code: Rejection.Code, _ field: String?) throws {
        let state = try Self.baseState()
        let command = try Self.command(name, text)
        Self.expectDecideRejection(state, command, code, field: field)
    }

    /// Codes tested by the close tests below.
    static let closeCodes: [Rejection.Code] = [.periodClosed, .nothingToReverse, .notLatestClose]

    /// Codes the ledger produces, not `decide`: tested with a ledger (CommandIDTests, CLICommandIDTests).
    static let ledgerCodes: [Rejection.Code] = [.commandIDConflict]

    /// Every code a user can meet has a test in this file. A new code without a test fails here.
    @Test func everyProducibleCodeIsCovered() {
        let covered = Set(
            Self.decoderCases.map(\.code) + Self.decideCases.map(\.code) + Self.closeCodes
                + Self.ledgerCodes)
        let uncovered = Set(Rejection.Code.allCases).subtracting(covered)
        #expect(uncovered.isEmpty, "codes without a test: \(uncovered)")
    }

    // MARK: - Close, period lock and reversal (D1, D12)

    /// D1: a close dated D locks every business date on or before D, for every posting command.
    @Test(arguments: [
        ("receive", "date=2026-01-31 item=F tx=X1 qty=1 cost=1"),
        ("issue", "date=2026-01-15 item=F tx=X1 qty=1"),
        ("invoice", "date=2026-01-31 tx=PP cost=10"),
        ("mark", "date=2026-01-20 issue=S1 receipt=P1"),
        ("transfer", "date=2026-01-31 item=F tx=X1 qty=1 from=site:S1 to=site:S2"),
        ("standard-cost", "date=2026-01-31 item=STD price=11"),
        ("revalue", "date=2026-01-02 item=MA price=5"),
        ("adjust", "date=2026-01-31 tx=P1 amount=1"),
        ("close", "date=2026-01-31"),
        ("close", "date=2026-01-30"),
        ("recalculate", "date=2026-01-10"),
        // The lock is checked before the references: an unknown item in a closed period is period-closed.
        ("receive", "date=2026-01-31 item=NOPE tx=P1 qty=1 cost=1"),
    ])
    func periodClosed(name: String, text: String) throws {
        var state = try Self.baseState()
        try Self.run(&state, "close", "date=2026-01-31")
        Self.expectDecideRejection(state, try Self.command(name, text), .periodClosed, field: "date")
    }

    @Test func theDayAfterTheCloseIsOpenAndAReversalReopens() throws {
        var state = try Self.baseState()
        try Self.run(&state, "close", "date=2026-01-31")
        try Self.run(&state, "receive", "date=2026-02-01 item=F tx=X1 qty=1 cost=1")
        try Self.run(&state, "reverse-close", "")
        try Self.run(&state, "receive", "date=2026-01-31 item=F tx=X2 qty=1 cost=1")
        try Self.run(&state, "close", "date=2026-01-31")
        Self.expectDecideRejection(
            state, try Self.command("receive", "date=2026-01-31 item=F tx=X3 qty=1 cost=1"),
            .periodClosed, field: "date")
    }

    @Test func nothingToReverse() throws {
        var state = try Self.baseState()
        Self.expectDecideRejection(state, try Self.command("reverse-close", ""), .nothingToReverse, field: nil)
        Self.expectDecideRejection(
            state, try Self.command("reverse-close", "date=2026-01-31"),
            .nothingToReverse, field: nil)
        try Self.run(&state, "close", "date=2026-01-31")
        Self.expectDecideRejection(
            state, try Self.command("reverse-close", "through=2026-01-31"),
            .nothingToReverse, field: "through")
        try Self.run(&state, "reverse-close", "")
        Self.expectDecideRejection(state, try Self.command("reverse-close", ""), .nothingToReverse, field: nil)
    }

    /// D12: only the latest close in force can be reversed.
    @Test func notLatestClose() throws {
        var state = try Self.baseState()
        try Self.run(&state, "close", "date=2026-01-31")
        try Self.run(&state, "close", "date=2026-02-28")
        Self.expectDecideRejection(
            state, try Self.command("reverse-close", "date=2026-01-31"),
            .notLatestClose, field: "date")
        Self.expectDecideRejection(
            state, try Self.command("reverse-close", "date=2026-03-31"),
            .notLatestClose, field: "date")
        try Self.run(&state, "reverse-close", "date=2026-02-28")
        try Self.run(&state, "reverse-close", "date=2026-01-31")
        try Self.run(&state, "receive", "date=2026-01-05 item=F tx=X1 qty=1 cost=1")
    }

    @Test func closeCommandShapes() {
        Self.expectDecodeRejection("close", "", .missingField, field: "date")
        Self.expectDecodeRejection("close", "date=2026-02-30", .invalidDate, field: "date")
        Self.expectDecodeRejection("recalculate", "date=2026-01-31 item=F", .malformed, field: "item")
        Self.expectDecodeRejection("reverse-close", "through=2026-13-01", .invalidDate, field: "through")
        Self.expectDecodeRejection("reverse-close", "date=31.01.2026", .invalidDate, field: "date")
    }

    // MARK: - Rejections that depend on earlier commands

    @Test func markingBeyondTheUnmarkedQuantityIsRejected() throws {
        var state = try Self.baseState()
        try Self.run(&state, "mark", "date=2026-02-01 issue=S1 receipt=P1 qty=1.5")
        Self.expectDecideRejection(
            state, try Self.command("mark", "date=2026-02-01 issue=S1 receipt=P1 qty=0.5001"),
            .invalidMarking, field: "qty")
        Self.expectDecideRejection(
            state, try Self.command("mark", "date=2026-02-01 issue=S1 receipt=P1"),
            .invalidMarking, field: "qty")
        try Self.run(&state, "mark", "date=2026-02-01 issue=S1 receipt=P1 qty=0.5")
        // The receipt's marked quantity counts too: 10 received, 2 marked by S1.
        try Self.run(&state, "issue", "date=2026-02-02 item=F tx=S9 qty=9 site=S1")
        Self.expectDecideRejection(
            state, try Self.command("mark", "date=2026-02-02 issue=S9 receipt=P1"),
            .invalidMarking, field: "qty")
        try Self.run(&state, "mark", "date=2026-02-02 issue=S9 receipt=P1 qty=8")
        #expect(state.marks["S9"]?.map(\.quantity) == [Quantity(whole: 8)])
    }

    @Test func invoicingTwiceIsOverInvoiced() throws {
        var state = try Self.baseState()
        try Self.run(&state, "invoice", "date=2026-02-01 tx=PP qty=4 cost=11")
        Self.expectDecideRejection(
            state, try Self.command("invoice", "date=2026-02-01 tx=PP qty=7 cost=11"),
            .overInvoiced, field: "qty")
        try Self.run(&state, "invoice", "date=2026-02-01 tx=PP cost=11")
        Self.expectDecideRejection(
            state, try Self.command("invoice", "date=2026-02-01 tx=PP cost=11"),
            .overInvoiced, field: "tx")
        try Self.run(&state, "invoice", "date=2026-02-01 tx=SP")
        Self.expectDecideRejection(
            state, try Self.command("invoice", "date=2026-02-01 tx=SP"),
            .overInvoiced, field: "tx")
    }

    @Test func negativeInventoryCountsThePhysicalOrFinancialOnHand() throws {
        var state = try Self.baseState()
        // N has 3 financial at S1. A physical receipt does not count for a financial issue (include
        // physical is off) but does for a physical one.
        try Self.run(&state, "receive", "date=2026-02-01 item=N tx=N2 qty=2 cost=1 site=S1 physical=yes")
        Self.expectDecideRejection(
            state, try Self.command("issue", "date=2026-02-01 item=N tx=X qty=4 site=S1"),
            .negativeInventory, field: "qty")
        try Self.run(&state, "issue", "date=2026-02-01 item=N tx=X qty=4 site=S1 physical=yes")
        Self.expectDecideRejection(
            state, try Self.command("issue", "date=2026-02-01 item=N tx=Y qty=1.0001 site=S1 physical=yes"),
            .negativeInventory, field: "qty")
        try Self.run(&state, "issue", "date=2026-02-01 item=N tx=Y qty=1 site=S1 physical=yes")
    }

    /// A packing slip (physically-only issue) has already taken the goods out. A later financial issue or
    /// transfer of an item with negative=no must not take on-hand below zero: 5 received, 5 shipped on a
    /// packing slip, then 5 more sold financially leaves -5 on hand.
    @Test(arguments: [
        ("issue", "date=2026-02-02 item=NP tx=S2 qty=5 site=S1"),
        ("issue", "date=2026-02-02 item=NP tx=S2 qty=0.0001 site=S1"),
        ("transfer", "date=2026-02-02 item=NP tx=T2 qty=5 from=site:S1 to=site:S2"),
    ])
    func financialIssueCountsEarlierPackingSlips(name: String, text: String) throws {
        var state = LedgerState()
        try Self.run(&state, "item", "item=NP model=fifo negative=no")
        try Self.run(&state, "receive", "date=2026-02-01 item=NP tx=P1 qty=5 cost=1 site=S1")
        try Self.run(&state, "issue", "date=2026-02-01 item=NP tx=S1 qty=5 site=S1 physical=yes")
        #expect(state.pool(PoolKey(item: "NP", dimensions: DimensionValues(site: "S1"))).quantity == .zero)
        Self.expectDecideRejection(state, try Self.command(name, text), .negativeInventory, field: "qty")
    }

    @Test func adjustmentMayNotTakeAReceiptBelowZero() throws {
        var state = try Self.baseState()
        try Self.run(&state, "adjust", "date=2026-02-01 tx=P1 amount=-60")
        Self.expectDecideRejection(
            state, try Self.command("adjust", "date=2026-02-01 tx=P1 amount=-40.01"),
            .invalidAmount, field: "amount")
        try Self.run(&state, "adjust", "date=2026-02-01 tx=P1 amount=-40")
        #expect(state.transactions["P1"]?.adjustment == (try Money(parsing: "-100")))
    }

    @Test func revaluationNeedsStockInThePool() throws {
        var state = try Self.baseState()
        try Self.run(&state, "issue", "date=2026-02-01 item=MA tx=X qty=4")
        Self.expectDecideRejection(
            state, try Self.command("revalue", "date=2026-02-01 item=MA price=5"),
            .nothingOnHand, field: "item")
        try Self.run(&state, "receive", "date=2026-02-02 item=MA tx=Y qty=1 cost=4")
        try Self.run(&state, "revalue", "date=2026-02-02 item=MA price=5")
    }

    /// Checks run in a fixed precedence, so a command always gets the same code.
    @Test func precedenceIsFixed() throws {
        let state = try Self.baseState()
        // Unknown item before duplicate transaction.
        Self.expectDecideRejection(
            state, try Self.command("receive", "date=2026-02-01 item=NOPE tx=P1 qty=1 cost=1"),
            .unknownItem, field: "item")
        // Duplicate transaction before negative inventory.
        Self.expectDecideRejection(
            state, try Self.command("issue", "date=2026-02-01 item=N tx=N1 qty=99 site=S1"),
            .duplicateTransaction, field: "tx")
        // The decoder reports an unknown key before anything else.
        Self.expectDecodeRejection("receive", "date=bad item=F tx=X qty=0 cost=1 foo=1", .malformed, field: "foo")
        // Swapped marking is reported on the issue before the model is looked at.
        Self.expectDecideRejection(
            state, try Self.command("mark", "date=2026-02-01 issue=PS receipt=SS"),
            .invalidMarking, field: "issue")
    }

    @Test func acceptedCommandsOfEveryKindDecide() throws {
        // The base state itself exercises every command; spot-check its figures.
        var state = try Self.baseState()
        try Self.run(&state, "accounts", "inventory=1401")
        try Self.run(&state, "standard-cost", "date=2026-02-01 item=STD price=11")
        try Self.run(&state, "revalue", "date=2026-02-01 item=MA price=5")
        #expect(state.eventCount == 20)
        #expect(state.lastSequence == 20)
        #expect(state.pool(PoolKey(item: "STD", dimensions: .none)).value == (try Money(parsing: "44.00")))
        #expect(state.pool(PoolKey(item: "MA", dimensions: .none)).value == (try Money(parsing: "20.00")))
        #expect(state.pool(PoolKey(item: "F", dimensions: DimensionValues(site: "S2"))).quantity == Quantity(whole: 1))
    }
}
