// Headless Chromium driven over the DevTools protocol (`--remote-debugging-pipe`: JSON messages ended by
// NUL, commands on the browser's fd 3, answers and events on its fd 4, here two FIFOs), for what
// `--dump-dom` cannot do: type into a form and press its button, as the controller does.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
private let readBytes = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let readBytes = Darwin.read
#endif

final class DevToolsBrowser {
    let process = Process()
    let commands: FileHandle
    let answers: FileHandle
    var buffer = Data()
    var nextID = 0
    var session = ""
    /// Events read while waiting for an answer, kept for `waitForLoad`.
    var pendingEvents: [String] = []

    init(executable: String, profile: String, directory: URL) throws {
        let input = directory.appendingPathComponent("cdp-in").path
        let output = directory.appendingPathComponent("cdp-out").path
        guard mkfifo(input, 0o600) == 0, mkfifo(output, 0o600) == 0 else { throw LoopbackFailure("mkfifo failed") }
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let flags = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--remote-debugging-pipe", "--user-data-dir=\(profile)", "--window-size=1280,1100", "about:blank",
        ]
        process.arguments = ["-c", "exec \"$0\" \"$@\" 3<'\(input)' 4>'\(output)'", executable] + flags
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // A browser that stops answering ends the test instead of hanging it: its pipe closes.
        DispatchQueue.global().asyncAfter(deadline: .now() + 120) { [process] in
            if process.isRunning { process.terminate() }
        }
        // Each open waits for the other end: the shell opens them in this order.
        commands = try FileHandle(forWritingTo: URL(fileURLWithPath: input))
        answers = try FileHandle(forReadingFrom: URL(fileURLWithPath: output))
        let created = try send("Target.createTarget", ["url": "about:blank"], inSession: false)
        let target = (created["targetId"] as? String) ?? ""
        let attached = try send("Target.attachToTarget", ["targetId": target, "flatten": true], inSession: false)
        session = (attached["sessionId"] as? String) ?? ""
        _ = try send("Page.enable", [:])
    }

    func close() {
        _ = try? send("Browser.close", [:], inSession: false)
        try? commands.close()
        process.waitUntilExit()
    }

    /// Sends a command and returns its result (a protocol error is thrown).
    @discardableResult
    func send(_ method: String, _ parameters: [String: Any], inSession: Bool = true) throws -> [String: Any] {
        nextID += 1
        var message: [String: Any] = ["id": nextID, "method": method, "params": parameters]
        if inSession { message["sessionId"] = session }
        var data = try JSONSerialization.data(withJSONObject: message)
        data.append(0)
        try commands.write(contentsOf: data)
        while true {
            let text = try readMessage()
            guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                continue
            }
            if let id = object["id"] as? Int, id == nextID {
                if let error = object["error"] { throw LoopbackFailure("\(method): \(error)") }
                return (object["result"] as? [String: Any]) ?? [:]
            }
            if let name = object["method"] as? String { pendingEvents.append(name) }
        }
    }

    func readMessage() throws -> String {
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let message = String(decoding: buffer[buffer.startIndex..<end], as: UTF8.self)
                buffer = Data(buffer[(end + 1)...])
                return message
            }
            // One read(2), whatever it returns: FileHandle's read(upToCount:) waits for the whole count.
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = readBytes(answers.fileDescriptor, &chunk, chunk.count)
            guard count > 0 else { throw LoopbackFailure("chromium closed the DevTools pipe") }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }

    /// Runs `action` (a navigation, a click) and returns once the page it leads to has loaded.
    func loading(_ action: () throws -> Void) throws {
        pendingEvents.removeAll()
        try action()
        while !pendingEvents.contains("Page.loadEventFired") {
            let text = try readMessage()
            if let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                let name = object["method"] as? String
            {
                pendingEvents.append(name)
            }
        }
    }

    func open(_ url: String) throws { try loading { try send("Page.navigate", ["url": url]) } }

    /// The value of a JavaScript expression in the page (the test's, not the page's: the pages have none).
    func evaluate(_ expression: String) throws -> Any? {
        let result = try send(
            "Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        return (result["result"] as? [String: Any])?["value"]
    }

    func html() throws -> String { (try evaluate("document.documentElement.outerHTML") as? String) ?? "" }

    /// Picks the file at `path` in the file input matching `selector`, as a person does in the file dialog.
    func chooseFile(_ selector: String, path: String) throws {
        let found = try send("Runtime.evaluate", ["expression": "document.querySelector('\(selector)')"])
        let object = try #require((found["result"] as? [String: Any])?["objectId"] as? String, "no \(selector)")
        try send("DOM.setFileInputFiles", ["files": [path], "objectId": object])
    }

    /// A PNG of the viewport.
    func screenshot(_ path: String) throws {
        let shot = try send("Page.captureScreenshot", ["format": "png"])
        let data = try #require(Data(base64Encoded: (shot["data"] as? String) ?? ""), "no screenshot")
        // The folder is gitignored, so a fresh clone has none until a test makes it: whichever browser test
        // runs first must not depend on another having run.
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    /// Presses the submit button of the first form matching `selector`, after setting `fields`.
    func submit(_ selector: String, fields: [String: String] = [:]) throws {
        var script = "const f = document.querySelector('\(selector)');"
        for (name, value) in fields { script += "f.elements['\(name)'].value = '\(value)';" }
        script += "f.querySelector('button').click();"
        try loading { _ = try evaluate(script) }
    }
}
