import Testing

@testable import SubledgerCore

/// `NameMemo` (DR-59): what the fold asks about items without a keyed hash. In `NameHashTests`' serialized
/// suite because the memo reads names' words, which a test there turns off for the process while it runs.
extension NameHashTests {
    @Test func aMemoAnswersWhatItWasToldOrNothing() {
        var memo = NameMemo()
        #expect(memo.value("I1") == nil && memo.capacity == 0)
        let names = (0..<1_000).map { "I\($0)" }
        for (index, name) in names.enumerated() { memo.remember(name, UInt8(index % 16)) }
        var remembered = 0
        for (index, name) in names.enumerated() {
            guard let value = memo.value(name) else { continue }
            #expect(value == UInt8(index % 16), "\(name)")
            remembered += 1
        }
        // At most half the slots in use and eight probes: nearly every name finds a place.
        #expect(remembered == memo.count && remembered >= 990 && 2 * memo.count <= memo.capacity)
        // Names it was not told, and names it never holds (heap, long, non-ASCII): ask the keyed table.
        for name in ["I1000", "i1", Self.native("I1"), "an-item-id-of-20-bytes", "\u{212A}", "I\u{308}1"] {
            #expect(memo.value(name) == nil, "\(name.debugDescription)")
        }
        memo.remember("I7", 15)
        #expect(memo.value("I7") == 15)
        memo.removeAll()
        #expect(memo.count == 0 && names.allSatisfy { memo.value($0) == nil })
    }

    /// The memo's mix is not keyed, so names sharing a first slot are easy to make. They cost at most
    /// `probes` compares: the memo keeps the first few and sends the others to the keyed table, where they
    /// do not cluster.
    @Test func namesCraftedToShareASlotAreNotProbedFarther() {
        let slot = { (name: String) in NameMemo.home(SmallName.words(name)!) & 4_095 }
        let target = slot("C0")
        var crafted: [String] = []
        var number = 0
        while crafted.count < 48 {
            if slot("C\(number)") == target { crafted.append("C\(number)") }
            number += 1
        }
        var memo = NameMemo()
        for name in crafted { memo.remember(name, 3) }
        #expect(memo.count == NameMemo.probes && memo.capacity == 64)
        #expect(crafted.filter { memo.value($0) == 3 }.count == NameMemo.probes)
        #expect(crafted.allSatisfy { memo.value($0) == nil || memo.value($0) == 3 })
        #expect(Set(crafted.map { NameHash.hash($0, seed: 5) }).count == crafted.count)
        var table: [NameKey: Int] = [:]
        for (index, name) in crafted.enumerated() { table[NameKey(name)] = index }
        #expect(crafted.enumerated().allSatisfy { table[NameKey($1)] == $0 })
    }

    /// The fold's memo of items' tracked dimensions follows every change of `items`, and a name it does not
    /// hold (an equivalent spelling, an unknown item) is answered from `items`.
    @Test func theFoldsItemMemoFollowsItemChanges() throws {
        var state = LedgerState()
        let values = DimensionValues(site: "S1", warehouse: "W1", batch: "B1")
        state.items["I1"] = ItemSetup(id: "I1", model: .fifo)
        #expect(try state.definedPoolKey(item: "I1", values) == PoolKey(item: "I1", dimensions: .init(site: "S1")))
        #expect(try state.definedPoolKey(item: "I1", values).dimensions.warehouse == "")  // from the memo
        state.items["I1"]?.dimensions = DimensionSet([.site, .warehouse])
        #expect(try state.definedPoolKey(item: "I1", values).dimensions == .init(site: "S1", warehouse: "W1"))
        state.items["K"] = ItemSetup(id: "K", model: .fifo, dimensions: DimensionSet([.site, .batch]))
        #expect(try state.definedPoolKey(item: "\u{212A}", values).dimensions == .init(site: "S1", batch: "B1"))
        #expect(try state.definedPoolKey(item: "K", values).dimensions == .init(site: "S1", batch: "B1"))
        #expect(throws: FoldFailure.self) { try state.definedPoolKey(item: "I2", values) }
    }
}
