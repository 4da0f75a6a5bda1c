// ImportFileReader: reads a whole import file from a descriptor into one array, checking each chunk as
// it arrives (`ImportTextCheck`), so a binary file or `/dev/zero` is refused at its first chunk and a JSON
// Lines line over 1 MiB as soon as it passes the limit. A regular file's size is known up front: its
// bytes are read straight into an array of that size (growing an array chunk by chunk moved 100 MB
// about twice and faulted its pages in again each time: 0.14 s of the 1M-line import, DR-66). The size is
// only a hint: a file that grew since it was measured is read on to its end, one that shrank ends early.
// A pipe or terminal (no size) grows the array as it is read.

import SubledgerCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum ImportFileReader {
    /// Bytes asked of one `read`, and checked at once.
    public static let chunkBytes = 1 << 20

    /// A `read` that failed: its errno.
    public struct ReadError: Error, Equatable {
        public let code: Int32
        public var message: String { String(cString: strerror(code)) }
    }

    /// The size `descriptor` is expected to have: a regular file's size, else 0 (read as it comes).
    public static func sizeHint(_ descriptor: Int32) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return 0 }
        return Int(status.st_size)
    }

    /// Reads `descriptor` to its end. `expectedBytes` (`sizeHint`) sizes the array; the bytes read decide.
    /// Throws the check's `Rejection` or a `ReadError`.
    public static func readAll(
        _ descriptor: Int32, expectedBytes: Int, format: Ledger.ImportFormat
    ) throws -> [UInt8] {
        var check = ImportTextCheck(format: format)
        // One byte past the expected size, so a file that did not grow is seen to end without a second array.
        let capacity = expectedBytes > 0 ? expectedBytes + 1 : chunkBytes
        var bytes = try [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            count = try fill(UnsafeMutableRawBufferPointer(buffer), from: descriptor, check: &check)
        }
        guard bytes.count == capacity else { return bytes }
        // The file grew (or has no size): read on, chunk by chunk, into a growing array.
        var chunk = [UInt8](repeating: 0, count: chunkBytes)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try fill($0, from: descriptor, check: &check) }
            bytes.append(contentsOf: chunk[0..<count])
            if count < chunk.count { return bytes }
        }
    }

    /// Reads into `buffer` until it is full or the input ends, checking what it read; returns the bytes read.
    private static func fill(
        _ buffer: UnsafeMutableRawBufferPointer, from descriptor: Int32, check: inout ImportTextCheck
    ) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var filled = 0
        while filled < buffer.count {
            let got = read(descriptor, base + filled, min(chunkBytes, buffer.count - filled))
            if got < 0 {
                if errno == EINTR { continue }
                throw ReadError(code: errno)
            }
            if got == 0 { break }
            try check.check(UnsafeRawBufferPointer(start: base + filled, count: got))
            filled += got
        }
        return filled
    }
}
