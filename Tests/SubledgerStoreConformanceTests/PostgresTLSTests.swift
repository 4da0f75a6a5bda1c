// TLS to PostgreSQL (DR-43): `sslmode` and `sslrootcert` with libpq's meanings, against a real server that
// speaks TLS (`tools/postgres-test-cluster.sh start DIR --tls`: SUBLEDGER_TEST_POSTGRES_TLS, a certificate
// for `localhost` signed by SUBLEDGER_TEST_POSTGRES_CA) and one that does not (SUBLEDGER_TEST_POSTGRES).
// Each failure has its own stable code; the URL's parsing and the root certificate file need no server.

import Foundation
import SubledgerStore
import SubledgerTestSupport
import Testing

@testable import SubledgerPostgres

@Suite struct PostgresTLSTests {
    @Test func sslmodeAndSslrootcertAreParsedWithLibpqsDefault() throws {
        #expect(try PostgresLocation(url: "postgresql://u@h/d").tls == PostgresTLS(mode: .prefer))
        for mode in PostgresTLS.Mode.allCases {
            #expect(try PostgresLocation(url: "postgresql://u@h/d?sslmode=\(mode.rawValue)").tls.mode == mode)
        }
        let both = try PostgresLocation(url: "postgresql://u@h/d?sslrootcert=%2Fetc%2Fca%20x.pem&sslmode=verify-ca")
        #expect(both.tls == PostgresTLS(mode: .verifyCA, rootCertificate: "/etc/ca x.pem"))
        // libpq: `require` with a root certificate checks the chain as verify-ca does.
        #expect(PostgresTLS(mode: .require).verification == .none)
        #expect(PostgresTLS(mode: .require, rootCertificate: "ca.pem").verification == .noHostnameVerification)
        #expect(PostgresTLS(mode: .verifyFull).verification == .fullVerification)
    }

    @Test func badOptionsAreRefusedBeforeAnyConnection() {
        let cases: [(query: String, kind: PostgresOpenError.Kind)] = [
            ("sslmode=maybe", .badURL), ("sslmode=", .badURL), ("sslrootcert=", .badURL), ("foo=1", .badURL),
            ("sslcert=c.pem", .tlsUnsupported), ("sslkey=k.pem", .tlsUnsupported),
            ("sslmode=verify-ca&sslrootcert=/no/such/ca.pem", .tlsRootCertificate),
        ]
        for (query, kind) in cases {
            // Port 1: nothing listens there, so only a refusal before connecting gives another kind.
            #expect(Self.failure("postgresql://u:secret@127.0.0.1:1/d?\(query)")?.kind == kind, "\(query)")
            #expect(Self.failure("postgresql://u:secret@127.0.0.1:1/d?\(query)")?.message.contains("secret") == false)
        }
    }

    @Test func aRootCertificateFileWithoutCertificatesIsRefused() throws {
        let dir = try TemporaryDirectory("tls-root")
        let path = dir.path("empty.pem")
        try Data("not a certificate\n".utf8).write(to: URL(fileURLWithPath: path))
        let failure = Self.failure("postgresql://u@127.0.0.1:1/d?sslmode=verify-full&sslrootcert=\(path)")
        #expect(failure?.kind == .tlsRootCertificate, "\(String(describing: failure))")
    }

    @Test func requireAndVerifyFullConnectOverTLS() throws {
        guard let server = TLSTestServer.get() else { return }
        for query in [
            "sslmode=require", "", "sslmode=verify-full&sslrootcert=\(server.ca)",
            "sslmode=require&sslrootcert=\(server.ca)",
        ] {
            let session = try PostgresSession(connectingTo: PostgresLocation(url: server.url + "?" + query))
            let tls = try session.scalarInt64("SELECT ssl::int FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            #expect(tls == 1, "\(query): the connection is not TLS")
        }
        // verify-ca checks the chain only: the certificate names localhost, not 127.0.0.1.
        let byAddress = server.url.replacing("@localhost:", with: "@127.0.0.1:")
        _ = try PostgresSession(
            connectingTo: PostgresLocation(url: byAddress + "?sslmode=verify-ca&sslrootcert=\(server.ca)"))
    }

    @Test func untrustedAndMisnamedCertificatesFailWithTheirCodes() throws {
        guard let server = TLSTestServer.get() else { return }
        let byAddress = server.url.replacing("@localhost:", with: "@127.0.0.1:")
        let cases: [(url: String, kind: PostgresOpenError.Kind)] = [
            (server.url + "?sslmode=verify-full&sslrootcert=\(server.otherCA)", .tlsUntrusted),
            (server.url + "?sslmode=verify-ca&sslrootcert=\(server.otherCA)", .tlsUntrusted),
            (server.url + "?sslmode=require&sslrootcert=\(server.otherCA)", .tlsUntrusted),
            (byAddress + "?sslmode=verify-full&sslrootcert=\(server.ca)", .tlsHostMismatch),
        ]
        for (url, kind) in cases {
            let failure = Self.failure(url)
            #expect(failure?.kind == kind, "\(url): \(String(describing: failure))")
        }
    }

    @Test func requireAgainstAServerWithoutTLSFails() throws {
        guard let plain = PostgresTestServer.url() else { return }
        let failure = Self.failure(plain + "?sslmode=require")
        #expect(failure?.kind == .tlsNotOffered, "\(String(describing: failure))")
        #expect(failure?.message.contains("does not offer TLS") == true)
        // The default (prefer) and disable still connect to it in plain text.
        for query in ["", "?sslmode=prefer", "?sslmode=disable", "?sslmode=allow"] {
            _ = try PostgresSession(connectingTo: PostgresLocation(url: plain + query))
        }
    }

    /// The opening error for `url`, or nil when it opened.
    static func failure(_ url: String) -> PostgresOpenError? {
        do {
            _ = try PostgresEventLog.open(url: url, create: false)
            return nil
        } catch let error as PostgresOpenError {
            return error
        } catch {
            return PostgresOpenError(.unreachable, "not an opening error: \(error)")
        }
    }
}

/// The TLS test server, as `tools/postgres-test-cluster.sh start DIR --tls` prints it.
enum TLSTestServer {
    struct Server { var url, ca, otherCA: String }

    static func get() -> Server? {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["SUBLEDGER_TEST_POSTGRES_TLS"], let ca = environment["SUBLEDGER_TEST_POSTGRES_CA"],
            let otherCA = environment["SUBLEDGER_TEST_POSTGRES_OTHER_CA"]
        else {
            let reason =
                "no TLS PostgreSQL server for the TLS tests; start one with tools/postgres-test-cluster.sh start "
                + "DIR --tls and export what it prints"
            if environment["CI"] == "true" {
                Issue.record("\(reason): under CI=true they must run")
            } else {
                print("skipped: \(reason)")
            }
            return nil
        }
        return Server(url: url, ca: ca, otherCA: otherCA)
    }
}
