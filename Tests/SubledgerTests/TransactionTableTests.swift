import Testing

@testable import SubledgerCore

/// The projection's transaction table (DR-33): a dictionary's answers from a dense array of records.
struct TransactionTableTests {
    static func record(_ id: String, sequence: Int64) -> TransactionRecord {
        TransactionRecord(
            id: id, sequence: sequence, item: "A", kind: .receipt(.purchase), dimensions: DimensionValues(),
            date: LedgerDate(year: 2026, month: 1, day: 1)!, financialDate: nil, quantity: Quantity(units: 1_000_000),
            unitPrice: .zero, costSource: .receiptPrice, postedAccounts: -1)
    }

    @Test func removingMovesTheLastRecordIntoThePlaceAndKeepsEveryLookup() {
        var table = TransactionTable()
        for n in 1...5 { table["T\(n)"] = Self.record("T\(n)", sequence: Int64(n)) }
        #expect(table.removeValue(forKey: "T2")?.sequence == 2)
        #expect(table.keys == ["T1", "T5", "T3", "T4"])
        for n in [1, 3, 4, 5] {
            #expect(table["T\(n)"]?.sequence == Int64(n))
            #expect(table.index(forKey: "T\(n)").map { table.values[$0].id } == "T\(n)")
        }
        #expect(table["T2"] == nil && table.count == 4)
        table["T4"] = nil
        table["T5"] = Self.record("T5", sequence: 50)
        #expect(table.keys == ["T1", "T5", "T3"] && table["T5"]?.sequence == 50)
        #expect(table.removeValue(forKey: "T9") == nil)
    }

    @Test func smallReservationsDoNotReallocateEachTime() {
        var table = TransactionTable(), capacities = Set<Int>()
        for n in 1...2_000 {
            table.reserveCapacity(table.count + 1)  // a catch-up of one event
            table["T\(n)"] = Self.record("T\(n)", sequence: Int64(n))
            capacities.insert(table.values.capacity)
        }
        #expect(capacities.count < 20)
    }

    @Test func equalityIgnoresOrderButNotKeys() {
        var a = TransactionTable(), b = TransactionTable()
        for n in 1...3 { a["T\(n)"] = Self.record("T\(n)", sequence: Int64(n)) }
        for n in [3, 1, 2] { b["T\(n)"] = Self.record("T\(n)", sequence: Int64(n)) }
        #expect(a == b)
        b["T3"] = nil
        b["X3"] = Self.record("T3", sequence: 3)  // the same record under another key
        #expect(a != b)
    }
}
