import Dispatch
import Subledger

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// `write` alone would name `Terminal.write` inside the enum: the C function is reached through its module.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, bytes, count)
    #else
    return Darwin.write(fd, bytes, count)
    #endif
}

/// Writing to stdout/stderr, terminal detection, clocks. Plain file descriptors: the C `stderr` global is
/// shared mutable state in Swift 6.
enum Terminal {
    static func writeError(_ text: String) {
        write(fd: 2, text)
    }

    static func write(fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    /// Monotonic nanoseconds, for durations.
    static func nanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    /// `1.234 s` from nanoseconds, exact integer arithmetic.
    static func seconds(_ nanoseconds: Int64) -> String {
        let milliseconds = max(nanoseconds, 0) / 1_000_000
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction) s"
    }

    /// Events per second, rounded down; nil when the duration is too short to measure.
    static func perSecond(_ count: Int, _ nanoseconds: Int64) -> Int64? {
        guard nanoseconds > 0 else { return nil }
        return Int64(count) * 1_000_000_000 / nanoseconds
    }

    /// `2026-05-01T12:34:56Z` from Unix milliseconds.
    static func utcTimestamp(milliseconds: Int64) -> String {
        JSONFields.utcTimestamp(milliseconds: milliseconds)
    }
}

/// A progress line on stderr, redrawn in place (`\r importing  42% 420000/1000000 bytes`). It exists only
/// when stderr is a terminal, so pipes and log files never see it.
final class ProgressLine {
    let label: String
    let unit: String
    private var lastPercent = -1
    private var drawn = false

    /// nil when stderr is not a terminal.
    init?(label: String, unit: String) {
        guard Terminal.stderrIsTerminal else { return nil }
        self.label = label
        self.unit = unit
    }

    func update(_ done: Int, _ total: Int) {
        guard total > 0 else { return }
        let percent = Int(Int64(min(done, total)) * 100 / Int64(total))
        guard percent != lastPercent else { return }
        lastPercent = percent
        let padded = String(repeating: " ", count: max(0, 3 - String(percent).count)) + String(percent)
        Terminal.writeError("\r \(label) \(padded)% \(done)/\(total) \(unit)")
        drawn = true
    }

    /// Erases the line.
    func finish() {
        if drawn { Terminal.writeError("\r\u{1B}[2K") }
        drawn = false
    }

    /// Runs `body` with a progress callback (nil when stderr is not a terminal) and erases the line
    /// however `body` ends, so an error message never lands after a half-drawn progress line.
    static func showing<N: BinaryInteger, T>(
        _ label: String, unit: String,
        _ body: (((N, N) -> Void)?) throws -> T
    ) rethrows -> T {
        let line = ProgressLine(label: label, unit: unit)
        defer { line?.finish() }
        return try body(line.map { line in { done, total in line.update(Int(done), Int(total)) } })
    }
}

/// An elapsed-time line on stderr while a long synchronous call runs (`\r closing | 3.2 s`), for work that
/// reports no progress of its own (a close). A timer on a private serial queue draws it, first after
/// `delay` so quick calls never show it, and only when stderr is a terminal. `finish` stops the timer
/// and erases the line before the caller prints anything.
final class ElapsedLine: @unchecked Sendable {
    private let label: String
    private let start = Terminal.nanoseconds()
    private let queue = DispatchQueue(label: "subledger.elapsed-line")
    private var timer: DispatchSourceTimer?
    // Touched only on `queue`.
    private var frame = 0
    private var drawn = false

    /// nil when stderr is not a terminal.
    init?(label: String, delay: DispatchTimeInterval = .milliseconds(400)) {
        guard Terminal.stderrIsTerminal else { return nil }
        self.label = label
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + delay, repeating: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.draw() }
        self.timer = timer
        timer.resume()
    }

    private func draw() {
        let spinner: [Character] = ["|", "/", "-", "\\"]
        frame = (frame + 1) % spinner.count
        let elapsed = Terminal.nanoseconds() - start
        let tenths = max(elapsed, 0) / 100_000_000
        Terminal.writeError("\r\u{1B}[2K \(label) \(spinner[frame]) \(tenths / 10).\(tenths % 10) s")
        drawn = true
    }

    /// Stops the timer and erases the line. A handler already running finishes first (serial queue);
    /// a cancelled source runs no further handlers.
    func finish() {
        queue.sync {
            timer?.cancel()
            timer = nil
            if drawn { Terminal.writeError("\r\u{1B}[2K") }
            drawn = false
        }
    }

    deinit { timer?.cancel() }
}
