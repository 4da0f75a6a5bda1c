// The history tables on PostgreSQL (migration 4, DR-47): the same tables, columns and views as the SQLite
// file's (HistorySchema.swift, CloseSummarySchema.swift, SettlementDays.swift in SubledgerStore), so an
// auditor asks either database the same questions and gets the same text. bigint for the fixed-point
// integers (cents, 1/10,000ths) and sequences, integer for dates (yyyymmdd) and small counts, text for the
// Int128 sums of the close summaries (as on SQLite, DR-17). The views print every figure as exact decimal
// text through `numeric` (money with 2 decimals, quantities and unit costs with 4), dates as YYYY-MM-DD.
//
// Like SQLite's, they are projections of the log (HistoryTableStore): plain tables without triggers, which
// a projector brings up to date from the watermark and `subledger rebuild` empties and refills. The
// watermark row exists from the migration on: a projector locks it (SELECT ... FOR UPDATE) for its whole
// transaction, so runs on several nodes follow one another and none writes a row twice.
//
// The eviction tables (history_transactions, history_evicted_*) came with migration 5
// (PostgresEvictionSchema.swift, DR-50), the as-of day sums with migration 7 (PostgresAsOfDaySums.swift,
// DR-56); they are history tables too, so `keys` (and `views`) name them.

enum PostgresHistorySchema {
    /// The tables a rebuild empties and `replay --verify` compares, each with its key (the comparison's
    /// order), in SQLite's order.
    static let keys: [(table: String, key: String)] = [
        ("history_watermark", "name"), ("history_gl_days", "account, day"),
        ("history_voucher_lines", "sequence, line"), ("history_closes", "close_sequence"),
        ("history_settlements", "entry"),
        ("history_onhand_at_close", "close_sequence, item, site, warehouse, batch, serial"),
        ("history_close_totals", "close_sequence"), ("history_close_items", "close_sequence, item"),
        ("history_close_accounts", "close_sequence, account, posting_type"), ("history_settlement_days", "day"),
    ] + PostgresEvictionSchema.keys + PostgresAsOfDaySumsSchema.keys

    static var tables: [String] { keys.map(\.table) }

    static let views = [
        "gl_days_v", "trial_balance_v", "voucher_lines_v", "settlements_v", "closes_v", "close_totals_v",
        "close_items_v", "close_accounts_v", "onhand_at_close_v", "onhand_v", "history_watermark_v",
    ] + PostgresEvictionSchema.views

    /// Migration 4: the tables, the watermark row, the secondary indexes and the views.
    static let migration: [String] =
        tableDefinitions(temporary: false)
        + [
            "INSERT INTO history_watermark VALUES ('events', 0, 0) ON CONFLICT (name) DO NOTHING",
            "CREATE INDEX IF NOT EXISTS history_voucher_lines_by_tx ON history_voucher_lines(tx)",
            "CREATE INDEX IF NOT EXISTS history_settlements_by_tx ON history_settlements(tx)",
            "CREATE INDEX IF NOT EXISTS history_settlements_by_counterpart ON history_settlements(counterpart)",
            "CREATE INDEX IF NOT EXISTS history_settlements_by_close ON history_settlements(close_sequence)",
        ] + viewDefinitions

