// `subledger serve` as a child process: a signal other than SIGKILL (a graceful SIGTERM), and what it
// printed so far (the address line it prints once listening).

import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension ChildProcess {
    /// Sends `signal` (SIGTERM, SIGINT) to the running child.
    public func signal(_ signal: Int32) {
        #if canImport(Glibc)
        _ = Glibc.kill(process.processIdentifier, signal)
        #else
        _ = Darwin.kill(process.processIdentifier, signal)
        #endif
    }

    /// What the child wrote on stdout so far.
    public var standardOutputSoFar: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }

    /// What the child wrote on stderr so far.
    public var standardErrorSoFar: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

    public var isRunning: Bool { process.isRunning }
}
