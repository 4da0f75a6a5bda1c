// The built `subledger` binary run as a child process, its output to files (a pipe could fill and block
// the child), telling an exit from a signal. The CLI, damage, byte-flip, crash and concurrency tests all
// run it this way.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How a finished child ended and what it wrote.
public struct ProcessOutcome: Sendable {
    /// False when a signal ended it (then `status` is the signal).
    public var exited: Bool
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public var killed: Bool { !exited }
    public var summary: String { "\(exited ? "exit" : "signal") \(status), stderr: \(stderr.prefix(300))" }

    /// Runs `subledger` with `arguments` in `directory` to completion (`SUBLEDGER_DB` unset, then
    /// `environment` merged in).
    public static func run(
        _ arguments: [String], in directory: URL,
        environment: [String: String] = [:]
    ) throws -> ProcessOutcome {
        let child = try ChildProcess(arguments, in: directory, environment: environment)
        try child.start()
        return try child.finish()
    }
}

public struct MissingBinary: Error, CustomStringConvertible {
    public var description: String { "build the executable first: swift build --product subledger" }
}

public enum SubledgerBinary {
    /// `.build/<triple>/debug/subledger`, next to the test product (or found from this file's path).
    public static let url: URL? = {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let bundle = Bundle.main.bundleURL
        let candidates = [
            bundle.appendingPathComponent("subledger"),
            bundle.deletingLastPathComponent().appendingPathComponent("subledger"),
            packageRoot.appendingPathComponent(".build/debug/subledger"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()
}

/// A running or finished `subledger` child, which a test may kill.
public final class ChildProcess {
    let process = Process()
    public let arguments: [String]
    let outURL: URL, errURL: URL
    private var out: FileHandle?, err: FileHandle?

    public init(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws {
        guard let binary = SubledgerBinary.url else { throw MissingBinary() }
        self.arguments = arguments
        let id = UUID().uuidString
        outURL = directory.appendingPathComponent("\(id).out")
        errURL = directory.appendingPathComponent("\(id).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        out = try FileHandle(forWritingTo: outURL)
        err = try FileHandle(forWritingTo: errURL)
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["SUBLEDGER_DB"] = nil
        env.merge(environment) { $1 }
        process.environment = env
        process.currentDirectoryURL = directory
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
    }

    public func start() throws { try process.run() }

    /// SIGKILL (harmless if it already exited: the child is not reaped before `finish` waits for it).
    public func kill() {
        #if canImport(Glibc)
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
        #else
        _ = Darwin.kill(process.processIdentifier, SIGKILL)
        #endif
    }

    /// Waits for the child and returns how it ended.
    public func finish() throws -> ProcessOutcome {
        process.waitUntilExit()
        try out?.close()
        try err?.close()
        out = nil
        err = nil
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        return ProcessOutcome(
            exited: process.terminationReason == .exit, status: process.terminationStatus,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}
