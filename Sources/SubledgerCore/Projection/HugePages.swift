// Transparent huge pages for the projection's transaction hash table (Linux only; elsewhere a no-op).
//
// Why: replay reserves the table for every transaction up front, then writes ids into it in hash order,
// so every 4 KiB page of it is first touched at random, and each lookup is a TLB miss. Measured on
// 200,000 postings when the table held the records too: 170,000 page faults per 5 replays, a fifth of the
// replay's time in the kernel; with 2 MiB pages ~1,500 faults. Most systems ship THP in `madvise` mode,
// so the table has to ask for it. The records themselves (TransactionTable's dense array) are not
// advised: they are written in order, and a 2 MiB page costs more to find and zero than the 4 KiB faults
// it saves (DR-37).
//
// How: Swift's native Dictionary is one reference to a single heap object that holds its bitmap, keys
// and values (tail-allocated, bucketCount of each), and nothing touches the key and value areas before
// the first insert. The advice covers, from that object's address, no more bytes than its keys and values
// alone take, so it never reaches past the allocation. It is only advice: it changes no byte of memory,
// and if the layout were ever different the call would at worst fail or advise pages that are not ours,
// which only affects how they are backed. Failures are ignored.

#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#endif

enum HugePages {
    /// Tables smaller than this stay on ordinary pages (a huge page is 2 MiB; small ledgers gain nothing).
    static let minimumBytes = 8 << 20

    /// Advises huge pages for `dictionary`'s storage. Call right after `reserveCapacity`, before inserting.
    static func advise<Key, Value>(_ dictionary: inout [Key: Value]) {
        #if os(Linux)
        guard MemoryLayout<[Key: Value]>.size == MemoryLayout<UInt>.size else { return }
        // Buckets are a power of two filled to at most 3/4, so there are at least capacity * 4/3 of them.
        let buckets = dictionary.capacity / 3 * 4
        let bytes = buckets * (MemoryLayout<Key>.stride + MemoryLayout<Value>.stride)
        guard bytes >= minimumBytes else { return }
        let address = withUnsafeBytes(of: &dictionary) { $0.load(as: UInt.self) }
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        guard address != 0, page > 0 else { return }
        let start = (address + page - 1) / page * page, end = (address + UInt(bytes)) / page * page
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, Int(end - start), MADV_HUGEPAGE)
        #endif
    }
}
