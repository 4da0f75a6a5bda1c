import SubledgerCore
import Testing

/// Input that could mean two things is refused, never guessed: an empty yes/no, a tracked dimension left
/// out, a transfer that goes nowhere, a dimension named twice, a number in exponent notation.
struct AmbiguousInputTests {
    typealias R = DecideRejectionTests

    @Test(arguments: [
        ("receive", "date=2026-01-02 item=F tx=P9 qty=1 cost=1 physical=", "physical"),
        ("issue", "date=2026-01-02 item=F tx=S9 qty=1 physical=", "physical"),
        ("item", "item=X model=fifo include-physical=", "include-physical"),
        ("item", "item=X model=fifo negative=", "negative"),
        ("item", "item=X model=fifo price=1 fixed-receipt-price=", "fixed-receipt-price"),
        ("receive", "date=2026-01-02 item=F tx=P9 qty=1 cost=1 physical=Yes", "physical"),
        ("receive", "date=2026-01-02 item=F tx=P9 qty=1 cost=1 physical=1", "physical"),
    ])
    func anEmptyOrOtherYesNoIsRefused(name: String, text: String, field: String) {
        R.expectDecodeRejection(name, text, .malformed, field: field)
    }

    @Test func yesNoTrueFalseAreAccepted() throws {
        for (text, physical) in [("yes", true), ("true", true), ("no", false), ("false", false)] {
            let command = try R.command("receive", "date=2026-01-02 item=F tx=P9 qty=1 cost=1 physical=\(text)")
            guard case .receive(let receive) = command else { Issue.record("not a receipt"); continue }
            #expect(receive.physicalOnly == physical)
        }
    }

    @Test(arguments: [
        ("transfer", "date=2026-01-04 item=F tx=T9 qty=1 from=site:S1 to=site:S1", "to"),
        ("transfer", "date=2026-01-04 item=F tx=T9 qty=1 from=site:S1,warehouse:W1 to=warehouse:W1,site:S1", "to"),
        ("transfer", "date=2026-01-04 item=F tx=T9 qty=1 from=site:S1,site:S2 to=site:S3", "from"),
        ("transfer", "date=2026-01-04 item=F tx=T9 qty=1 from=site:S1 to=site:S2,site:S2", "to"),
    ])
    func aTransferToItselfOrARepeatedDimensionIsRefused(name: String, text: String, field: String) {
        R.expectDecodeRejection(name, text, .malformed, field: field)
    }

    @Test func aTransferBetweenWarehousesOfOneSiteIsStillAccepted() throws {
        // Only site is financial here: a move between warehouses posts nothing (D15), but it is a move.
        var state = try R.baseState()
        try R.run(
            &state, "transfer", "date=2026-01-04 item=F tx=T9 qty=1 from=site:S1,warehouse:W1 to=site:S1,warehouse:W2")
    }

    /// An item tracking site and warehouse, with stock at S1/W1.
    static func warehouseState() throws -> LedgerState {
        var state = LedgerState()
        try R.run(&state, "item", "item=W model=fifo dimensions=site,warehouse")
        try R.run(&state, "item", "item=B model=fifo dimensions=batch")
        try R.run(&state, "receive", "date=2026-01-02 item=W tx=P1 qty=5 cost=1 site=S1 warehouse=W1")
        return state
    }

    @Test(arguments: [
        ("receive", "date=2026-01-03 item=W tx=P2 qty=1 cost=1 site=S1", "warehouse"),
        ("receive", "date=2026-01-03 item=W tx=P2 qty=1 cost=1 warehouse=W1", "site"),
        ("issue", "date=2026-01-03 item=W tx=S2 qty=1 site=S1", "warehouse"),
        ("issue", "date=2026-01-03 item=W tx=S2 qty=1 site=S1 physical=yes", "warehouse"),
        ("receive", "date=2026-01-03 item=B tx=P3 qty=1 cost=1", "batch"),
        ("transfer", "date=2026-01-03 item=W tx=T2 qty=1 from=site:S1 to=site:S2,warehouse:W1", "from"),
        ("transfer", "date=2026-01-03 item=W tx=T2 qty=1 from=site:S1,warehouse:W1 to=site:S2", "to"),
    ])
    func aTrackedDimensionLeftOutIsMissing(name: String, text: String, field: String) throws {
        let state = try Self.warehouseState()
        R.expectDecideRejection(state, try R.command(name, text), .missingField, field: field)
    }

    @Test func theDefaultSiteOnlyItemMayLeaveSiteOut() throws {
        var state = try Self.warehouseState()
        try R.run(&state, "item", "item=D model=fifo")
        try R.run(&state, "receive", "date=2026-01-03 item=D tx=P4 qty=1 cost=1")
        try R.run(&state, "issue", "date=2026-01-03 item=D tx=S4 qty=1")
        try R.run(&state, "receive", "date=2026-01-03 item=W tx=P5 qty=1 cost=1 site=S1 warehouse=W2")
    }

    @Test(arguments: ["7.0485e2", "1e5", "1E5", "-2.5e-3", "12.50E1"])
    func exponentNotationIsNamed(text: String) {
        #expect(throws: NumberError.exponent) { try Money(parsing: text) }
        #expect(throws: NumberError.exponent) { try Quantity(parsing: text) }
        do throws(Rejection) {
            _ = try CommandDecoder.decode(
                command: "receive", R.fields("date=2026-01-02 item=F tx=P9 qty=\(text) cost=1"))
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.code == .invalidQuantity)
            #expect(error.message.contains("exponent notation is not accepted"), "\(error.message)")
            #expect(!error.message.contains("decimals"), "\(error.message)")
        }
    }

    @Test func tooManyDecimalsIsStillNamedWithoutAnExponent() {
        #expect(throws: NumberError.tooManyDecimals(allowed: 2)) { try Money(parsing: "7.0485") }
        #expect(throws: NumberError.malformed) { try Money(parsing: "7.0485x") }
        #expect(throws: NumberError.malformed) { try Money(parsing: "e5") }
    }
}
