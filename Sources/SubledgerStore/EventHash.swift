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

    /// Up to this many bytes (previous hash, header and payload) are gathered on the stack and hashed in
    /// one update; a longer event hashes its payload from where it lies, in a second update.
    static let gatheredBytes = 512

    static func compute(
        previous: SHA256.Digest, sequence: Int64, businessDate: Int32,
        type: UnsafeRawBufferPointer, version: Int32, commandID: UnsafeRawBufferPointer,
        recordedAt: Int64, payload: UnsafeRawBufferPointer
    ) -> SHA256.Digest {
        var hasher = SHA256()
        // One update per event where there were three (previous, header, payload): each update copies into
        // libcrypto's partial block and pays its call and bookkeeping; the bytes hashed are the same (DR-70).
        let headerCount = 32 + fixedBytes + type.count + commandID.count
        let gathers = headerCount + payload.count <= gatheredBytes
        let bufferCount = gathers ? headerCount + payload.count : headerCount
        withUnsafeTemporaryAllocation(byteCount: bufferCount, alignment: 8) { buffer in
            var writer = ByteWriter(base: buffer.baseAddress!)
            previous.withUnsafeBytes { writer.put($0) }
            writer.put(sequence)
            writer.put(businessDate)
            writer.put(UInt32(type.count))
            writer.put(type)
            writer.put(version)
            writer.put(UInt32(commandID.count))
            writer.put(commandID)
            writer.put(recordedAt)
            writer.put(UInt32(payload.count))
            if gathers { writer.put(payload) }
            hasher.update(UnsafeRawBufferPointer(start: buffer.baseAddress, count: writer.offset))
        }
        if !gathers { hasher.update(payload) }
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
