// The auditor's views over the history tables on PostgreSQL: the columns, order and text of the SQLite
// file's views (HistorySchema.views, CloseSummarySchema.views), so `select * from onhand_v` prints the
// same rows from either database (PostgresHistoryTests compares them).

extension PostgresHistorySchema {
    static var viewDefinitions: [String] {
        let (d, m, q) = (date, money, quantity)
        return [
            """
            CREATE OR REPLACE VIEW gl_days_v AS
                SELECT account, \(d("day")) AS day, \(m("amount")) AS amount FROM history_gl_days ORDER BY account, day
            """,
            """
            CREATE OR REPLACE VIEW trial_balance_v AS
                SELECT account, \(d("day")) AS through_day, \(m("balance")) AS balance FROM (
                    SELECT account, day, sum(amount) OVER (PARTITION BY account ORDER BY day) AS balance
                    FROM history_gl_days) b
                ORDER BY account, through_day
            """,
            """
            CREATE OR REPLACE VIEW voucher_lines_v AS
                SELECT l.sequence, l.line, \(d("l.day")) AS day, e.type AS event_type, l.tx, l.posting_type,
                       l.account, \(m("l.amount")) AS amount
                FROM history_voucher_lines l JOIN events e ON e.sequence = l.sequence ORDER BY l.sequence, l.line
            """,
            """
            CREATE OR REPLACE VIEW settlements_v AS
                SELECT entry, sequence, close_sequence, \(d("day")) AS day, mode, item, site, warehouse, batch,
                       serial, kind, model, tx, counterpart, part, issue_part, \(q("quantity")) AS quantity,
                       \(m("settled_amount")) AS settled_amount, \(m("adjustment")) AS adjustment,
                       CASE physical WHEN 0 THEN 'no' ELSE 'yes' END AS physical
                FROM history_settlements ORDER BY entry
            """,
            """
            CREATE OR REPLACE VIEW closes_v AS
                SELECT close_sequence, \(d("day")) AS day, mode, reversed_by,
                       CASE WHEN reversed_by IS NULL THEN 'yes' ELSE 'no' END AS in_force
                FROM history_closes ORDER BY close_sequence
            """,
            closeTotals,
            """
            CREATE OR REPLACE VIEW close_items_v AS
                SELECT close_sequence, item, entries, \(m("issue_adjustment")) AS issue_adjustment,
                       \(m("receipt_adjustment")) AS receipt_adjustment
                FROM history_close_items ORDER BY close_sequence, item
            """,
            """
            CREATE OR REPLACE VIEW close_accounts_v AS
                SELECT close_sequence, account, posting_type, \(m("amount")) AS amount
                FROM history_close_accounts ORDER BY close_sequence, account, posting_type
            """,
            onHandAtClose,
            """
            CREATE OR REPLACE VIEW onhand_v AS
                SELECT v.* FROM onhand_at_close_v v
                WHERE v.close_sequence = (SELECT max(c.close_sequence) FROM history_closes c
                                          WHERE c.mode = 'close' AND c.reversed_by IS NULL
                                            AND EXISTS (SELECT 1 FROM history_onhand_at_close o
                                                        WHERE o.close_sequence = c.close_sequence))
            """,
            """
            CREATE OR REPLACE VIEW history_watermark_v AS
                SELECT name, sequence, (SELECT max(sequence) FROM events) AS last_event,
                       (SELECT max(sequence) FROM events) - sequence AS events_behind
                FROM history_watermark
            """,
        ]
    }

    private static var closeTotals: String {
        let (m, q) = (money, quantity)
        return """
            CREATE OR REPLACE VIEW close_totals_v AS
                SELECT t.close_sequence, \(date("c.day")) AS day, c.mode, c.reversed_by, t.entries, t.settled,
                       \(q("t.settled_quantity")) AS settled_quantity, \(m("t.settled_amount")) AS settled_amount,
                       \(m("t.issue_adjustment")) AS issue_adjustment,
                       \(m("t.receipt_adjustment")) AS receipt_adjustment,
                       t.log_lines, t.unsettled, t.zero_cost, t.negative_on_hand
                FROM history_close_totals t JOIN history_closes c USING (close_sequence) ORDER BY t.close_sequence
            """
    }

    private static var onHandAtClose: String {
        let (m, q) = (money, quantity)
        return """
            CREATE OR REPLACE VIEW onhand_at_close_v AS
                SELECT o.close_sequence, \(date("c.day")) AS close_day, c.mode, o.item, o.site, o.warehouse,
                       o.batch, o.serial, \(q("o.financial_quantity")) AS financial_quantity,
                       \(m("o.financial_value")) AS financial_value,
                       \(q("o.physical_quantity")) AS physical_quantity,
                       \(m("o.physical_value")) AS physical_value,
                       \(q("o.financial_quantity + o.physical_quantity")) AS quantity,
                       \(m("o.financial_value + o.physical_value")) AS value,
                       CASE WHEN o.average_unit_cost IS NOT NULL THEN \(q("o.average_unit_cost"))
                       END AS average_unit_cost
                FROM history_onhand_at_close o JOIN history_closes c USING (close_sequence)
                ORDER BY o.close_sequence, o.item, o.site, o.warehouse, o.batch, o.serial
            """
    }
}
