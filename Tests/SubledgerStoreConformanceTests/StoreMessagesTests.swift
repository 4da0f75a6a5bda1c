// What the store's messages say about where a failure happened: a PostgreSQL failure names PostgreSQL and
// its SQLSTATE (never "SQLite error"), the store's own words carry no database code, and a suggested
// `init` command reaches the same server the same way (its TLS options kept, its password not).

import Foundation
import SubledgerTestSupport
import Testing

@testable import SubledgerPostgres
@testable import SubledgerStore

@Suite struct StoreMessagesTests {
    @Test func eachFailureNamesItsOwnDatabase() {
        #expect(
            "\(StoreError(code: 19, message: "UNIQUE constraint failed"))"
                == "SQLite error 19: UNIQUE constraint failed")
        #expect("\(StoreError.damagedLog("event 5 has no hash"))" == "subledger: event 5 has no hash")
        let postgres = StoreError.logFailure(.constraint, "PostgreSQL error 23505: duplicate key", sql: "INSERT")
        #expect("\(postgres)" == "PostgreSQL error 23505: duplicate key (while running: INSERT)")
        #expect(postgres.isConstraintViolation)
    }

    @Test func aServersErrorIsNotCalledAnSQLiteOne() throws {
        guard let server = PostgresTestServer.url() else { return }
        let session = try PostgresSession(PostgresLocation(url: server))
        do {
            try session.execute("SELECT * FROM no_such_table_here")
            Issue.record("the query succeeded")
        } catch {
            let text = "\(error)"
            #expect(text.hasPrefix("PostgreSQL error 42P01: "), "\(text)")
            #expect(!text.contains("SQLite"), "\(text)")
        }
    }

    @Test func theRetypedURLKeepsTLSAndHidesThePassword() throws {
        let typed =
            "postgresql://ann%40corp:s3cr%2Ft@db.example:6543/books%20x?"
            + "sslmode=verify-full&sslrootcert=/etc/ssl/my%20root's.pem"
        let location = try PostgresLocation(url: typed)
        let retyped = location.retypedURL
        #expect(
            retyped == "postgresql://ann%40corp:PASSWORD@db.example:6543/books%20x?"
                + "sslmode=verify-full&sslrootcert=/etc/ssl/my%20root%27s.pem")
        var again = try PostgresLocation(url: retyped)
        #expect(again.password == "PASSWORD")
        again.password = location.password
        #expect(again == location)
        #expect(try PostgresLocation(url: "postgres://bob@[::1]/db").retypedURL == "postgresql://bob@[::1]:5432/db")
    }

    @Test func theNoLedgerMessageSuggestsTheURLAsGiven() throws {
        guard let server = PostgresTestServer.url() else { return }
        let dir = try TemporaryDirectory("store-messages")
        let database = try PostgresTestServer.freshDatabase(server, prefix: "cross") + "?sslmode=disable"
        let outcome = try ProcessOutcome.run(["onhand", "--db", database], in: dir.url)
        #expect(outcome.status == 66 && outcome.stderr.contains("error[no-ledger]"), "\(outcome.summary)")
        #expect(outcome.stderr.contains("init --db 'postgresql://"), "\(outcome.summary)")
        #expect(outcome.stderr.contains("?sslmode=disable'"), "\(outcome.summary)")
    }
}
