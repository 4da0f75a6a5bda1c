// The canonical content written into raw memory (`withContent`, what the content hasher hashes) is the same
// bytes `encodeContent` appends to a `PayloadWriter`: for every command kind, integers at the varints' byte
// boundaries, empty, non-ASCII and long strings, and contents that fit the stack buffer, just fill it, or
// need the heap.

import Testing

@testable import SubledgerCore

struct ContentBytesTests {
    static let day = LedgerDate(yyyymmdd: 2026_02_28)!

    /// The reference: the content through `PayloadWriter`.
    static func reference(_ command: LedgerCommand) -> [UInt8] {
        var writer = PayloadWriter()
        command.encodeContent(into: &writer)
        return writer.bytes
    }

    /// What `withContent` gives after `headroom` bytes the body fills, and the headroom as the body left it.
    static func raw(_ command: LedgerCommand, headroom: Int) -> (head: [UInt8], content: [UInt8]) {
        var result: ([UInt8], [UInt8]) = ([], [])
        var calls = 0
        command.withContent(headroom: headroom) { bytes in
            calls += 1
            for index in 0..<headroom { bytes[index] = UInt8(index + 1) }
            result = (Array(bytes[0..<headroom]), Array(bytes[headroom...]))
        }
        #expect(calls == 1)
        return result
    }

    static let units: [Int64] = [0, 1, -1, 63, -64, 64, -65, 8_191, 8_192, -8_193, 1 << 40, .max, .min]
    static let names = [
        "", "A", "I446", "Ünïcødé-ß", String(repeating: "x", count: 127), String(repeating: "y", count: 128),
    ]

    static func commands(unit: Int64, name: String) -> [LedgerCommand] {
        let q = Quantity(units: unit), p = UnitPrice(units: unit)
        let dims = DimensionValues(site: name, warehouse: "W1", batch: "", serial: name)
        return [
            .defineItem(ItemSetup(id: name, model: .fifo, defaultPrice: p, postingGroup: name)),
            .defineItem(ItemSetup(id: "I", model: .lifoDate, standardCost: p, fixedReceiptPrice: true)),
            .setAccounts(group: name, accounts: PostingType.allCases.reversed().map { .init($0, name + "1") }),
            .receive(.init(date: day, item: name, transaction: "R1", quantity: q, unitPrice: p, dimensions: dims)),
            .issue(.init(date: day, item: "I", transaction: name, quantity: q, physicalOnly: true, kind: .journal)),
            .invoice(.init(date: day, transaction: name)),
            .invoice(.init(date: day, transaction: "R1", quantity: q, unitPrice: p)),
            .mark(.init(date: day, issue: name, receipt: "R1", quantity: q)),
            .transfer(.init(date: day, item: "I", transaction: name, quantity: q, from: dims, to: .none)),
            .activateStandardCost(.init(date: day, item: name, unitCost: p)),
            .revalue(.init(date: day, item: name, unitCost: p, dimensions: dims)),
            .adjust(.init(date: day, transaction: name, amount: Money(units: unit))),
            .close(day), .recalculate(day),
            .reverseClose(date: nil, through: nil), .reverseClose(date: day, through: day),
        ]
    }

    @Test func everyKindIsTheSameBytesAsThroughThePayloadWriter() {
        var compared = 0
        for unit in Self.units {
            for name in Self.names {
                for command in Self.commands(unit: unit, name: name) {
                    for headroom in [0, 4] {
                        let (head, content) = Self.raw(command, headroom: headroom)
                        #expect(content == Self.reference(command), "\(command)")
                        #expect(head == (0..<headroom).map { UInt8($0 + 1) })
                        compared += 1
                    }
                }
            }
        }
        #expect(compared == Self.units.count * Self.names.count * 16 * 2)
    }

    /// Contents one byte short of the stack buffer, filling it, one over, and far over (the heap path).
    @Test(arguments: [-1, 0, 1, 3_000])
    func aContentAtOrPastTheStackBufferIsWrittenWhole(over: Int) {
        let headroom = 4
        let item = { (id: String) in LedgerCommand.defineItem(ItemSetup(id: id, model: .fifo)) }
        let empty = Self.reference(item("")).count  // every byte but the id's, its count one byte
        let target = LedgerCommand.contentStackBytes - headroom + over
        var length = target - empty
        if length >= 128 { length -= 1 }  // from 128 on, the id's count takes two bytes
        let command = item(String(repeating: "z", count: length))
        let (_, content) = Self.raw(command, headroom: headroom)
        #expect(content == Self.reference(command))
        #expect(content.count == target)
    }
}
