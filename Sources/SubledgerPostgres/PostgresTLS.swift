// PostgresTLS: the URL's `sslmode` and `sslrootcert`, with libpq's meanings (DR-43), turned into
// postgres-nio's TLS configuration. The default is libpq's, `prefer`: a ledger's password crosses the
// network encrypted whenever the server offers TLS, and a loopback server without TLS still works.
//
//   disable      no TLS                     allow        no TLS (libpq tries plain first; it succeeds)
//   prefer       TLS when the server offers it, certificate not checked
//   require      TLS or fail, certificate not checked (checked as verify-ca when `sslrootcert` is given)
//   verify-ca    TLS or fail, the chain checked against `sslrootcert`
//   verify-full  as verify-ca, and the certificate must name the host in the URL
//
// Without `sslrootcert` (or with `sslrootcert=system`) the checks use the system's trusted roots.

import NIOSSL
import PostgresNIO

public struct PostgresTLS: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var mode: Mode
    /// The PEM file of the certificates to trust (`sslrootcert`); nil or "system": the system's roots.
    public var rootCertificate: String?

    public init(mode: Mode = .prefer, rootCertificate: String? = nil) {
        self.mode = mode
        self.rootCertificate = rootCertificate
    }

    /// What the connection verifies; libpq's `require` with a root certificate file is `verify-ca`.
    var verification: CertificateVerification {
        switch mode {
        case .disable, .allow, .prefer: .none
        case .require: rootCertificate == nil ? .none : .noHostnameVerification
        case .verifyCA: .noHostnameVerification
        case .verifyFull: .fullVerification
        }
    }

    /// postgres-nio's configuration; an unreadable or empty `sslrootcert` is `tlsRootCertificate`.
    func configuration(
        for location: PostgresLocation
    ) throws(PostgresOpenError)
        -> PostgresConnection.Configuration
        .TLS
    {
        if mode == .disable || mode == .allow { return .disable }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = verification
        // Unchecked TLS reads no roots at all (loading the system's bundle costs every connection).
        tls.trustRoots = verification == .none ? .certificates([]) : try roots(location)
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw PostgresOpenError(.tlsRootCertificate, "cannot set up TLS for \(location): \(error)")
        }
        return mode == .prefer ? .prefer(context) : .require(context)
    }

    private func roots(_ location: PostgresLocation) throws(PostgresOpenError) -> NIOSSLTrustRoots {
        guard let path = rootCertificate, path != "system" else { return .default }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw PostgresOpenError(
                .tlsRootCertificate, "cannot read the root certificate '\(path)' (sslrootcert) for \(location)")
        }
        guard !certificates.isEmpty else {
            throw PostgresOpenError(
                .tlsRootCertificate, "the root certificate file '\(path)' (sslrootcert) holds no PEM certificate")
        }
        return .certificates(certificates)
    }
}
