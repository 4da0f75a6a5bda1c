import Testing

@testable import SubledgerCore

#if canImport(Glibc)
import Glibc
#endif

/// The records of a big transaction table stay on ordinary pages (DR-37): they are written in order, and a
/// transparent huge page cost the replay more to find and zero than the 4 KiB faults it saved.
struct TransactionTablePagesTests {
    #if os(Linux)
    @Test func aReplaySizedTableDoesNotAdviseHugePagesForItsRecords() throws {
        var table = TransactionTable()
        table.reserveCapacity(1_000_000)  // what a replay of a million events reserves
        // The middle of the reserved records: an advice starts at the first whole page after the array's
        // header, so the page holding the first record may be a mapping of its own.
        let base = table.values.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        try #require(base != 0)
        let address = base + UInt(table.values.capacity * MemoryLayout<TransactionRecord>.stride / 2)
        let flags = try #require(Self.vmFlags(containing: address), "no mapping holds the records")
        #expect(!flags.contains("hg"), "the records' mapping is advised huge pages: \(flags)")
    }

    /// The `VmFlags` of the mapping of this process that holds `address` (/proc/self/smaps), or nil.
    static func vmFlags(containing address: UInt) -> [String]? {
        guard let file = fopen("/proc/self/smaps", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 4_096)
        var inside = false
        while fgets(&line, Int32(line.count), file) != nil {
            let bytes = line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            let text = String(decoding: bytes, as: UTF8.self).trimmingSuffix()
            if let range = Self.range(text) {
                inside = range.contains(address)
            } else if inside, text.hasPrefix("VmFlags:") {
                return text.dropFirst("VmFlags:".count).split(separator: " ").map(String.init)
            }
        }
        return nil
    }

    /// The address range of a mapping's header line (`7f12a000-7f12c000 rw-p ...`), nil for other lines.
    static func range(_ line: String) -> Range<UInt>? {
        guard let first = line.split(separator: " ").first else { return nil }
        let bounds = first.split(separator: "-")
        guard bounds.count == 2, let low = UInt(bounds[0], radix: 16), let high = UInt(bounds[1], radix: 16),
            low < high
        else { return nil }
        return low..<high
    }
    #endif
}

extension String {
    fileprivate func trimmingSuffix() -> String {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == " " { text = text.dropLast() }
        return String(text)
    }
}
