// Where every test target finds its PostgreSQL server: SUBLEDGER_TEST_POSTGRES, reached once per run. Without
// a reachable server the PostgreSQL tests say why and are skipped, except under CI=true, where that is a
// failure (issue 14: CI must run them). One copy, so the rule cannot differ between the targets.

import Foundation
import SubledgerStore
import Testing

@testable import SubledgerPostgres  // its session, to reach the server and make databases

public enum PostgresTestServer {
    public static let variable = "SUBLEDGER_TEST_POSTGRES"

    private static let reachable: Result<String, StoreError> = {
        guard let url = ProcessInfo.processInfo.environment[variable], !url.isEmpty else {
            return .failure(.logFailure(.unreachable, "\(variable) is not set"))
        }
        do throws(StoreError) {
            _ = try PostgresSession(PostgresLocation(url: url))
            return .success(url)
        } catch {
            return .failure(error)
        }
    }()

    /// The server's URL, or nil with the reason printed (recorded as an issue under CI=true).
    public static func url() -> String? {
        switch reachable {
        case .success(let url): return url
        case .failure(let error):
            let reason =
                "no PostgreSQL server for the tests (\(error.message)); start one with "
                + "tools/postgres-test-cluster.sh and export \(variable)"
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("\(reason): under CI=true the PostgreSQL tests must run")
            } else {
                print("skipped: \(reason)")
            }
            return nil
        }
    }

    /// A new, empty database on `server`, as a URL; `prefix` says which test made it.
    public static func freshDatabase(_ server: String, prefix: String) throws -> String {
        let name = prefix + "_" + UUID().uuidString.lowercased().replacing("-", with: "").prefix(20)
        try PostgresSession(PostgresLocation(url: server)).execute("CREATE DATABASE \(name)")
        let base = server[..<(server.lastIndex(of: "/") ?? server.endIndex)]
        return base + "/" + name
    }
}
