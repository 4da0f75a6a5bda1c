// History tables: projections of the log that queries about the past read (issue 11, item 2). They are
// never the source of truth: plain tables without append-only triggers, brought up to date from the
// events after `history_watermark` and rebuilt from the log by `subledger rebuild`. Amounts are integer
// cents and quantities integer 1/10,000ths, as on the events; the `_v` views show them as exact decimal
// text for auditors (`sqlite3 books.db 'select * from onhand_v'`).

public enum HistorySchema {
    /// Every history table, in the order a rebuild clears and fills them.
    public static let tables =
        [
            "history_watermark", "history_gl_days", "history_voucher_lines", "history_closes",
            "history_settlements", "history_onhand_at_close",
        ] + CloseSummarySchema.tables + EvictedSumsSchema.tables  // DR-30, DR-31
        + AsOfDaySumsSchema.tables + SettlementDaysSchema.tables  // DR-35
        + HistoryRefsSchema.tables  // DR-48

    /// Each table's key, the order in which a verification compares it row by row.
    static let keys =
        [
            ("history_watermark", "name"), ("history_gl_days", "account, day"),
            ("history_voucher_lines", "sequence, line"),
            ("history_closes", "close_sequence"), ("history_settlements", "entry"),
            ("history_onhand_at_close", "close_sequence, item, site, warehouse, batch, serial"),
        ] + CloseSummarySchema.keys + EvictedSumsSchema.keys + AsOfDaySumsSchema.keys + SettlementDaysSchema.keys
        + HistoryRefsSchema.keys

    /// The secondary indexes: a rebuild drops them and builds them again at its end (sorting once is
    /// cheaper than inserting millions of keys in random order into a B-tree). Only the settlements' index
    /// by close is left: its keys grow with the log, so a close's keys append at its right edge. The
    /// lookups by transaction id are key tables, filled sorted once per projection (`HistoryRefsSchema`,
    /// DR-48). No index of voucher lines by account: nothing reads one (balances come from
    /// `history_gl_days`), and building it cost the first close after a large import 1.4 s of its history
    /// projection (migration 11 drops it from older files).
    static let indexes = ["history_settlements_by_close"]

    /// The migration (6): the tables in `main` and the views over them. `IF NOT EXISTS` throughout: a file
    /// whose version was set back (by hand, or by a test standing in for an older build) migrates again.
    /// As shipped, with the account index that migration 11 drops and the indexes by id that migration
    /// 16 drops.
    static let migration =
        tableDefinitions(in: "main") + "\n" + shippedIndexDefinitions + "\n" + """
            CREATE INDEX IF NOT EXISTS main.history_voucher_lines_by_account ON history_voucher_lines(account, day);
            """ + "\n" + views

    /// Migration 11: the account index of the voucher lines goes (see `indexes`).
    static let dropAccountIndex = "DROP INDEX IF EXISTS history_voucher_lines_by_account;"

    /// The tables (with their indexes) in the attached schema `schema` (`main`, or a scratch database a
    /// verification fills to compare with).
    static func tables(in schema: String) -> String {
        tableDefinitions(in: schema) + "\n" + indexDefinitions(in: schema)
    }

    /// The secondary indexes of the tables in `schema` (rebuilt alone after a run that dropped them).
    static func indexDefinitions(in schema: String) -> String {
        """
        CREATE INDEX IF NOT EXISTS \(schema).history_settlements_by_close
            ON history_settlements(close_sequence);
        """
    }

    /// Migration 6's indexes, as shipped (`HistoryRefsSchema` replaces the first three).
    static let shippedIndexDefinitions = """
        CREATE INDEX IF NOT EXISTS main.history_voucher_lines_by_tx ON history_voucher_lines(tx);
        CREATE INDEX IF NOT EXISTS main.history_settlements_by_tx ON history_settlements(tx);
        CREATE INDEX IF NOT EXISTS main.history_settlements_by_counterpart
            ON history_settlements(counterpart);
        CREATE INDEX IF NOT EXISTS main.history_settlements_by_close
            ON history_settlements(close_sequence);
        """

    static func tableDefinitions(in schema: String) -> String {
        """
        CREATE TABLE IF NOT EXISTS \(schema).history_watermark(
            name TEXT PRIMARY KEY, sequence INTEGER NOT NULL, latest_day INTEGER NOT NULL) STRICT;
        CREATE TABLE IF NOT EXISTS \(schema).history_gl_days(
            account TEXT NOT NULL, day INTEGER NOT NULL, amount INTEGER NOT NULL,
            PRIMARY KEY(account, day)) STRICT, WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS \(schema).history_voucher_lines(
            sequence INTEGER NOT NULL, line INTEGER NOT NULL, tx TEXT NOT NULL,
            account TEXT NOT NULL, posting_type TEXT NOT NULL, amount INTEGER NOT NULL, day INTEGER NOT NULL,
            PRIMARY KEY(sequence, line)) STRICT, WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS \(schema).history_closes(
            close_sequence INTEGER PRIMARY KEY, day INTEGER NOT NULL, mode TEXT NOT NULL,
            reversed_by INTEGER, latest_day_through INTEGER NOT NULL) STRICT;
        CREATE TABLE IF NOT EXISTS \(schema).history_settlements(
            entry INTEGER PRIMARY KEY, sequence INTEGER NOT NULL, close_sequence INTEGER NOT NULL,
            day INTEGER NOT NULL, mode TEXT NOT NULL, item TEXT NOT NULL, site TEXT NOT NULL,
            warehouse TEXT NOT NULL, batch TEXT NOT NULL, serial TEXT NOT NULL, kind TEXT NOT NULL,
            model TEXT NOT NULL, tx TEXT NOT NULL, counterpart TEXT NOT NULL, quantity INTEGER NOT NULL,
            settled_amount INTEGER NOT NULL, adjustment INTEGER NOT NULL, part INTEGER NOT NULL,
            issue_part INTEGER NOT NULL, physical INTEGER NOT NULL) STRICT;
        CREATE TABLE IF NOT EXISTS \(schema).history_onhand_at_close(
            close_sequence INTEGER NOT NULL, item TEXT NOT NULL, site TEXT NOT NULL, warehouse TEXT NOT NULL,
            batch TEXT NOT NULL, serial TEXT NOT NULL, financial_quantity INTEGER NOT NULL,
            financial_value INTEGER NOT NULL, physical_quantity INTEGER NOT NULL,
            physical_value INTEGER NOT NULL, average_unit_cost INTEGER,
            PRIMARY KEY(close_sequence, item, site, warehouse, batch, serial)) STRICT, WITHOUT ROWID;
        """
    }

