// EventHash: the hash chain's canonical form of one event. THIS IS A STORAGE CONTRACT: every stored
// hash depends on it, so changing a byte of this layout breaks every existing log's verification.
//
//   hash(n) = SHA-256( hash(n-1) || canonical(n) )        hash(0) = 32 zero bytes
//
//   canonical(n), all integers big-endian, lengths are byte counts:
//     Int64   sequence
//     Int32   business_date          (yyyymmdd)
//     UInt32  length of type, then the type's UTF-8 bytes
//     Int32   version
//     UInt32  length of command_id, then the command id's UTF-8 bytes
//     Int64   recorded_at            (Unix milliseconds, as stored)
//     UInt32  length of payload, then the payload bytes
//
// Every column of `events` except `hash` itself is covered, so changing any byte of a row, or moving a
// row's contents to another sequence, breaks that row's hash and every later one.

enum EventHash {
    /// Bytes of the canonical form before the type and command id (sequence, date, type length).
    static let fixedBytes = 8 + 4 + 4 + 4 + 4 + 8 + 4

    static func compute(
        previous: SHA256.Digest, sequence: Int64, businessDate: Int32,
        type: UnsafeRawBufferPointer, version: Int32, commandID: UnsafeRawBufferPointer,
        recordedAt: Int64, payload: UnsafeRawBufferPointer
    ) -> SHA256.Digest {
        var hasher = SHA256()
        previous.withUnsafeBytes { hasher.update($0) }
        // Everything up to the payload goes through one stack buffer: one update instead of nine.
        let headerCount = fixedBytes + type.count + commandID.count
        withUnsafeTemporaryAllocation(byteCount: headerCount, alignment: 8) { header in
            var writer = ByteWriter(base: header.baseAddress!)
            writer.put(sequence)
            writer.put(businessDate)
            writer.put(UInt32(type.count))
            writer.put(type)
            writer.put(version)
            writer.put(UInt32(commandID.count))
            writer.put(commandID)
            writer.put(recordedAt)
            writer.put(UInt32(payload.count))
            hasher.update(UnsafeRawBufferPointer(start: header.baseAddress, count: writer.offset))
        }
        hasher.update(payload)
        return hasher.finalize()
    }
}

/// Appends big-endian integers and raw bytes to a buffer the caller sized.
private struct ByteWriter {
    let base: UnsafeMutableRawPointer
    var offset = 0

    @inline(__always)
    mutating func put<T: FixedWidthInteger>(_ value: T) {
        base.storeBytes(of: value.bigEndian, toByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
    }

    @inline(__always)
    mutating func put(_ bytes: UnsafeRawBufferPointer) {
        if let source = bytes.baseAddress, bytes.count > 0 {
            (base + offset).copyMemory(from: source, byteCount: bytes.count)
        }
        offset += bytes.count
    }
}
