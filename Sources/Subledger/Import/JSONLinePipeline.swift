// A long JSON Lines import read on a second thread: one thread parses and decodes the lines into
// commands (JSON, field checks, `CommandDecoder`: 17% of an import's CPU) while the caller's thread
// decides, folds and appends them, a few thousand lines behind. The caller sees exactly what the
// sequential reader gives: the same commands with their lines, in order, and the same first failure (a
// line the reader refuses is reported only once every line before it went through the caller's body,
// which may fail first). At most `slots` chunks are in flight, so memory stays flat. Asked to, the
// reader also hashes the commands' content (`CommandContentHasher`, a tenth of the caller's work otherwise)
// and hands the hasher over with the last chunk.

import Dispatch
import SubledgerCore
internal import SubledgerStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class JSONLinePipeline: @unchecked Sendable {
    /// Lines per chunk: small enough to start the caller at once, large enough to make the handover rare.
    static let chunkLines = 2_048
    static let slots = 4

    struct Chunk {
        /// The commands and their lines, apart: an array of (command, line) pairs was copied and destroyed
        /// pair by pair through the runtime's generic tuple witnesses on the deciding thread. The caller
        /// moves each command out of the batch.
        var commands = CommandBatch(capacity: JSONLinePipeline.chunkLines)
        var lines: [Int] = []
        /// The line the reader refused, after the chunk's commands; nothing follows it.
        var failure: Rejection?
        var isLast = false
        /// The last line in the chunk and the byte offset of its end (for the progress line).
        var lastLine = 0
        var endOffset = 0
        /// With the last chunk, when the content is hashed: every command of the text, in order.
        var content: CommandContentHasher?

        /// An empty chunk with room for a whole chunk's lines: grown by doubling, its arrays copied every
        /// command about once more and faulted in new pages (DR-69).
        static func reserved() -> Chunk {
            var chunk = Chunk()
            chunk.lines.reserveCapacity(JSONLinePipeline.chunkLines)
            return chunk
        }
    }

    private let bytes: UnsafeRawBufferPointer
    private let hashesContent: Bool
    // Slot i % slots holds chunk i. The semaphores order every access: the reader writes a slot only after
    // `free` says the caller is done with it, the caller reads it only after `filled` says it is written.
    private let ring: UnsafeMutablePointer<Chunk?>
    private let filled = DispatchSemaphore(value: 0)
    private let free = DispatchSemaphore(value: JSONLinePipeline.slots)
    private let cancelled = DispatchSemaphore(value: 0)
    private let finished = DispatchGroup()

    /// `bytes` must stay valid until `stop` returns.
    private init(_ bytes: UnsafeRawBufferPointer, hashesContent: Bool) {
        self.bytes = bytes
        self.hashesContent = hashesContent
        ring = .allocate(capacity: Self.slots)
        ring.initialize(repeating: nil, count: Self.slots)
    }

    deinit {
        ring.deinitialize(count: Self.slots)
        ring.deallocate()
    }

    /// Calls `body` with each command of `bytes` in order, as `CommandReader.forEachJSONLine` does. With
    /// `hashingContent`, returns the content hasher of every command (nil without).
    @discardableResult
    static func forEach(
        _ bytes: UnsafeRawBufferPointer, progress: ((Int, Int) -> Void)?, hashingContent: Bool = false,
        _ body: (LedgerCommand, _ line: Int) throws -> Void
    ) throws -> CommandContentHasher? {
        let pipeline = JSONLinePipeline(bytes, hashesContent: hashingContent)
        pipeline.finished.enter()
        DedicatedThread.run { [pipeline] in
            defer { pipeline.finished.leave() }
            pipeline.read()
        }
        defer { pipeline.stop() }
        var slot = 0
        var content: CommandContentHasher?
        while true {
            pipeline.filled.wait()
            var chunk = pipeline.ring[slot].take()!
            pipeline.free.signal()
            slot = (slot + 1) % slots
            // Each command taken out of its slot (moved), where the array's subscript copied it (retaining
            // its strings) and the chunk destroyed it later, 450 instructions a line here (DR-64).
            for line in chunk.lines { try body(chunk.commands.takeNext(), line) }
            if let failure = chunk.failure { throw failure }
            if let progress, chunk.lastLine > 0, chunk.lastLine % 16_384 == 0 { progress(chunk.endOffset, bytes.count) }
            if chunk.isLast {
                content = chunk.content
                break
            }
        }
        progress?(bytes.count, bytes.count)
        return content
    }

    /// The offset of the first line feed at or after `start`, or the end of `bytes`: libc's `memchr`, which
    /// compares a vector of bytes at a time where a loop here compared one (DR-69).
    static func lineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard let base = bytes.baseAddress, start < bytes.count,
            let found = memchr(base + start, 0x0A, bytes.count - start)
        else { return bytes.count }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// Tells the reader to stop (the caller is done, maybe early) and waits for it.
    private func stop() {
        cancelled.signal()
        free.signal()  // wakes the reader if it waits for a slot
        finished.wait()
    }

    /// The reader's side: the lines in chunks, until the end, a refused line or `stop`.
    private func read() {
        var start = 0, line = 0, slot = 0
        var chunk = Chunk.reserved()
        var content = CommandContentHasher()
        func publish() -> Bool {
            free.wait()
            if cancelled.wait(timeout: .now()) == .success { return false }
            ring[slot] = chunk
            filled.signal()
            slot = (slot + 1) % Self.slots
            chunk = Chunk.reserved()
            return true
        }
        while start < bytes.count {
            line += 1
            let end = Self.lineEnd(bytes, from: start)
            chunk.lastLine = line
            chunk.endOffset = end
            do throws(Rejection) {
                guard end - start <= ImportTextCheck.maximumLineBytes else {
                    throw ImportTextCheck.lineTooLong(line: line)
                }
                var stop = end
                if stop > start && bytes[stop - 1] == 0x0D { stop -= 1 }
                let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<stop])
                if !slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    chunk.commands.append(try CommandReader.command(jsonLine: slice, line: line))
                    if hashesContent { content.add(chunk.commands.last.pointee) }
                    chunk.lines.append(line)
                }
            } catch {
                chunk.failure = error
                _ = publish()
                return
            }
            start = end + 1
            if line % Self.chunkLines == 0 && start < bytes.count {
                guard publish() else { return }
            }
        }
        chunk.isLast = true
        if hashesContent { chunk.content = content }
        _ = publish()
    }
}
