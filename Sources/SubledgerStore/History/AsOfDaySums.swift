// The subledger side as of any date a close in force covers (DR-35): per close in force, the day-by-day
// changes of the events since the close before it, in the groups DR-31 sums (`EvictedSumKey`), beside the
// change of each item's pool value and the count of events per day. The figures as of D are the sums of
// every row dated on or before D; the reader resolves the groups' accounts through the current setup, as
// for the stored sums of what closes moved out. A date on which the sums would differ from the fold of the
// events dated through it (an event dated before an earlier event of the same transaction, or before the
// latest date of the events the close before it covered) is stored as a gap, and such a date takes the
// replay. Written by the history projection after the close is projected, deleted with the close by its
// reversal, refilled by `subledger rebuild`, compared by `replay --verify`.
//
// Amounts are integer cents split into chunks of at most `EvictedSumsSchema.chunkLimit` (DR-17); the
// reader sums them in SQL, and a sum that would leave 64 bits is SQLite's overflow error, on which the
// caller replays.

import SubledgerCore

enum AsOfDaySumsSchema {
    static let tables = ["history_asof_days", "history_asof_sums", "history_asof_pools", "history_asof_gaps"]
    static let keys = [
        ("history_asof_days", "close_sequence, day"),
        (
            "history_asof_sums",
            "item, posted_accounts, invoice_accounts, receipt, offset_eligible, close_sequence, day, chunk"
        ),
        ("history_asof_pools", "item, close_sequence, day, chunk"),
        ("history_asof_gaps", "close_sequence, from_day, to_day"),
    ]

    /// Migration 15: the tables, and the settlement days (`SettlementDaysSchema`) filled from the stored
    /// settlements. `IF NOT EXISTS` / `OR IGNORE`: a file set back re-runs it.
    static let migration =
        tableDefinitions(in: "main") + "\n" + SettlementDaysSchema.tableDefinitions(in: "main") + "\n"
        + SettlementDaysSchema.fill

    static func tableDefinitions(in schema: String) -> String {
        """
        CREATE TABLE IF NOT EXISTS \(schema).history_asof_days(
            close_sequence INTEGER NOT NULL, day INTEGER NOT NULL, events INTEGER NOT NULL,
            PRIMARY KEY(close_sequence, day)) STRICT, WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS \(schema).history_asof_sums(
            item TEXT NOT NULL, posted_accounts INTEGER NOT NULL, invoice_accounts INTEGER NOT NULL,
            receipt INTEGER NOT NULL, offset_eligible INTEGER NOT NULL, close_sequence INTEGER NOT NULL,
            day INTEGER NOT NULL, chunk INTEGER NOT NULL, financial INTEGER NOT NULL,
            fixed_price_offset INTEGER NOT NULL, physical_open INTEGER NOT NULL, transactions INTEGER NOT NULL,
            PRIMARY KEY(item, posted_accounts, invoice_accounts, receipt, offset_eligible, close_sequence, day, chunk))
            STRICT, WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS \(schema).history_asof_pools(
            item TEXT NOT NULL, close_sequence INTEGER NOT NULL, day INTEGER NOT NULL, chunk INTEGER NOT NULL,
            value INTEGER NOT NULL, PRIMARY KEY(item, close_sequence, day, chunk)) STRICT, WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS \(schema).history_asof_gaps(
            close_sequence INTEGER NOT NULL, from_day INTEGER NOT NULL, to_day INTEGER NOT NULL,
            PRIMARY KEY(close_sequence, from_day, to_day)) STRICT, WITHOUT ROWID;
        """
    }

    /// `total` in chunks of at most `chunkLimit` (one when it fits), the same for the same total.
    static func chunks(_ total: Total<Money>) -> [Int64] {
        var sums = EvictedSums()
        sums.financial = total
        return EvictedSumsSchema.chunks(sums).map(\.0)
    }
}

