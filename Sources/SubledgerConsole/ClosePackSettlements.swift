// The close pack's settlements CSV, written a page of rows at a time: each page is read by key from the
// history (`Ledger.closeSettlements`), turned into CSV lines and handed on, so the pack holds one page of
// a close's entries, never all of them (1.3 GB on the closed 1M-posting ledger when it did).

import Subledger

extension ClosePack {
    enum SettlementsCSV {
        static let file = "settlements-settlements.csv"
        /// Entries per read.
        static let rowsPerRead = 10_000

        /// The header, then every entry of the run, in log order: the same columns and quoting as the
        /// console's table (`Table.csv`), in parts of at most `rowsPerRead` rows.
        static func write(_ ledger: Ledger, _ close: CloseSummary, _ append: (String) throws -> Void) throws {
            let header = ClosePages.settlementTable([], name: "settlements", caption: "")
            try append(header.columns.map(Table.field).joined(separator: ",") + "\r\n")
            var after: Int64 = 0
            while true {
                let page = try ledger.closeSettlements(sequence: close.sequence, after: after, limit: rowsPerRead)
                let table = ClosePages.settlementTable(page.rows.map(\.row), name: "settlements", caption: "")
                var text = ""
                for row in table.rows {
                    text += row.map { Table.field($0.value) }.joined(separator: ",") + "\r\n"
                }
                try append(text)
                guard page.more, let last = page.rows.last else { return }
                after = last.entry
            }
        }
    }
}
