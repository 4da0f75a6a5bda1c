// Whether a PostgreSQL database holds a ledger, asked without creating one: `PostgresEventLog(url:)`
// migrates an empty schema into a ledger, which a copy's source must never be.

import PostgresNIO
import SubledgerStore

extension PostgresEventLog {
    /// True when `schema` of the database at `url` has the ledger's migrations table; nothing is written.
    public static func hasLedger(url: String, schema: String = "public") throws(StoreError) -> Bool {
        let session = try PostgresSession(PostgresLocation(url: url))
        let found = try session.scalarInt64(
            "SELECT count(*) FROM pg_tables WHERE schemaname = \(schema) AND tablename = \(PostgresSchema.versionTable)"
        )
        return found == 1
    }
}
