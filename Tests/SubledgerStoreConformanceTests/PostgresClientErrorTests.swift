// A statement postgres-nio refuses on the client (more bind parameters than the protocol carries) is its own
// clear error, not "lost the connection": refused before anything of its pipeline is sent, so a COMMIT after
// it in the same pipeline cannot commit the statements before it, and the session stays usable.

import PostgresNIO
import SubledgerTestSupport
import Testing

@testable import SubledgerPostgres
@testable import SubledgerStore

@Suite struct PostgresClientErrorTests {
    /// `SELECT cardinality(ARRAY[$1, ..., $n])` with `count` bound integers (an array: a target list is
    /// limited to 1,664 entries).
    static func selecting(_ count: Int) -> PostgresQuery {
        var binds = PostgresBindings(capacity: count)
        for value in 0..<count { binds.append(Int64(value)) }
        let elements = (1...count).map { "$\($0)::int8" }.joined(separator: ",")
        return PostgresQuery(unsafeSQL: "SELECT cardinality(ARRAY[\(elements)])::int8", binds: binds)
    }

    @Test func tooManyParametersIsItsOwnErrorAndNothingOfThePipelineIsSent() async throws {
        guard let server = PostgresTestServer.url() else { return }
        try await offPool { try Self.refusedBeforeAnythingIsSent(server) }
    }

    static func refusedBeforeAnythingIsSent(_ server: String) throws {
        let database = try PostgresTestServer.freshDatabase(server, prefix: "params")
        let session = try PostgresSession(PostgresLocation(url: database))
        try session.execute("CREATE TABLE kept (n int)")
        let waits = session.waits
        #expect(throws: StoreError.self) {
            try session.pipeline(["BEGIN", "INSERT INTO kept VALUES (1)", Self.selecting(70_000), "COMMIT"])
        }
        do {
            try session.query(Self.selecting(65_536))
            Issue.record("the statement was sent")
        } catch {
            let text = "\(error)"
            #expect(text.contains("has 65536 parameters, more than the 65535 the protocol allows"))
            #expect(!text.contains("lost the connection") && !error.isUnreachable)
        }
        #expect(session.waits == waits, "refused before any wait")
        #expect(try session.scalarInt64("SELECT count(*) FROM kept") == 0, "the INSERT before it was not committed")
        #expect(try session.scalarInt64(Self.selecting(3)) == 3, "the session still works")
    }

    /// postgres-nio's own refusal (a statement sent to the connection without the session's check) reads the
    /// same, not as a lost connection.
    @Test func postgresNIOsOwnRefusalIsNotALostConnection() async throws {
        guard let server = PostgresTestServer.url() else { return }
        try await offPool { try Self.postgresNIORefuses(server) }
    }

    static func postgresNIORefuses(_ server: String) throws {
        let session = try PostgresSession(PostgresLocation(url: server))
        let future = session.connection.query(Self.selecting(70_000), logger: PostgresSession.logger)
        do {
            _ = try future.wait()
            Issue.record("postgres-nio sent the statement")
        } catch {
            let text = "\(session.storeError(error, sql: "SELECT"))"
            #expect(text.contains("has 70000 parameters, more than the 65535"))
            #expect(!text.contains("lost the connection"))
        }
        #expect(try session.scalarInt64("SELECT 7") == 7)
    }
}
