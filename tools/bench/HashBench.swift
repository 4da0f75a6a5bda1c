// `--hash N`: the time of one chained event hash, as the log computes it on every append and read:
// SHA-256 over the previous hash, the canonical header and the payload (EventHash.swift), each digest
// chained into the next. Sizes are the 1M benchmark ledger's averages (13-byte type, 39-byte command id,
// 50-byte payload: 170 bytes, three SHA-256 blocks). Prints each of five rounds and the median.

import SubledgerStore

enum HashBench {
    static func run(hashes: Int) {
        let header = [UInt8](repeating: 0x41, count: 36 + 13 + 39)
        var payload = [UInt8](repeating: 0x5A, count: 50)
        var perHash: [Double] = []
        for round in 1...5 {
            var previous = SHA256.Digest.zero
            let t0 = monotonicSeconds()
            for index in 0..<hashes {
                payload[0] = UInt8(truncatingIfNeeded: index)
                var hasher = SHA256()
                previous.withUnsafeBytes { hasher.update($0) }
                header.withUnsafeBytes { hasher.update($0) }
                payload.withUnsafeBytes { hasher.update($0) }
                previous = hasher.finalize()
            }
            perHash.append((monotonicSeconds() - t0) / Double(hashes) * 1e6)
            print("  hash round \(round): \(format(perHash.last!, 3)) us per chained event hash (\(previous))")
        }
        print("  hash median \(format(median(perHash), 3)) us per chained event hash")
    }
}