/// One close's rows: what the events after the close in force before it (through this one) changed,
/// per business day.
public struct AsOfDaySegment: Sendable {
    public var events: [Int32: Int64] = [:]
    public var groups: [Int32: [EvictedSumKey: EvictedSums]] = [:]
    /// Per day, each item's pool value change.
    public var pools: [Int32: [String: Total<Money>]] = [:]
    /// Half-open ranges of days [from, to) the sums do not stand for.
    public var gaps: Set<[Int32]> = []

    public init() {}
}

/// The figures as of a date: every row dated through it, summed.
public struct AsOfDayFigures: Sendable {
    public var events: Int64
    public var groups: [EvictedSumKey: EvictedSums]
    public var pools: [String: Total<Money>]

    public init(events: Int64, groups: [EvictedSumKey: EvictedSums], pools: [String: Total<Money>]) {
        (self.events, self.groups, self.pools) = (events, groups, pools)
    }
}

extension AsOfDaySegment {
    /// An item's pool value change in the stored chunks of `history_asof_pools`, the same on every store.
    public static func poolChunks(_ value: Total<Money>) -> [Int64] { AsOfDaySumsSchema.chunks(value) }
}

/// The tables in one schema (`main`, or a verification's scratch database).
public struct AsOfDaySumsTable {
    let connection: Connection
    let schema: String

    /// The closes whose rows are stored.
    public func segments() throws(StoreError) -> Set<Int64> {
        let select = try connection.prepare("SELECT DISTINCT close_sequence FROM \(schema).history_asof_days")
        var closes: Set<Int64> = []
        while try select.step() { closes.insert(select.int64(at: 0)) }
        return closes
    }

    /// Stores `segment` as the rows of the close at `close`. Call it inside a write transaction.
    public func save(close: Int64, _ segment: AsOfDaySegment) throws(StoreError) {
        let day = try connection.prepare("INSERT INTO \(schema).history_asof_days VALUES (?1, ?2, ?3)")
        for (date, count) in segment.events.sorted(by: { $0.key < $1.key }) {
            try run(day, [close, Int64(date), count])
        }
        let group = try connection.prepare(
            "INSERT INTO \(schema).history_asof_sums VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")
        for (date, groups) in segment.groups {
            for (key, sums) in groups where sums != EvictedSums() {
                for (index, chunk) in EvictedSumsSchema.chunks(sums).enumerated() {
                    defer { group.reset() }
                    try group.bind(key.item, at: 1)
                    let numbers: [Int64] = [
                        Int64(key.postedAccounts), Int64(key.invoiceAccounts), key.receipt ? 1 : 0,
                        key.offsetEligible ? 1 : 0, close, Int64(date), Int64(index), chunk.0, chunk.1, chunk.2,
                        index == 0 ? sums.transactions : 0,
                    ]
                    for (offset, number) in numbers.enumerated() { try group.bind(number, at: Int32(offset + 2)) }
                    try group.run()
                }
            }
        }
        let pool = try connection.prepare("INSERT INTO \(schema).history_asof_pools VALUES (?1, ?2, ?3, ?4, ?5)")
        for (date, items) in segment.pools {
            for (item, value) in items where !value.isZero {
                for (index, chunk) in AsOfDaySumsSchema.chunks(value).enumerated() {
                    defer { pool.reset() }
                    try pool.bind(item, at: 1)
                    for (offset, number) in [close, Int64(date), Int64(index), chunk].enumerated() {
                        try pool.bind(number, at: Int32(offset + 2))
                    }
                    try pool.run()
                }
            }
        }
        let gap = try connection.prepare("INSERT INTO \(schema).history_asof_gaps VALUES (?1, ?2, ?3)")
        for range in segment.gaps { try run(gap, [close, Int64(range[0]), Int64(range[1])]) }
    }

