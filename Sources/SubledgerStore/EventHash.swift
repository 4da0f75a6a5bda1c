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
    static func compute(previous: SHA256.Digest, sequence: Int64, businessDate: Int32,
                        type: UnsafeRawBufferPointer, version: Int32, commandID: UnsafeRawBufferPointer,
                        recordedAt: Int64, payload: UnsafeRawBufferPointer) -> SHA256.Digest {
        var hasher = SHA256()
        previous.withUnsafeBytes { hasher.update($0) }
        hasher.update(bigEndian: sequence)
        hasher.update(bigEndian: businessDate)
        hasher.update(bigEndian: UInt32(type.count))
        hasher.update(type)
        hasher.update(bigEndian: version)
        hasher.update(bigEndian: UInt32(commandID.count))
        hasher.update(commandID)
        hasher.update(bigEndian: recordedAt)
        hasher.update(bigEndian: UInt32(payload.count))
        hasher.update(payload)
        return hasher.finalize()
    }
}