    /// The tables; `temporary`: the scratch copies a verification fills (private to its session, gone
    /// with it), which need no index.
    static func tableDefinitions(temporary: Bool) -> [String] {
        let create = temporary ? "CREATE TEMPORARY TABLE" : "CREATE TABLE IF NOT EXISTS"
        return [
            """
            \(create) history_watermark(
                name text PRIMARY KEY, sequence bigint NOT NULL, latest_day integer NOT NULL)
            """,
            """
            \(create) history_gl_days(
                account text NOT NULL, day integer NOT NULL, amount bigint NOT NULL, PRIMARY KEY(account, day))
            """,
            """
            \(create) history_voucher_lines(
                sequence bigint NOT NULL, line integer NOT NULL, tx text NOT NULL, account text NOT NULL,
                posting_type text NOT NULL, amount bigint NOT NULL, day integer NOT NULL,
                PRIMARY KEY(sequence, line))
            """,
            """
            \(create) history_closes(
                close_sequence bigint PRIMARY KEY, day integer NOT NULL, mode text NOT NULL,
                reversed_by bigint, latest_day_through integer NOT NULL)
            """,
            """
            \(create) history_settlements(
                entry bigint PRIMARY KEY, sequence bigint NOT NULL, close_sequence bigint NOT NULL,
                day integer NOT NULL, mode text NOT NULL, item text NOT NULL, site text NOT NULL,
                warehouse text NOT NULL, batch text NOT NULL, serial text NOT NULL, kind text NOT NULL,
                model text NOT NULL, tx text NOT NULL, counterpart text NOT NULL, quantity bigint NOT NULL,
                settled_amount bigint NOT NULL, adjustment bigint NOT NULL, part integer NOT NULL,
                issue_part integer NOT NULL, physical integer NOT NULL)
            """,
            """
            \(create) history_onhand_at_close(
                close_sequence bigint NOT NULL, item text NOT NULL, site text NOT NULL, warehouse text NOT NULL,
                batch text NOT NULL, serial text NOT NULL, financial_quantity bigint NOT NULL,
                financial_value bigint NOT NULL, physical_quantity bigint NOT NULL,
                physical_value bigint NOT NULL, average_unit_cost bigint,
                PRIMARY KEY(close_sequence, item, site, warehouse, batch, serial))
            """,
            """
            \(create) history_close_totals(
                close_sequence bigint PRIMARY KEY, entries bigint NOT NULL, settled bigint NOT NULL,
                settled_quantity text NOT NULL, settled_amount text NOT NULL, issue_adjustment text NOT NULL,
                receipt_adjustment text NOT NULL, log_lines bigint NOT NULL, unsettled bigint NOT NULL,
                zero_cost bigint NOT NULL, negative_on_hand bigint NOT NULL)
            """,
            """
            \(create) history_close_items(
                close_sequence bigint NOT NULL, item text NOT NULL, entries bigint NOT NULL,
                issue_adjustment text NOT NULL, receipt_adjustment text NOT NULL, PRIMARY KEY(close_sequence, item))
            """,
            """
            \(create) history_close_accounts(
                close_sequence bigint NOT NULL, account text NOT NULL, posting_type text NOT NULL,
                amount text NOT NULL, PRIMARY KEY(close_sequence, account, posting_type))
            """,
            "\(create) history_settlement_days(day integer PRIMARY KEY)",
        ]
    }

    /// Integer (or integer text) `column` of `scale` decimals as exact text: -5 cents is '-0.05'. `numeric`
    /// is exact at any size, so the Int128 sums print as the bigint columns do.
    static func decimal(_ column: String, scale: Int) -> String {
        "round((\(column))::numeric / 1\(String(repeating: "0", count: scale)), \(scale))::text"
    }

    static func money(_ column: String) -> String { decimal(column, scale: 2) }
    static func quantity(_ column: String) -> String { decimal(column, scale: 4) }

    /// A yyyymmdd integer as YYYY-MM-DD text.
    static func date(_ column: String) -> String {
        "(lpad(((\(column)) / 10000)::text, 4, '0') || '-' || lpad(((\(column)) / 100 % 100)::text, 2, '0') || '-' "
            + "|| lpad(((\(column)) % 100)::text, 2, '0'))"
    }
}

extension PostgresHistorySchema {
    /// What the ledger's role (`role` and `schema` quoted) may do to the history: SELECT, INSERT, UPDATE
    /// and DELETE on its tables, which are a projection that any node's close brings up to date (inserting
    /// rows, adding to a day's GL net, marking a close reversed, moving the watermark under its row lock)
    /// and `rebuild` empties and refills from the log; SELECT on the views. None of it reaches the log:
    /// events and commands stay INSERT and SELECT only, so whatever the role does to the history, a
    /// rebuild from the log restores it and `replay --verify` shows the difference. An auditor's role needs
    /// only SELECT on the views (and on `events`, which `voucher_lines_v` joins).
    static func grants(role: String, schema: String) -> [String] {
        let tables = Self.tables.map { "\(schema).\($0)" }.joined(separator: ", ")
        let views = Self.views.map { "\(schema).\($0)" }.joined(separator: ", ")
        return [
            "REVOKE ALL ON \(tables), \(views) FROM \(role)",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON \(tables) TO \(role)",
            "GRANT SELECT ON \(views) TO \(role)",
        ]
    }
}
