import Testing

@testable import SubledgerCore

/// The close's invariants are checked always: a settlement that takes more than a side's open quantity,
/// or a pool whose value is not conserved, stops the process instead of posting wrong figures.
struct CloseInvariantTests {
    /// A FIFO pool with receipt P1 (2 at 10.00) and issue S1 (1), both financially updated, ready to close.
    static func pool() throws -> PoolClose {
        var state = LedgerState()
        let day = LedgerDate("2026-01-05")!
        try state.apply(
            .itemDefined(
                ItemSetup(
                    id: "A", model: .fifo, includePhysicalValue: false, defaultPrice: nil, standardCost: nil,
                    postingGroup: "", dimensions: DimensionSet([]), negativeInventoryAllowed: true,
                    fixedReceiptPrice: false)), date: EventCatalog.setupDate, sequence: 1)
        try state.apply(
            .receiptPosted(
                ReceiptPosted(
                    transaction: "P1", item: "A", kind: .purchase, dimensions: .none, quantity: Quantity(whole: 2),
                    unitPrice: UnitPrice(units: 100_000), physicalOnly: false, inventoryValue: Money(cents: 2_000),
                    offsetValue: Money(cents: 2_000), lines: [])), date: day, sequence: 2)
        try state.apply(
            .issuePosted(
                IssuePosted(
                    transaction: "S1", item: "A", kind: .sale, dimensions: .none, quantity: Quantity(whole: 1),
                    physicalOnly: false, costAmount: Money(cents: 1_000), costSource: .runningAverage, lines: [])),
            date: day, sequence: 3)
        let planner = ClosePlanner(state: state, through: LedgerDate("2026-01-31")!, mode: .close)
        let key = PoolKey(item: "A", dimensions: .none)
        return PoolClose(
            setup: state.items["A"]!, key: key, planner: planner,
            rows: ClosePlanner.PoolRows(receipts: ["P1"], issues: ["S1"]))
    }

    @Test func aSoundCloseConservesValue() throws {
        var pool = try Self.pool()
        let start = pool.openValues()
        pool.settle(0, 0, Quantity(whole: 1), model: .fifo)
        pool.checkConservation(from: start)
        #expect(pool.issues[0].openQuantity.isZero && pool.receipts[0].openQuantity == Quantity(whole: 1))
    }

    @Test func aSettlementOfMoreThanTheIssueIsOpenStops() async throws {
        let result = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var pool = try Self.pool()
            pool.settle(0, 0, Quantity(whole: 2), model: .fifo)
        }
        let message = String(decoding: result.standardErrorContent, as: UTF8.self)
        #expect(message.contains("2 of issue S1 (open 1) taken from receipt P1"), "\(message)")
    }

    @Test func aPoolWhoseValueIsNotConservedStops() async throws {
        let result = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var pool = try Self.pool()
            let start = pool.openValues()
            pool.settle(0, 0, Quantity(whole: 1), model: .fifo)
            pool.receipts[0].openValue += Money(cents: 1)  // a cent appears from nowhere
            pool.checkConservation(from: start)
        }
        let message = String(decoding: result.standardErrorContent, as: UTF8.self)
        #expect(
            message.contains("receipts were open for 20.00, 10.01 is left and settlements took 10.00"),
            "\(message)")
    }
}
