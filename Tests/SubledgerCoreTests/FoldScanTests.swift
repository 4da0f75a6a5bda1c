import Testing

@testable import SubledgerCore

/// DR-65: the GL's recent accounts and the account sets' recent patterns are compared by a small name's
/// words read in place, and the range check keeps the first event's lines as they are. A cache may miss
/// (the table answers then) but never answer for a different name; the postings are seen in posting order.
/// Each expectation holds with the word path on or off (`NameHashTests` turns it off for a while).
struct FoldScanTests {
    static let long = "an-account-name-longer-than-fifteen-bytes"

    @Test func recentNamesAnswerOnlyForEqualNames() {
        var recent = RecentNames()
        recent.remember("1300", slot: 0)
        recent.remember(Self.long, slot: 1)
        recent.remember("\u{212A}9", slot: 2)  // Kelvin sign: equal to "K9", not small ASCII
        #expect(recent.slot(of: "1300") == 0)
        #expect(recent.slot(of: String(Self.long.utf8.map { Character(UnicodeScalar($0)) })) == 1)
        #expect(recent.slot(of: "1301") == nil)
        #expect(recent.slot(of: "\u{212A}9") == 2)
        // The small spelling may miss (the GL's index answers then), never find another slot.
        let small = recent.slot(of: "K9")
        #expect(small == nil || small == 2)
        for slot in 3..<11 { recent.remember("A\(slot)", slot: slot) }
        #expect(recent.slot(of: "1300") == nil, "the oldest is forgotten beyond eight")
        #expect(recent.slot(of: "A10") == 10 && recent.slot(of: "A3") == 3)
    }

    @Test func accountSetsInternEqualPatternsAlike() {
        var sets = AccountSets()
        let lines = [VoucherLine(.inventory, "1300", Money(units: 5)), VoucherLine(.payable, "2000", Money(units: -5))]
        let first = sets.intern(lines)
        #expect(sets.intern(lines) == first)
        var other = lines
        other[1].account = "2001"
        let second = sets.intern(other)
        #expect(second != first && sets.intern(lines) == first && sets.intern(other) == second)
        var kelvin = lines
        kelvin[0].account = "\u{212A}1"
        var small = lines
        small[0].account = "K1"
        #expect(sets.intern(kelvin) == sets.intern(small), "canonically equal accounts are one set")
        #expect(sets.intern(small) != first)
        #expect(sets[first][.payable] == "2000" && sets[second][.payable] == "2001")
    }

    @Test func producedPostingsKeepOrderAcrossEvents() throws {
        var postings = ProducedPostings()
        postings.add([], day: 1)  // an event without lines takes no place
        postings.add(Self.pair("X", "Y", 5), day: 2)
        postings.add(Self.pair("Y", "Z", 3), day: 3)
        postings.add(Self.pair("X", "Z", 1), day: 4)
        var accounts: [String] = []
        try postings.forEachAccount { account throws(Rejection) in accounts.append(account) }
        #expect(accounts == ["X", "Y", "Z"])
        var seen: [(Int32, Int128)] = []
        postings.forEach(to: "Y") { day, amount in seen.append((day, amount)) }
        #expect(seen.map(\.0) == [2, 3] && seen.map(\.1) == [-5, 3])
        seen = []
        postings.forEach(to: "Z") { day, amount in seen.append((day, amount)) }
        #expect(seen.map(\.0) == [3, 4] && seen.map(\.1) == [-3, -1])
    }

    /// A debit of `amount` on `debit` and its credit on `credit`.
    static func pair(_ debit: String, _ credit: String, _ amount: Int64) -> [VoucherLine] {
        [VoucherLine(.inventory, debit, Money(units: amount)), VoucherLine(.payable, credit, Money(units: -amount))]
    }

    /// The balance check adds every event's postings to an account, the first event's and the later ones'.
    @Test func theBalanceCheckSumsEveryEventsPostings() throws {
        var ledger = GeneralLedger()
        let near = Limits.maximumMoney.units - 10
        try ledger.post(Self.pair("X", "Y", near), on: try #require(LedgerDate(yyyymmdd: 20260102)))
        var postings = ProducedPostings()
        postings.add(Self.pair("X", "Y", 6), day: 20260103)
        #expect(ledger.balanceOutOfRange("X", adding: postings) == nil)
        postings.add(Self.pair("X", "Z", 6), day: 20260103)
        #expect(ledger.balanceOutOfRange("X", adding: postings) == Int128(near) + 12)
        #expect(ledger.balanceOutOfRange("Y", adding: postings) == nil)
        #expect(ledger.balanceOutOfRange("Z", adding: postings) == nil)
    }
}
