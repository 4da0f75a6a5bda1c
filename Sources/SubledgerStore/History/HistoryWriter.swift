// Writing the history tables: prepared statements for one projection run, used inside one transaction
// (`EventStore.writeHistory`). The GL is kept as a net amount per account and day, accumulated in memory
// for the run and added to the stored days at its end: a million postings touch a few thousand days.

import SubledgerCore

/// One settlement entry as the history stores it.
public struct HistorySettlementRow: Sendable, Equatable {
    public var sequence: Int64
    /// The `close.posted` of its run; for a reversal's entries, that of the close they reverse.
    public var closeSequence: Int64
    public var day: LedgerDate
    public var mode: CloseMode
    public var item: String
    public var dimensions: DimensionValues
    public var entry: SettlementEntry

    public init(
        sequence: Int64, closeSequence: Int64, day: LedgerDate, mode: CloseMode, item: String,
        dimensions: DimensionValues, entry: SettlementEntry
    ) {
        self.sequence = sequence
        self.closeSequence = closeSequence
        self.day = day
        self.mode = mode
        self.item = item
        self.dimensions = dimensions
        self.entry = entry
    }
}

/// One cost pool's on-hand right after a close or recalculation.
public struct HistoryOnHandRow: Sendable, Equatable {
    public var item: String
    public var dimensions: DimensionValues
    public var financialQuantity: Quantity, financialValue: Money
    public var physicalQuantity: Quantity, physicalValue: Money

    public init(
        item: String, dimensions: DimensionValues, financialQuantity: Quantity, financialValue: Money,
        physicalQuantity: Quantity, physicalValue: Money
    ) {
        self.item = item
        self.dimensions = dimensions
        self.financialQuantity = financialQuantity
        self.financialValue = financialValue
        self.physicalQuantity = physicalQuantity
        self.physicalValue = physicalValue
    }
}

public final class HistoryWriter {
    let connection: Connection
    let schema: String
    private let insertLine: Statement
    private let insertSettlement: Statement
    private let insertClose: Statement
    private let markReversed: Statement
    private let insertOnHand: Statement
    private var glDays: [String: [Int32: Int64]] = [:]

