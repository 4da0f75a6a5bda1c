// The tables of what closes move out of a PostgreSQL ledger's open state (migration 5, DR-50): the history
// of transactions and the sums of what each close evicted, with the SQLite file's columns
// (HistoryTransactions.swift, History/EvictedSums.swift in SubledgerStore) and its views' text. As on the
// file, `history_transactions` is keyed in listing order, (sequence, tx) (DR-28): a close's rows, written
// in that order, go to the table's right edge; the id lookup and the replace of a row saved again take the
// unique index by id, `transactions --item` the index by item. Ids and items compare bytewise (COLLATE "C"),
// as SQLite's text does, so both stores list and page in one order whatever the database's locale. The
// record is the snapshot's own encoding of the transaction (bytea) with the file's checksum (bigint),
// checked on every read.
//
// They are history tables: the close writes its rows inside its own transaction (so the log and the
// history commit together), a reversal deletes them, `subledger rebuild` empties and refills them from the
// log, `replay --verify` compares them with a fresh projection. The migration also empties `snapshots`:
// every snapshot taken before it holds a state that kept every transaction (DR-40), which a ledger that
// now evicts must not load; snapshots are a cache, the next close stores one.
//
// The as-of day sums (`history_asof_*`, DR-35) came later, with migration 7 (PostgresAsOfDaySums.swift).

enum PostgresEvictionSchema {
    /// The schema version that has the tables (migration 5 in `PostgresSchema.migrations`).
    static let version = 5

    static let keys: [(table: String, key: String)] = [
        ("history_transactions", "sequence, tx"), ("history_evicted_closes", "close_sequence"),
        (
            "history_evicted_sums",
            "close_sequence, item, posted_accounts, invoice_accounts, receipt, offset_eligible, chunk"
        ),
    ]

    static let views = ["history_transactions_v", "evicted_sums_v"]

    static let columns =
        "tx, item, sequence, closed_by, date, kind, quantity, posted_amount, adjustment, current_amount, record, "
        + "checksum"

    /// Migration 5.
    static let migration: [String] =
        tableDefinitions(temporary: false)
        + [
            "CREATE UNIQUE INDEX IF NOT EXISTS history_transactions_by_tx ON history_transactions(tx)",
            "CREATE INDEX IF NOT EXISTS history_transactions_by_item ON history_transactions(item, sequence)",
        ] + viewDefinitions + ["DELETE FROM snapshots"]

    static func tableDefinitions(temporary: Bool) -> [String] {
        let create = temporary ? "CREATE TEMPORARY TABLE" : "CREATE TABLE IF NOT EXISTS"
        return [
            """
            \(create) history_transactions(
                tx text COLLATE "C" NOT NULL, item text COLLATE "C" NOT NULL, sequence bigint NOT NULL,
                closed_by bigint NOT NULL,
                date integer NOT NULL, kind text NOT NULL, quantity bigint NOT NULL, posted_amount bigint NOT NULL,
                adjustment bigint NOT NULL, current_amount bigint NOT NULL, record bytea NOT NULL,
                checksum bigint NOT NULL, PRIMARY KEY(sequence, tx))
            """,
            // A temporary copy has no id index of its own to take a replace: give it the unique key.
            temporary ? "CREATE UNIQUE INDEX ON pg_temp.history_transactions(tx)" : nil,
            """
            \(create) history_evicted_closes(close_sequence bigint PRIMARY KEY, transactions bigint NOT NULL)
            """,
            """
            \(create) history_evicted_sums(
                close_sequence bigint NOT NULL, item text NOT NULL, posted_accounts integer NOT NULL,
                invoice_accounts integer NOT NULL, receipt integer NOT NULL, offset_eligible integer NOT NULL,
                chunk integer NOT NULL, financial bigint NOT NULL, fixed_price_offset bigint NOT NULL,
                physical_open bigint NOT NULL, transactions bigint NOT NULL,
                PRIMARY KEY(close_sequence, item, posted_accounts, invoice_accounts, receipt, offset_eligible, chunk))
            """,
        ].compactMap { $0 }
    }

    static var viewDefinitions: [String] {
        typealias S = PostgresHistorySchema
        return [
            """
            CREATE OR REPLACE VIEW history_transactions_v AS
            SELECT tx, item, sequence, closed_by, \(S.date("date")) AS date, kind,
                   \(S.quantity("quantity")) AS quantity, \(S.money("posted_amount")) AS posted_amount,
                   \(S.money("adjustment")) AS adjustment, \(S.money("current_amount")) AS current_amount
            FROM history_transactions
            """,
            """
            CREATE OR REPLACE VIEW evicted_sums_v AS
            SELECT close_sequence, item, posted_accounts, invoice_accounts,
                   CASE receipt WHEN 0 THEN 'issue' ELSE 'receipt' END AS direction,
                   CASE offset_eligible WHEN 0 THEN 'no' ELSE 'yes' END AS offset_eligible, chunk,
                   \(S.money("financial")) AS financial, \(S.money("fixed_price_offset")) AS fixed_price_offset,
                   \(S.money("physical_open")) AS physical_open, transactions
            FROM history_evicted_sums
            ORDER BY close_sequence, item, posted_accounts, invoice_accounts, receipt, offset_eligible, chunk
            """,
        ]
    }
}
