// A store error names the database that failed: an operator reading "SQLite error 19" about a PostgreSQL
// server would look in the wrong place. The layers above still see the SQLite code of the same meaning.

import Testing

@testable import SubledgerStore

struct StoreErrorTextTests {
    @Test func aServersFailureNamesItsDatabaseAndItsOwnCode() {
        let error = StoreError.logFailure(.constraint, "SQLSTATE 23505: duplicate key", sql: "INSERT ...")
        #expect(error.description == "PostgreSQL error: SQLSTATE 23505: duplicate key (while running: INSERT ...)")
        #expect(error.isConstraintViolation)
        #expect(!error.description.contains("SQLite"))
    }

    @Test func sqlitesFailureKeepsItsCode() {
        let error = StoreError(code: 1811, message: "append-only")  // SQLITE_CONSTRAINT_TRIGGER
        #expect(error.description == "SQLite error 1811: append-only")
    }
}
