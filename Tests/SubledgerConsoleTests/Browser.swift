// Headless Chromium as a child process, for the browser test: one run per page, which prints the DOM
// after the page loaded and writes a screenshot. The profile directory keeps the session cookie between
// runs, as a browser keeps it between tabs.

import Foundation
import SubledgerTestSupport

struct Browser {
    /// Debian's `chromium` (`.ci/run` installs it), or `$CHROMIUM`.
    static let executable: String? = {
        let candidates = [
            ProcessInfo.processInfo.environment["CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser",
        ]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Under CI the browser test must run, so a missing browser is a failure there, not a skip.
    static let required = ProcessInfo.processInfo.environment["CI"] == "true"

    let executable: String
    let profile: String

    /// The DOM of `url` once loaded (scripts and navigations get `budget` ms of virtual time), and a
    /// screenshot of it at `screenshot` when given.
    func dom(_ url: String, screenshot: String? = nil, budget: Int = 2000) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        var arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
            "--no-first-run", "--user-data-dir=\(profile)", "--window-size=1280,1100",
            "--virtual-time-budget=\(budget)", "--dump-dom",
        ]
        if let screenshot { arguments.append("--screenshot=\(screenshot)") }
        process.arguments = arguments + [url]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LoopbackFailure("chromium exited \(process.terminationStatus) on \(url)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

struct LoopbackFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `subledger serve --port 0` on a ledger file, and the port it printed.
final class ServedLedger {
    let child: ChildProcess
    let port: Int

    init(db: String, in directory: TemporaryDirectory) throws {
        (child, port) = try ChildProcess.serve(db: db, in: directory.url)
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func stop() throws -> ProcessOutcome {
        child.signal(SIGTERM)
        return try child.finish()
    }
}
