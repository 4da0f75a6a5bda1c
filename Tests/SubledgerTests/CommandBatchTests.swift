// The reader's batch hands each command out once, in the order put in, and frees what was not taken (the
// caller stopped early: a failing body, a refused line).

import Testing

@testable import Subledger
@testable import SubledgerCore

struct CommandBatchTests {
    static func command(_ index: Int) -> LedgerCommand {
        .issue(
            .init(
                date: LedgerDate(yyyymmdd: 2026_02_01)!, item: "ITEM-\(index)-" + String(repeating: "x", count: 40),
                transaction: "T\(index)", quantity: Quantity(units: Int64(index + 1))))
    }

    @Test func commandsComeOutOnceInTheOrderTheyWentIn() {
        let batch = CommandBatch(capacity: 5)
        for index in 0..<5 {
            batch.append(Self.command(index))
            #expect(batch.last.pointee == Self.command(index))
        }
        #expect(batch.isFull && batch.count == 5)
        for index in 0..<5 {
            #expect(batch.takeNext() == Self.command(index))
            #expect(batch.taken == index + 1)
        }
    }

    @Test func aBatchLeftPartlyTakenOrUntakenIsFreedWithItsCommands() {
        for taken in 0...3 {
            var batch: CommandBatch? = CommandBatch(capacity: 4)
            for index in 0..<3 { batch!.append(Self.command(index)) }
            for index in 0..<taken where index < 3 { #expect(batch!.takeNext() == Self.command(index)) }
            #expect(batch!.taken == min(taken, 3))
            batch = nil  // deinitializes only the commands not taken: a moved one destroyed again would crash
        }
    }
}
