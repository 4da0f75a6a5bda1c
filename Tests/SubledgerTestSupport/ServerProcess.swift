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

/// `serve` did not print its address: it exited, or did not listen within 60 s.
public struct ServeStartFailure: Error, CustomStringConvertible {
    public let description: String
}

extension ChildProcess {
    /// Starts `subledger serve --db db --port 0` (plus `extra`) in `directory` and returns it with the
    /// port it printed once listening; kills it and throws when it does not start.
    public static func serve(db: String, extra: [String] = [], in directory: URL) throws -> (ChildProcess, Int) {
        let child = try ChildProcess(["serve", "--db", db, "--port", "0"] + extra, in: directory)
        try child.start()
        let deadline = Date().addingTimeInterval(60)
        while true {
            let printed = child.standardOutputSoFar
            if let range = printed.range(of: "listening on http://127.0.0.1:"),
                let port = Int(printed[range.upperBound...].prefix { $0.isNumber })
            {
                return (child, port)
            }
            guard child.isRunning, Date() < deadline else {
                child.kill()
                throw ServeStartFailure(description: "serve did not start: \(try child.finish().summary)")
            }
            usleep(20_000)
        }
    }
}
