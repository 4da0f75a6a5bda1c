// The business dates of the settlement events that hold at least one entry: the dates an uploaded trial
// balance's comparison tries beside the open transactions' and the pools' (`reconcile --gl`), read by key
// instead of decoding every `settlement.posted` of the log. Written by the history projection with the
// settlements (`history_settlements`, whose distinct days they are), filled from them by migration 15.

import SubledgerCore

enum SettlementDaysSchema {
    static let tables = ["history_settlement_days"]
    static let keys = [("history_settlement_days", "day")]

    static func tableDefinitions(in schema: String) -> String {
        "CREATE TABLE IF NOT EXISTS \(schema).history_settlement_days(day INTEGER PRIMARY KEY) STRICT;"
    }

    static let fill = "INSERT OR IGNORE INTO history_settlement_days SELECT DISTINCT day FROM history_settlements;"
}

extension HistoryWriter {
    /// Records the date of a settlement event that holds at least one entry.
    public func settlementDay(_ day: LedgerDate) throws(StoreError) {
        let insert = try connection.prepare("INSERT OR IGNORE INTO \(schema).history_settlement_days VALUES (?1)")
        try insert.bind(Int64(day.yyyymmdd), at: 1)
        try insert.run()
    }
}

extension EventStore {
    /// The stored settlement days, ascending; nil when the file has no such table (read-only, older).
    public func historySettlementDays() throws(StoreError) -> [LedgerDate]? {
        guard
            try connection.scalarInt64(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'history_settlement_days'") == 1
        else { return nil }
        let select = try connection.prepare("SELECT day FROM history_settlement_days ORDER BY day")
        var days: [LedgerDate] = []
        while try select.step() {
            guard let day = LedgerDate(yyyymmdd: Int32(truncatingIfNeeded: select.int64(at: 0))) else {
                throw .corrupt("history_settlement_days: an invalid date; run `subledger rebuild`")
            }
            days.append(day)
        }
        return days
    }
}
