// The history views show integer cents and 1/10,000ths as exact decimal text, through the store's own
// SQLite: negative values keep their sign before the whole part (-5 cents is -0.05), zero is 0.00, and
// figures at the edge of DR-17's range (10^15 in amounts, 10^12 in quantities) print every digit.
// Writing the tables is one transaction: a run that fails part-way leaves the tables and the watermark
// as they were.

import SubledgerCore
import Testing

@testable import SubledgerStore

@Suite struct HistoryViewsTests {
    static func store() throws -> EventStore { try EventStore(path: ":memory:") }

    @Test func moneyTextIsExactWithItsSign() throws {
        let store = try Self.store()
        try store.connection.execute(
            """
            INSERT INTO history_gl_days VALUES ('A', 20260101, -5), ('A', 20260102, 0), ('A', 20260103, 7),
                ('A', 20260104, -100), ('A', 20260105, 100000000000000000), ('B', 10101, -100000000000000000),
                ('C', 20261231, -99), ('C', 99991231, 12345678901234567);
            """)
        let days = try store.textRows("SELECT account, day, amount FROM gl_days_v")
        #expect(
            days == [
                ["A", "2026-01-01", "-0.05"], ["A", "2026-01-02", "0.00"], ["A", "2026-01-03", "0.07"],
                ["A", "2026-01-04", "-1.00"], ["A", "2026-01-05", "1000000000000000.00"],
                ["B", "0001-01-01", "-1000000000000000.00"], ["C", "2026-12-31", "-0.99"],
                ["C", "9999-12-31", "123456789012345.67"],
            ])
        let balances = try store.textRows("SELECT account, through_day, balance FROM trial_balance_v")
        #expect(
            balances == [
                ["A", "2026-01-01", "-0.05"], ["A", "2026-01-02", "-0.05"], ["A", "2026-01-03", "0.02"],
                ["A", "2026-01-04", "-0.98"], ["A", "2026-01-05", "999999999999999.02"],
                ["B", "0001-01-01", "-1000000000000000.00"], ["C", "2026-12-31", "-0.99"],
                ["C", "9999-12-31", "123456789012344.68"],
            ])
    }

    @Test func quantitiesHaveFourDecimalsAndAmountsTwo() throws {
        let store = try Self.store()
        var entry = SettlementEntry(
            kind: .settlement, model: .fifo, transaction: "S1", counterpart: "P1", quantity: Quantity(units: -5),
            settledAmount: Money(units: -5), adjustment: Money(units: 0), physical: false)
        try store.writeHistory { writer, from, day in
            try writer.close(sequence: 9, day: date(2026_01_31), mode: .close, latestDayThrough: 2026_01_31)
            try writer.settlement(
                HistorySettlementRow(
                    sequence: 8, closeSequence: 9, day: date(2026_01_31), mode: .close, item: "A",
                    dimensions: DimensionValues(site: "S1"), entry: entry))
            entry.quantity = Quantity(units: 10_000_000_000_000_000)
            entry.settledAmount = Money(units: 100_000_000_000_000_000)
            entry.adjustment = Money(units: -123)
            entry.physical = true
            try writer.settlement(
                HistorySettlementRow(
                    sequence: 8, closeSequence: 9, day: date(2026_01_31), mode: .close, item: "A",
                    dimensions: DimensionValues(site: "S1"), entry: entry))
            try writer.onHand(
                closeSequence: 9,
                [
                    HistoryOnHandRow(
                        item: "A", dimensions: DimensionValues(site: "S1"), financialQuantity: Quantity(units: 30_000),
                        financialValue: Money(units: 1_000), physicalQuantity: Quantity(units: -1),
                        physicalValue: Money(units: -1)),
                    HistoryOnHandRow(
                        item: "B", dimensions: .none, financialQuantity: Quantity(units: 0),
                        financialValue: Money(units: -250), physicalQuantity: Quantity(units: 0),
                        physicalValue: Money(units: 0)),
                ])
            return (from, day)
        }
        let settlements = try store.textRows(
            "SELECT quantity, settled_amount, adjustment, physical, site FROM settlements_v")
        #expect(
            settlements == [
                ["-0.0005", "-0.05", "0.00", "no", "S1"],
                ["1000000000000.0000", "1000000000000000.00", "-1.23", "yes", "S1"],
            ])
        let onHand = try store.textRows(
            """
            SELECT close_day, item, financial_quantity, financial_value, physical_quantity, physical_value,
                   quantity, value, average_unit_cost FROM onhand_v
            """)
        // A: 10 units (3.0000 - 0.0001 = 2.9999) worth 9.99; 999 cents / 2.9999 = 3.33011100... -> 3.3301.
        #expect(
            onHand == [
                ["2026-01-31", "A", "3.0000", "10.00", "-0.0001", "-0.01", "2.9999", "9.99", "3.3301"],
                ["2026-01-31", "B", "0.0000", "-2.50", "0.0000", "0.00", "0.0000", "-2.50", nil],
            ])
    }

    @Test func aFailedRunLeavesTheTablesAndTheWatermark() throws {
        let store = try Self.store()
        try appendCommands(store, sizes: [3])
        try store.writeHistory { _, _, day in (2, day) }
        #expect(try store.historyWatermark() == 2)
        #expect(throws: BodyFailed.self) {
            try store.writeHistory { writer, _, day in
                try writer.close(sequence: 3, day: date(2026_01_31), mode: .close, latestDayThrough: day)
                throw BodyFailed(note: "killed between the rows and the watermark")
            }
        }
        #expect(try store.historyWatermark() == 2)
        #expect(try store.historyCloses().isEmpty)
        #expect(!store.connection.isInTransaction)
    }
}
