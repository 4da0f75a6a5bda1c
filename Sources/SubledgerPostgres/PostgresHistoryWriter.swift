// Writing the history tables on PostgreSQL: the rows of one projection run, inside the transaction that
// holds the watermark's lock (PostgresEventLog+History.swift). Voucher lines and settlement entries are
// buffered into multi-row INSERTs of `rowsPerStatement` rows, and the statements are sent `pipelineDepth`
// at a time with one wait of the calling thread (PostgresSession.pipeline, DR-45): a month's close of
// 100,000 postings sends some 300 statements in about 20 round trips instead of 300,000 single-row
// statements. The GL days are summed per account and day in memory and added to the stored days at the
// end, as SQLite's writer does. Settlement entries are numbered here (SQLite numbers them by rowid): the
// next after the greatest stored, read under the lock, so a rebuild numbers them 1, 2, ... as SQLite does.

import PostgresNIO
import SubledgerCore
import SubledgerStore

final class PostgresHistoryWriter: EvictionRowWriter {
    /// Rows per multi-row INSERT (at most 20 parameters a row: 20,000 of PostgreSQL's 65,535).
    static let rowsPerStatement = 1000
    /// Statements sent before the thread waits for their answers.
    static let pipelineDepth = 16

    let session: PostgresSession
    /// The tables' schema, qualified ("public." or "pg_temp." for a verification's scratch tables).
    let prefix: String
    private var nextEntry: Int64
    private var lines: Rows
    private var settlements: Rows
    private var queued: [PostgresQuery] = []
    private var glDays: [String: [Int32: Int64]] = [:]
    private var settlementDays: Set<Int32> = []
    /// The stored filter of closed ids, which a rebuild's history rows go into too (nil: a verification's
    /// scratch run, or a schema without it).
    var closedIDs: PostgresClosedIDs?

    /// Rows of one table waiting for their INSERT.
    struct Rows {
        let head: String, tail: String, columns: Int
        var bindings = PostgresBindings()
        var count = 0

        /// One statement of the waiting rows (nil when none).
        mutating func take() -> PostgresQuery? {
            guard count > 0 else { return nil }
            let placeholders = (0..<count).map { row in
                "(" + (1...columns).map { "$\(row * columns + $0)" }.joined(separator: ",") + ")"
            }
            let query = PostgresQuery(
                unsafeSQL: head + placeholders.joined(separator: ",") + tail, binds: bindings)
            bindings = PostgresBindings()
            count = 0
            return query
        }
    }

    init(_ session: PostgresSession, prefix: String, nextEntry: Int64) {
        self.session = session
        self.prefix = prefix
        self.nextEntry = nextEntry
        lines = Rows(head: "INSERT INTO \(prefix)history_voucher_lines VALUES ", tail: "", columns: 7)
        settlements = Rows(head: "INSERT INTO \(prefix)history_settlements VALUES ", tail: "", columns: 20)
    }

    func voucherLine(
        sequence: Int64, line: Int, reference: String, _ voucher: VoucherLine, day: LedgerDate
    ) throws(StoreError) {
        lines.bindings.append(sequence)
        lines.bindings.append(Int32(truncatingIfNeeded: line))
        lines.bindings.append(reference)
        lines.bindings.append(voucher.account)
        lines.bindings.append(voucher.postingType.rawValue)
        lines.bindings.append(voucher.amount.units)
        lines.bindings.append(day.yyyymmdd)
        lines.count += 1
        // A day's net is the difference of two in-range balances (DR-17): it cannot overflow.
        glDays[voucher.account, default: [:]][day.yyyymmdd, default: 0] &+= voucher.amount.units
        if lines.count == Self.rowsPerStatement { try queue(lines.take()) }
    }

    func settlement(_ row: HistorySettlementRow) throws(StoreError) {
        var b = settlements.bindings
        b.append(nextEntry)
        nextEntry += 1
        b.append(row.sequence)
        b.append(row.closeSequence)
        b.append(row.day.yyyymmdd)
        b.append(row.mode.name)
        b.append(row.item)
        Self.append(row.dimensions, to: &b)
        let entry = row.entry
        b.append(row.kindName)
        b.append(entry.model.name)
        b.append(entry.transaction)
        b.append(entry.counterpart)
        b.append(entry.quantity.units)
        b.append(entry.settledAmount.units)
        b.append(entry.adjustment.units)
        b.append(Int32(truncatingIfNeeded: entry.part))
        b.append(Int32(truncatingIfNeeded: entry.issuePart))
        b.append(Int32(entry.physical ? 1 : 0))
        settlements.bindings = b
        settlements.count += 1
        if settlements.count == Self.rowsPerStatement { try queue(settlements.take()) }
    }

    func settlementDay(_ day: LedgerDate) throws(StoreError) { settlementDays.insert(day.yyyymmdd) }