    private func run(_ statement: Statement, _ numbers: [Int64]) throws(StoreError) {
        defer { statement.reset() }
        for (offset, number) in numbers.enumerated() { try statement.bind(number, at: Int32(offset + 1)) }
        try statement.run()
    }

    /// Deletes the rows of the close at `close` (a reversal of it, or a close no longer in force).
    public func delete(close: Int64) throws(StoreError) {
        for table in AsOfDaySumsSchema.tables {
            let delete = try connection.prepare("DELETE FROM \(schema).\(table) WHERE close_sequence = ?1")
            try delete.bind(close, at: 1)
            try delete.run()
        }
    }

    /// Deletes every row (before a fill from the first event).
    public func deleteAll() throws(StoreError) {
        for table in AsOfDaySumsSchema.tables { try connection.execute("DELETE FROM \(schema).\(table)") }
    }

    /// Whether a stored gap holds `day`.
    public func isGap(_ day: LedgerDate) throws(StoreError) -> Bool {
        let select = try connection.prepare(
            "SELECT 1 FROM \(schema).history_asof_gaps WHERE from_day <= ?1 AND to_day > ?1 LIMIT 1")
        try select.bind(Int64(day.yyyymmdd), at: 1)
        return try select.step()
    }

    /// Every row dated through `day`, summed; nil when a sum leaves 64 bits (SQLite refuses it).
    public func figures(through day: LedgerDate) throws(StoreError) -> AsOfDayFigures? {
        let through = Int64(day.yyyymmdd)
        do throws(StoreError) {
            let count = try connection.prepare(
                "SELECT coalesce(sum(events), 0) FROM \(schema).history_asof_days WHERE day <= ?1")
            try count.bind(through, at: 1)
            let events = try count.step() ? count.int64(at: 0) : 0
            let select = try connection.prepare(
                """
                SELECT item, posted_accounts, invoice_accounts, receipt, offset_eligible, sum(financial),
                       sum(fixed_price_offset), sum(physical_open), sum(transactions)
                FROM \(schema).history_asof_sums WHERE day <= ?1
                GROUP BY item, posted_accounts, invoice_accounts, receipt, offset_eligible
                """)
            try select.bind(through, at: 1)
            var groups: [EvictedSumKey: EvictedSums] = [:]
            while try select.step() {
                let key = EvictedSumKey(
                    item: select.text(at: 0), postedAccounts: Int32(truncatingIfNeeded: select.int64(at: 1)),
                    invoiceAccounts: Int32(truncatingIfNeeded: select.int64(at: 2)),
                    receipt: select.int64(at: 3) != 0, offsetEligible: select.int64(at: 4) != 0)
                var sums = EvictedSums()
                sums.financial = Total(units: Int128(select.int64(at: 5)))
                sums.offset = Total(units: Int128(select.int64(at: 6)))
                sums.physicalOpen = Total(units: Int128(select.int64(at: 7)))
                sums.transactions = select.int64(at: 8)
                groups[key] = sums
            }
            let pools = try connection.prepare(
                "SELECT item, sum(value) FROM \(schema).history_asof_pools WHERE day <= ?1 GROUP BY item")
            try pools.bind(through, at: 1)
            var values: [String: Total<Money>] = [:]
            while try pools.step() { values[pools.text(at: 0)] = Total(units: Int128(pools.int64(at: 1))) }
            return AsOfDayFigures(events: events, groups: groups, pools: values)
        } catch {
            if error.message.contains("integer overflow") { return nil }
            throw error
        }
    }
}

extension EventStore {
    /// The tables in `schema`; nil when the file has none (read-only at an older schema).
    public func asOfDaySums(schema: String = "main") -> AsOfDaySumsTable? {
        let present = try? connection.scalarInt64(
            "SELECT count(*) FROM \(schema).sqlite_master WHERE type = 'table' AND name = 'history_asof_days'")
        return present == 1 ? AsOfDaySumsTable(connection: connection, schema: schema) : nil
    }
}
