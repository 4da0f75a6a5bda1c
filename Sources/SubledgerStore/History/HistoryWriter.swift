// Writing the history tables: prepared statements for one projection run, used inside one transaction
// (`EventStore.writeHistory`). The GL is kept as a net amount per account and day, accumulated in memory
// for the run and added to the stored days at its end: a million postings touch a few thousand days.
// Voucher lines and settlement entries are inserted `batch` rows per statement: a statement's fixed cost
// (starting it, opening and closing the table's cursors) falls on a batch instead of on each of the
// millions of lines. Every key a batch writes lands at a B-tree's right edge (the tables' keys and the
// settlements' index by close grow with the log; the lookups by id are key tables filled after the run,
// DR-48), so the statement journal a multi-row INSERT keeps inside a transaction copies a page or two,
// not one page per row as when an index by id took the keys in no order (DR-36).

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
    /// Rows per multi-row insert.
    static let batch = 32

    let connection: Connection
    let schema: String
    private let insertLine: Statement
    private let insertLines: Statement
    private let insertSettlement: Statement
    private let insertSettlements: Statement
    private var lines: [(sequence: Int64, line: Int64, reference: String, voucher: VoucherLine, day: Int32)] = []
    private var settlements: [HistorySettlementRow] = []
    private let insertClose: Statement
    private let markReversed: Statement
    private let insertOnHand: Statement
    private var glDays: [String: [Int32: Int64]] = [:]

    init(_ connection: Connection, schema: String) throws(StoreError) {
        self.connection = connection
        self.schema = schema
        let line = "(" + Array(repeating: "?", count: 7).joined(separator: ", ") + ")"
        let lines = "INSERT INTO \(schema).history_voucher_lines VALUES "
        insertLine = try connection.prepare(lines + line)
        insertLines = try connection.prepare(
            lines + Array(repeating: line, count: Self.batch).joined(separator: ", "))
        // `entry` NULL: the next rowid, so the entries keep their order within a multi-row insert too.
        let settlement = "(NULL, " + Array(repeating: "?", count: 19).joined(separator: ", ") + ")"
        let settlements = "INSERT INTO \(schema).history_settlements VALUES "
        insertSettlement = try connection.prepare(settlements + settlement)
        insertSettlements = try connection.prepare(
            settlements + Array(repeating: settlement, count: Self.batch).joined(separator: ", "))
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
        lines.append((sequence, Int64(line), reference, voucher, day.yyyymmdd))
        if lines.count == Self.batch { try flushLines() }
        // A day's net is the difference of two in-range balances (DR-17): it cannot overflow.
        glDays[voucher.account, default: [:]][day.yyyymmdd, default: 0] &+= voucher.amount.units
    }

    public func settlement(_ row: HistorySettlementRow) throws(StoreError) {
        settlements.append(row)
        if settlements.count == Self.batch { try flushSettlements() }
    }

    /// Inserts the waiting voucher lines: a full batch in one statement, fewer one by one.
    private func flushLines() throws(StoreError) {
        let full = lines.count == Self.batch
        let s = full ? insertLines : insertLine
        for start in stride(from: 0, to: lines.count, by: full ? Self.batch : 1) {
            defer { s.reset() }
            for (offset, row) in lines[start..<(full ? lines.count : start + 1)].enumerated() {
                let at = Int32(offset * 7)
                try s.bind(row.sequence, at: at + 1)
                try s.bind(row.line, at: at + 2)
                try s.bind(row.reference, at: at + 3)
                try s.bind(row.voucher.account, at: at + 4)
                try s.bind(row.voucher.postingType.rawValue, at: at + 5)
                try s.bind(row.voucher.amount.units, at: at + 6)
                try s.bind(Int64(row.day), at: at + 7)
            }
            try s.run()
        }
        lines.removeAll(keepingCapacity: true)
    }

    /// Inserts the waiting settlement entries, in their order: a full batch in one statement, fewer one by one.
    private func flushSettlements() throws(StoreError) {
        let full = settlements.count == Self.batch
        let s = full ? insertSettlements : insertSettlement
        for start in stride(from: 0, to: settlements.count, by: full ? Self.batch : 1) {
            defer { s.reset() }
            for (offset, row) in settlements[start..<(full ? settlements.count : start + 1)].enumerated() {
                try bind(row, to: s, from: Int32(offset * 19))
            }
            try s.run()
        }
        settlements.removeAll(keepingCapacity: true)
    }

    private func bind(_ row: HistorySettlementRow, to s: Statement, from at: Int32) throws(StoreError) {
        try s.bind(row.sequence, at: at + 1)
        try s.bind(row.closeSequence, at: at + 2)
        try s.bind(Int64(row.day.yyyymmdd), at: at + 3)
        try s.bind(row.mode.name, at: at + 4)
        try s.bind(row.item, at: at + 5)
        try bind(row.dimensions, to: s, from: at + 6)
        let entry = row.entry
        try s.bind(HistoryWriter.kindName(entry.kind), at: at + 10)
        try s.bind(entry.model.name, at: at + 11)
        try s.bind(entry.transaction, at: at + 12)
        try s.bind(entry.counterpart, at: at + 13)
        try s.bind(entry.quantity.units, at: at + 14)
        try s.bind(entry.settledAmount.units, at: at + 15)
        try s.bind(entry.adjustment.units, at: at + 16)
        try s.bind(Int64(entry.part), at: at + 17)
        try s.bind(Int64(entry.issuePart), at: at + 18)
        try s.bind(entry.physical ? 1 : 0, at: at + 19)
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
        try flushLines()
        try flushSettlements()
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
