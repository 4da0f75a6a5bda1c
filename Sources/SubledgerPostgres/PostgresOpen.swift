// Opening a PostgreSQL ledger from the command line (`--db postgresql://...`, DR-38): the URL parsed, the
// server reached and the ledger found, each failure told apart with a stable code, so that an operator
// sees at once whether the server is down, the login was refused, the database is missing or the
// database holds no ledger yet. No message names the password (PostgresLocation keeps it apart).

import NIOSSL
import PostgresNIO
import SubledgerStore

/// Why a PostgreSQL ledger could not be opened.
public struct PostgresOpenError: Error, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The URL is malformed or has an option this program does not know.
        case badURL = "bad-url"
        /// The URL asks for a TLS feature this program does not speak (client certificates: `sslcert`).
        case tlsUnsupported = "tls-unsupported"
        /// `sslrootcert` names a file that cannot be read or holds no PEM certificate.
        case tlsRootCertificate = "tls-root-certificate"
        /// TLS is required (`sslmode=require` or stricter) and the server does not offer it.
        case tlsNotOffered = "tls-not-offered"
        /// The server's certificate does not chain to a trusted root (`verify-ca`, `verify-full`).
        case tlsUntrusted = "tls-untrusted"
        /// The server's certificate does not name the host in the URL (`verify-full`).
        case tlsHostMismatch = "tls-host-mismatch"
        /// No server answered at the host and port (refused, timed out, name unknown, connection lost).
        case unreachable
        /// The server refused the login (a wrong password, an unknown role, no pg_hba.conf entry).
        case authenticationFailed = "authentication-failed"
        /// The server has no database of that name.
        case noDatabase = "no-database"
        /// The database holds no ledger (and the command is not `init`).
        case noLedger = "no-ledger"
    }

    public var kind: Kind
    /// What went wrong, naming the server (user@host:port/database), never the password.
    public var message: String

    public var description: String { message }

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// A failed connect, classified by the server's SQLSTATE when it answered.
    init(connecting location: PostgresLocation, _ error: any Error) {
        let psql = error as? PSQLError
        let state = psql?.serverInfo?[.sqlState]
        let tls = psql.flatMap { Self.tlsFailure($0, location) }
        switch state {
        case .some(let state) where state.hasPrefix("28"): kind = .authenticationFailed
        case "3D000": kind = .noDatabase
        default: kind = tls?.kind ?? .unreachable
        }
        message =
            "cannot connect to PostgreSQL at \(location.hostAndPort) (database \(location.database), user "
            + "\(location.user)): \(tls?.reason ?? PostgresSession.reason(error))"
    }

    /// A connect that failed in TLS: the server said no to TLS, or its certificate failed a check.
    private static func tlsFailure(_ error: PSQLError, _ location: PostgresLocation) -> (kind: Kind, reason: String)? {
        if error.code == .sslUnsupported {
            return (
                .tlsNotOffered, "the server does not offer TLS, and sslmode=\(location.tls.mode.rawValue) requires it"
            )
        }
        guard let underlying = error.underlying else { return nil }
        if let extra = underlying as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return (.tlsHostMismatch, "the server's certificate does not name the host \(location.host) (verify-full)")
        }
        if case NIOSSLError.handshakeFailed(let ssl) = underlying, "\(ssl)".contains("CERTIFICATE_VERIFY_FAILED") {
            let roots = location.tls.rootCertificate.map { "sslrootcert \($0)" } ?? "the system's roots"
            return (.tlsUntrusted, "the server's certificate is not trusted (checked against \(roots))")
        }
        return nil
    }
}

extension PostgresEventLog {
    /// Opens the ledger at `url` (the public schema). `create`: create the tables when the database has
    /// none (`init`); otherwise a database without a ledger is `noLedger` and nothing is created. Errors
    /// after the connection (a newer schema, a failed migration) are the store's `StoreError`s.
    public static func open(url: String, create: Bool) throws -> PostgresEventLog {
        try opened(url: url, create: create).log
    }

    /// Opens the ledger at `url`, creating its tables when the database has none (`subledger init`);
    /// `created` says whether it did.
    public static func create(url: String) throws -> (log: PostgresEventLog, created: Bool) {
        try opened(url: url, create: true)
    }

    private static func opened(url: String, create: Bool) throws -> (log: PostgresEventLog, created: Bool) {
        let location: PostgresLocation
        do throws(StoreError) {
            location = try PostgresLocation(url: url)
        } catch {
            let message = LedgerMessage.own(error)
            throw PostgresOpenError(
                message.contains(PostgresLocation.unsupportedTLS) ? .tlsUnsupported : .badURL, message)
        }
        let session = try PostgresSession(connectingTo: location)
        try session.execute("SET search_path TO public")
        let found = try PostgresSchema.version(session)
        if !create, found == 0 {
            throw PostgresOpenError(
                .noLedger,
                "no ledger in \(location): create one with `subledger init --db '\(location.retypedURL)'`")
        }
        return (try PostgresEventLog(session: session, schema: "public"), found == 0)
    }

    /// Runs `grants(role:)` for `role` on this connection (the owner's), in one transaction.
    public func grant(to role: String) throws {
        try session.execute("BEGIN")
        do throws(StoreError) {
            for statement in Self.grants(role: role, schema: schema) { try session.execute(statement) }
            try session.execute("COMMIT")
        } catch {
            _ = try? session.execute("ROLLBACK")
            throw error
        }
    }
}

enum LedgerMessage {
    /// The store's message without its "subledger: " prefix.
    static func own(_ error: StoreError) -> String {
        let prefix = "subledger: "
        return error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message
    }
}
