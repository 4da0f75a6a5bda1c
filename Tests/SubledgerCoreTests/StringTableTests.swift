import Testing

@testable import SubledgerCore

/// A `StringTable` gives the String `String(decoding:as:)` makes from the same bytes, whether the bytes
/// were seen before or not, and a payload decodes to the same event with a table as without.
struct StringTableTests {
    static func made(_ table: StringTable, _ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { table.string($0) }
    }

    @Test func theSameStringAsDecodingTheBytes() {
        let table = StringTable()
        var samples: [[UInt8]] = [
            [], Array("I446".utf8), Array("S1".utf8), Array("123456789012345".utf8), Array("1234567890123456".utf8),
            [0xFF, 0x41], [0xC3], Array("Zürich".utf8), [0x41, 0x00, 0x42],
        ]
        // Enough distinct names to collide in the table's slots.
        samples += (0..<20_000).map { Array("I\($0)".utf8) }
        for _ in 0..<2 {
            for bytes in samples {
                #expect(Self.made(table, bytes) == String(decoding: bytes, as: UTF8.self))
            }
        }
    }

    @Test func payloadsDecodeAlikeWithATable() throws {
        let table = StringTable()
        let dimensions = DimensionValues(site: "S1", warehouse: "W-north-0000017")
        let lines = [
            VoucherLine(.inventory, "1400-inventory-x", Money(units: 5)),
            VoucherLine(.payable, "2200", Money(units: -5)),
        ]
        let events: [LedgerEvent] = (0..<3).flatMap { index in
            [
                LedgerEvent.receiptPosted(
                    ReceiptPosted(
                        transaction: "R\(index)", item: "I7", kind: .purchase, dimensions: dimensions,
                        quantity: Quantity(units: 10), unitPrice: UnitPrice(units: 3), physicalOnly: false,
                        inventoryValue: Money(units: 30), offsetValue: Money(units: 30), lines: lines)),
                LedgerEvent.issuePosted(
                    IssuePosted(
                        transaction: "S\(index)", item: "I7", kind: .sale, dimensions: dimensions,
                        quantity: Quantity(units: 1), physicalOnly: false, costAmount: Money(units: 3),
                        costSource: .runningAverage, lines: lines)),
            ]
        }
        for event in events {
            let kind = EventCatalog.kind(of: event)
            let payload = EventCatalog.encode(event)
            let decoded = try payload.withUnsafeBytes { buffer in
                try EventCatalog.decode(kind, version: kind.version, payload: buffer, strings: table)
            }
            #expect(decoded == event)
        }
    }
}
