// The chain hash gathered into one update (DR-70) is SHA-256 over exactly the bytes EventHash.swift lays
// out, written here the plain way, for payloads that fit the gathered buffer, fill it, and spill past it.

import Testing

@testable import SubledgerStore

struct EventHashTests {
    /// previous || sequence || date || type length || type || version || id length || id || time || payload
    static func plain(previous: SHA256.Digest, type: [UInt8], commandID: [UInt8], payload: [UInt8]) -> SHA256.Digest {
        var bytes = previous.bytes
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.bigEndian) { bytes += $0 } }
        put(Int64(123_456_789_012)); put(Int32(2026_02_28))
        put(UInt32(type.count)); bytes += type
        put(Int32(3))
        put(UInt32(commandID.count)); bytes += commandID
        put(Int64(-1_700_000_000_123))
        put(UInt32(payload.count)); bytes += payload
        return SHA256.hash(bytes)
    }

    static func computed(
        previous: SHA256.Digest, type: [UInt8], commandID: [UInt8], payload: [UInt8]
    ) -> SHA256.Digest {
        type.withUnsafeBytes { type in
            commandID.withUnsafeBytes { id in
                payload.withUnsafeBytes { payload in
                    EventHash.compute(
                        previous: previous, sequence: 123_456_789_012, businessDate: 2026_02_28, type: type,
                        version: 3, commandID: id, recordedAt: -1_700_000_000_123, payload: payload)
                }
            }
        }
    }

    @Test func everyPayloadSizeAroundTheGatheredBufferHashesTheDocumentedBytes() {
        let previous = SHA256.hash(Array("previous".utf8))
        let type = Array("receipt.posted".utf8), commandID = Array("import-α".utf8)
        let header = 32 + EventHash.fixedBytes + type.count + commandID.count
        let limit = EventHash.gatheredBytes - header
        var sizes = Array(0...130) + Array((limit - 70)...(limit + 70)) + [4_096, 70_000]
        sizes.sort()
        for size in sizes {
            let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            #expect(
                Self.computed(previous: previous, type: type, commandID: commandID, payload: payload)
                    == Self.plain(previous: previous, type: type, commandID: commandID, payload: payload),
                "payload of \(size) bytes")
        }
    }

    @Test func aLongTypeOrCommandIDSpillsThePayloadAndStillHashesTheDocumentedBytes() {
        let long = [UInt8](repeating: 0x61, count: 600)
        for (type, id) in [(long, [UInt8]()), ([UInt8](), long), (Array("t".utf8), Array("c".utf8))] {
            let payload: [UInt8] = [1, 2, 255]
            #expect(
                Self.computed(previous: .zero, type: type, commandID: id, payload: payload)
                    == Self.plain(previous: .zero, type: type, commandID: id, payload: payload))
        }
    }
}