    /// Integer `column` of `scale` decimals as exact text: -5 cents is '-0.05', never '0.-5' or '-0.5'.
    /// Every stored figure is within DR-17's range, far from the 64-bit edge where `abs` would fail.
    static func decimal(_ column: String, scale: Int) -> String {
        let unit = [Int](repeating: 0, count: scale).reduce("1") { text, _ in text + "0" }
        let zeros = String(repeating: "0", count: scale)
        return "(CASE WHEN \(column) < 0 THEN '-' ELSE '' END || (abs(\(column)) / \(unit)) || '.' || "
            + "substr('\(zeros)' || (abs(\(column)) % \(unit)), -\(scale)))"
    }

    static func money(_ column: String) -> String { decimal(column, scale: 2) }
    static func quantity(_ column: String) -> String { decimal(column, scale: 4) }

    /// A yyyymmdd integer as YYYY-MM-DD text.
    static func date(_ column: String) -> String {
        "(substr('000' || (\(column) / 10000), -4) || '-' || substr('0' || (\(column) / 100 % 100), -2) || '-' || "
            + "substr('0' || (\(column) % 100), -2))"
    }

    static let views = """
        CREATE VIEW IF NOT EXISTS gl_days_v AS
            SELECT account, \(date("day")) AS day, \(money("amount")) AS amount
            FROM history_gl_days ORDER BY account, day;
        CREATE VIEW IF NOT EXISTS trial_balance_v AS
            SELECT account, \(date("day")) AS through_day, \(money("balance")) AS balance FROM (
                SELECT account, day, sum(amount) OVER (PARTITION BY account ORDER BY day) AS balance
                FROM history_gl_days)
            ORDER BY account, through_day;
        CREATE VIEW IF NOT EXISTS voucher_lines_v AS
            SELECT l.sequence, l.line, \(date("l.day")) AS day, e.type AS event_type, l.tx, l.posting_type,
                   l.account, \(money("l.amount")) AS amount
            FROM history_voucher_lines l JOIN events e ON e.sequence = l.sequence ORDER BY l.sequence, l.line;
        CREATE VIEW IF NOT EXISTS settlements_v AS
            SELECT entry, sequence, close_sequence, \(date("day")) AS day, mode, item, site, warehouse, batch,
                   serial, kind, model, tx, counterpart, part, issue_part, \(quantity("quantity")) AS quantity,
                   \(money("settled_amount")) AS settled_amount, \(money("adjustment")) AS adjustment,
                   CASE physical WHEN 0 THEN 'no' ELSE 'yes' END AS physical
            FROM history_settlements ORDER BY entry;
        CREATE VIEW IF NOT EXISTS closes_v AS
            SELECT close_sequence, \(date("day")) AS day, mode, reversed_by,
                   CASE WHEN reversed_by IS NULL THEN 'yes' ELSE 'no' END AS in_force
            FROM history_closes ORDER BY close_sequence;
        CREATE VIEW IF NOT EXISTS onhand_at_close_v AS
            SELECT o.close_sequence, \(date("c.day")) AS close_day, c.mode, o.item, o.site, o.warehouse, o.batch,
                   o.serial, \(quantity("o.financial_quantity")) AS financial_quantity,
                   \(money("o.financial_value")) AS financial_value,
                   \(quantity("o.physical_quantity")) AS physical_quantity,
                   \(money("o.physical_value")) AS physical_value,
                   \(quantity("(o.financial_quantity + o.physical_quantity)")) AS quantity,
                   \(money("(o.financial_value + o.physical_value)")) AS value,
                   CASE WHEN o.average_unit_cost IS NOT NULL THEN \(decimal("o.average_unit_cost", scale: 4))
                   END AS average_unit_cost
            FROM history_onhand_at_close o JOIN history_closes c USING (close_sequence)
            ORDER BY o.close_sequence, o.item, o.site, o.warehouse, o.batch, o.serial;
        CREATE VIEW IF NOT EXISTS onhand_v AS
            SELECT v.* FROM onhand_at_close_v v
            WHERE v.close_sequence = (SELECT max(c.close_sequence) FROM history_closes c
                                      WHERE c.mode = 'close' AND c.reversed_by IS NULL
                                        AND EXISTS (SELECT 1 FROM history_onhand_at_close o
                                                    WHERE o.close_sequence = c.close_sequence));
        CREATE VIEW IF NOT EXISTS history_watermark_v AS
            SELECT name, sequence, (SELECT max(sequence) FROM events) AS last_event,
                   (SELECT max(sequence) FROM events) - sequence AS events_behind
            FROM history_watermark;
        """
}