    init(_ connection: Connection, schema: String) throws(StoreError) {
        self.connection = connection
        self.schema = schema
        insertLine = try connection.prepare(
            "INSERT INTO \(schema).history_voucher_lines VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        insertSettlement = try connection.prepare(
            """
            INSERT INTO \(schema).history_settlements VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
                ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
            """)
        insertClose = try connection.prepare(
            "INSERT OR REPLACE INTO \(schema).history_closes VALUES (?1, ?2, ?3, NULL, ?4)")
        markReversed = try connection.prepare(
            "UPDATE \(schema).history_closes SET reversed_by = ?2 WHERE close_sequence = ?1")
        insertOnHand = try connection.prepare(
            "INSERT OR REPLACE INTO \(schema).history_onhand_at_close "
                + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
    }

    /// The watermark the run starts from: the last event projected and the latest business date through it.
    func watermark() throws(StoreError) -> (sequence: Int64, latestDay: Int32) {
        let statement = try connection.prepare(
            "SELECT sequence, latest_day FROM \(schema).history_watermark WHERE name = 'events'")
        guard try statement.step() else { return (0, 0) }
        return (statement.int64(at: 0), Int32(truncatingIfNeeded: statement.int64(at: 1)))
    }

    public func voucherLine(
        sequence: Int64, line: Int, reference: String, _ voucher: VoucherLine, day: LedgerDate
    ) throws(StoreError) {
        defer { insertLine.reset() }
        try insertLine.bind(sequence, at: 1)
        try insertLine.bind(Int64(line), at: 2)
        try insertLine.bind(reference, at: 3)
        try insertLine.bind(voucher.account, at: 4)
        try insertLine.bind(voucher.postingType.rawValue, at: 5)
        try insertLine.bind(voucher.amount.units, at: 6)
        try insertLine.bind(Int64(day.yyyymmdd), at: 7)
        try insertLine.run()
        // A day's net is the difference of two in-range balances (DR-17): it cannot overflow.
        glDays[voucher.account, default: [:]][day.yyyymmdd, default: 0] &+= voucher.amount.units
    }

    public func settlement(_ row: HistorySettlementRow) throws(StoreError) {
        let s = insertSettlement
        defer { s.reset() }
        try s.bind(row.sequence, at: 1)
        try s.bind(row.closeSequence, at: 2)
        try s.bind(Int64(row.day.yyyymmdd), at: 3)
        try s.bind(row.mode.name, at: 4)
        try s.bind(row.item, at: 5)
        try bind(row.dimensions, to: s, from: 6)
        let entry = row.entry
        try s.bind(HistoryWriter.kindName(entry.kind), at: 10)
        try s.bind(entry.model.name, at: 11)
        try s.bind(entry.transaction, at: 12)
        try s.bind(entry.counterpart, at: 13)
        try s.bind(entry.quantity.units, at: 14)
        try s.bind(entry.settledAmount.units, at: 15)
        try s.bind(entry.adjustment.units, at: 16)
        try s.bind(Int64(entry.part), at: 17)
        try s.bind(Int64(entry.issuePart), at: 18)
        try s.bind(entry.physical ? 1 : 0, at: 19)
        try s.run()
    }

    public func close(sequence: Int64, day: LedgerDate, mode: CloseMode, latestDayThrough: Int32) throws(StoreError) {
        defer { insertClose.reset() }
        try insertClose.bind(sequence, at: 1)
        try insertClose.bind(Int64(day.yyyymmdd), at: 2)
        try insertClose.bind(mode.name, at: 3)
        try insertClose.bind(Int64(latestDayThrough), at: 4)
        try insertClose.run()
    }

    public func closeReversed(_ closeSequence: Int64, by sequence: Int64) throws(StoreError) {
        defer { markReversed.reset() }
        try markReversed.bind(closeSequence, at: 1)
        try markReversed.bind(sequence, at: 2)
        try markReversed.run()
    }

    /// The on-hand of every cost pool right after the close at `closeSequence`.
    public func onHand(closeSequence: Int64, _ rows: [HistoryOnHandRow]) throws(StoreError) {
        let s = insertOnHand
        for row in rows {
            defer { s.reset() }
            try s.bind(closeSequence, at: 1)
            try s.bind(row.item, at: 2)
            try bind(row.dimensions, to: s, from: 3)
            try s.bind(row.financialQuantity.units, at: 7)
            try s.bind(row.financialValue.units, at: 8)
            try s.bind(row.physicalQuantity.units, at: 9)
            try s.bind(row.physicalValue.units, at: 10)
            let quantity = row.financialQuantity + row.physicalQuantity
            if quantity.isPositive {
                try s.bind((row.financialValue + row.physicalValue).perUnit(quantity).units, at: 11)
            } else {
                try s.bindNull(at: 11)
            }
            try s.run()
        }
    }

    /// Adds the run's GL days to the stored ones and moves the watermark: the run's last step.
    func finish(through sequence: Int64, latestDay: Int32) throws(StoreError) {
        let upsert = try connection.prepare(
            """
            INSERT INTO \(schema).history_gl_days VALUES (?1, ?2, ?3)
            ON CONFLICT(account, day) DO UPDATE SET amount = amount + excluded.amount
            """)
        for (account, days) in glDays {
            for (day, amount) in days {
                defer { upsert.reset() }
                try upsert.bind(account, at: 1)
                try upsert.bind(Int64(day), at: 2)
                try upsert.bind(amount, at: 3)
                try upsert.run()
            }
        }
        glDays = [:]
        let mark = try connection.prepare(
            "INSERT OR REPLACE INTO \(schema).history_watermark VALUES ('events', ?1, ?2)")
        try mark.bind(sequence, at: 1)
        try mark.bind(Int64(latestDay), at: 2)
        try mark.run()
    }

    private func bind(_ dimensions: DimensionValues, to s: Statement, from index: Int32) throws(StoreError) {
        try s.bind(dimensions.site, at: index)
        try s.bind(dimensions.warehouse, at: index + 1)
        try s.bind(dimensions.batch, at: index + 2)
        try s.bind(dimensions.serial, at: index + 3)
    }

    /// The event's wire names (`settlement`, `adjustment`, `consumption`, `receipt-adjustment`).
    static func kindName(_ kind: SettlementEntry.Kind) -> String {
        switch kind {
        case .settlement: return "settlement"
        case .adjustment: return "adjustment"
        case .consumption: return "consumption"
        case .receiptAdjustment: return "receipt-adjustment"
        }
    }
}