    func close(
        sequence: Int64, day: LedgerDate, mode: SubledgerCore.CloseMode, latestDayThrough: Int32
    ) throws(StoreError) {
        let insert: PostgresQuery = """
            INSERT INTO \(unescaped: prefix)history_closes VALUES (\(sequence), \(day.yyyymmdd), \(mode.name), NULL,
            \(latestDayThrough)) ON CONFLICT (close_sequence) DO UPDATE SET day = excluded.day,
            mode = excluded.mode, reversed_by = NULL, latest_day_through = excluded.latest_day_through
            """
        try queue(insert)
    }

    func closeReversed(_ closeSequence: Int64, by sequence: Int64) throws(StoreError) {
        let update: PostgresQuery = """
            UPDATE \(unescaped: prefix)history_closes SET reversed_by = \(sequence)
            WHERE close_sequence = \(closeSequence)
            """
        try queue(update)
    }

    func onHand(closeSequence: Int64, _ rows: [HistoryOnHandRow]) throws(StoreError) {
        var statement = Rows(
            head: "INSERT INTO \(prefix)history_onhand_at_close VALUES ",
            tail: Self.replacing(
                key: "close_sequence, item, site, warehouse, batch, serial",
                columns: [
                    "financial_quantity", "financial_value", "physical_quantity", "physical_value",
                    "average_unit_cost",
                ]), columns: 11)
        for row in rows {
            statement.bindings.append(closeSequence)
            statement.bindings.append(row.item)
            Self.append(row.dimensions, to: &statement.bindings)
            statement.bindings.append(row.financialQuantity.units)
            statement.bindings.append(row.financialValue.units)
            statement.bindings.append(row.physicalQuantity.units)
            statement.bindings.append(row.physicalValue.units)
            let quantity = row.financialQuantity + row.physicalQuantity
            if quantity.isPositive {
                statement.bindings.append((row.financialValue + row.physicalValue).perUnit(quantity).units)
            } else {
                statement.bindings.appendNull()
            }
            statement.count += 1
            if statement.count == Self.rowsPerStatement { try queue(statement.take()) }
        }
        try queue(statement.take())
    }

    /// Sends what waits, adds the run's GL days and settlement days, and moves the watermark: the run's
    /// last step, inside its transaction.
    func finish(through sequence: Int64, latestDay: Int32) throws(StoreError) {
        try queue(lines.take())
        try queue(settlements.take())
        var days = Rows(
            head: "INSERT INTO \(prefix)history_gl_days AS g VALUES ",
            tail: " ON CONFLICT (account, day) DO UPDATE SET amount = g.amount + excluded.amount", columns: 3)
        for (account, amounts) in glDays {
            for (day, amount) in amounts {
                days.bindings.append(account)
                days.bindings.append(day)
                days.bindings.append(amount)
                days.count += 1
                if days.count == Self.rowsPerStatement { try queue(days.take()) }
            }
        }
        try queue(days.take())
        glDays = [:]
        var settled = Rows(
            head: "INSERT INTO \(prefix)history_settlement_days VALUES ", tail: " ON CONFLICT (day) DO NOTHING",
            columns: 1)
        for day in settlementDays.sorted() {
            settled.bindings.append(day)
            settled.count += 1
            if settled.count == Self.rowsPerStatement { try queue(settled.take()) }
        }
        try queue(settled.take())
        settlementDays = []
        let mark: PostgresQuery = """
            INSERT INTO \(unescaped: prefix)history_watermark VALUES ('events', \(sequence), \(latestDay))
            ON CONFLICT (name) DO UPDATE SET sequence = excluded.sequence, latest_day = excluded.latest_day
            """
        try queue(mark)
        try send()
    }

    /// Queues a statement (nil: nothing), sending the queue when it is `pipelineDepth` long.
    func queue(_ query: PostgresQuery?) throws(StoreError) {
        guard let query else { return }
        queued.append(query)
        if queued.count >= Self.pipelineDepth { try send() }
    }

    func send() throws(StoreError) {
        guard !queued.isEmpty else { return }
        let statements = queued
        queued = []
        try session.pipeline(statements)
    }

    /// The history rows of a rebuild's or verification's replay (DR-50), in this run's transaction.
    func historyTransactions(_ rows: [HistoryTransactionRow]) throws(StoreError) {
        for statement in PostgresHistoryRows.inserts(rows, prefix: prefix) { try queue(statement) }
        guard let closedIDs else { return }
        try send()  // a filter that does not cover the table is made from its ids: these rows first
        try closedIDs.add(rows.map(\.transaction))
    }

    var evictedSums: any EvictedSumsStore { PostgresEvictedSums(session: session, prefix: prefix) }

    /// `ON CONFLICT (key) DO UPDATE` of every other column: SQLite's INSERT OR REPLACE.
    static func replacing(key: String, columns: [String]) -> String {
        " ON CONFLICT (\(key)) DO UPDATE SET " + columns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
    }

    static func append(_ dimensions: DimensionValues, to bindings: inout PostgresBindings) {
        bindings.append(dimensions.site)
        bindings.append(dimensions.warehouse)
        bindings.append(dimensions.batch)
        bindings.append(dimensions.serial)
    }
}
