import SubledgerCore
import Testing

/// Money, Quantity and UnitPrice: exact parsing and printing, named rounding, and the D10 share rule.
struct FixedPointTests {
    // MARK: - Parsing

    @Test(arguments: [
        ("12.50", Int64(1250)),
        ("-3", -300),
        ("+0.33", 33),
        ("0", 0),
        ("-0", 0),
        ("0.01", 1),
        ("-0.01", -1),
        ("1.5", 150),
        // Trailing zeros beyond the scale carry no information: still exact.
        ("1.50000", 150),
        ("12.5000000000", 1250),
        ("007.10", 710),
        ("92233720368547758.07", Int64.max),
    ])
    func moneyParsesExactly(text: String, cents: Int64) throws {
        let money = try Money(parsing: text)
        #expect(money.units == cents, "Money(\(text))")
        #expect(money.cents == cents)
    }

    @Test(arguments: [
        ("1", Int64(10_000)),
        ("0.0001", 1),
        ("-2.5", -25_000),
        ("+12.3456", 123_456),
        ("3.450000", 34_500),
    ])
    func quantityAndPriceParseExactly(text: String, units: Int64) throws {
        #expect(try Quantity(parsing: text).units == units)
        #expect(try UnitPrice(parsing: text).units == units)
    }

    @Test(arguments: ["1.005", "0.001", "-3.999", "12.501", "1.0000001"])
    func moneyRejectsMoreThanTwoDecimals(text: String) {
        #expect(throws: NumberError.tooManyDecimals(allowed: 2)) { try Money(parsing: text) }
    }

    @Test(arguments: ["1.00001", "0.12345", "-7.00005"])
    func quantityAndPriceRejectMoreThanFourDecimals(text: String) {
        #expect(throws: NumberError.tooManyDecimals(allowed: 4)) { try Quantity(parsing: text) }
        #expect(throws: NumberError.tooManyDecimals(allowed: 4)) { try UnitPrice(parsing: text) }
    }

    @Test(arguments: [
        "12abc", "", ".", "1.", "e5", " 1", "1 ", "-", "+", "1.2.3", "--1", "+-1", "1,50", "abc",
        "0x10", "1_000", "\u{0661}",
    ])
    func malformedTextIsRejected(text: String) {
        #expect(throws: NumberError.malformed) { try Money(parsing: text) }
        #expect(throws: NumberError.malformed) { try Quantity(parsing: text) }
        #expect(throws: NumberError.malformed) { try UnitPrice(parsing: text) }
    }

    @Test(arguments: [
        "92233720368547758.08",  // Int64.max + 1 cent
        "92233720368547759",  // fits as digits, overflows when scaled to cents
        "99999999999999999999",  // overflows while reading digits
        "-99999999999999999999.99",
        "100000000000000000000000000000",
    ])
    func moneyOverflowIsOutOfRange(text: String) {
        #expect(throws: NumberError.outOfRange) { try Money(parsing: text) }
    }

    @Test(arguments: ["922337203685478", "-922337203685478", "1000000000000000"])
    func quantityOverflowIsOutOfRange(text: String) {
        // Quantity has 4 decimals: 922,337,203,685,477.5807 is the largest value.
        #expect(throws: NumberError.outOfRange) { try Quantity(parsing: text) }
        #expect(throws: NumberError.outOfRange) { try UnitPrice(parsing: text) }
    }

    @Test func largestQuantityParses() throws {
        #expect(try Quantity(parsing: "922337203685477.5807").units == Int64.max)
        #expect(try Quantity(parsing: "-922337203685477.5807").units == -Int64.max)
    }

    @Test func substringParsingUsesOnlyTheSlice() throws {
        let text = "qty=12.50;"
        let slice = text.dropFirst(4).dropLast()
        #expect(try Money(parsing: slice) == Money(cents: 1250))
    }

    // MARK: - Formatting

    @Test(arguments: [
        (Int64(1250), "12.50"),
        (-300, "-3.00"),
        (33, "0.33"),
        (-5, "-0.05"),
        (0, "0.00"),
        (100, "1.00"),
        (Int64.max, "92233720368547758.07"),
        (-Int64.max, "-92233720368547758.07"),
    ])
    func moneyDescriptionHasTwoDecimals(cents: Int64, text: String) {
        #expect(Money(cents: cents).description == text)
    }

    @Test func quantityAndPriceDescriptionHaveFourDecimals() {
        #expect(Quantity(whole: 5).description == "5.0000")
        #expect(Quantity(units: -1).description == "-0.0001")
        #expect(UnitPrice(units: 916_667).description == "91.6667")
    }

    @Test func formattedDropsOnlyTrailingZerosBeyondTheMinimum() {
        #expect(Quantity(whole: 5).formatted(minimumDecimals: 0) == "5")
        #expect(Quantity(units: 15_000).formatted(minimumDecimals: 0) == "1.5")
        #expect(Quantity(units: 15_000).formatted(minimumDecimals: 2) == "1.50")
        #expect(Quantity(units: 10_001).formatted(minimumDecimals: 0) == "1.0001")
        #expect(Quantity(units: -25_000).formatted(minimumDecimals: 0) == "-2.5")
        #expect(Money(cents: 1200).formatted(minimumDecimals: 0) == "12")
        #expect(Money(cents: 1250).formatted(minimumDecimals: 0) == "12.5")
        #expect(UnitPrice(units: 0).formatted(minimumDecimals: 0) == "0")
    }

    @Test(arguments: [
        Int64(0), 1, -1, 9, 10, 99, 100, 101, 1250, -1250, 123_456_789, -987_654_321,
        Int64.max, -Int64.max,
    ])
    func descriptionRoundTrips(units: Int64) throws {
        #expect(try Money(parsing: Money(units: units).description).units == units)
        #expect(try Quantity(parsing: Quantity(units: units).description).units == units)
        #expect(try UnitPrice(parsing: UnitPrice(units: units).description).units == units)
        #expect(try Quantity(parsing: Quantity(units: units).formatted(minimumDecimals: 0)).units == units)
    }

    // MARK: - Arithmetic

    @Test func arithmeticIsExact() throws {
        let a = try Money(parsing: "0.10"), b = try Money(parsing: "0.20")
        #expect(a + b == (try Money(parsing: "0.30")))
        #expect(a - b == (try Money(parsing: "-0.10")))
        #expect(-a == Money(cents: -10))
        #expect((-a).magnitude == a)
        var c = a
        c += b
        c -= a
        #expect(c == b)
        #expect(a < b)
        #expect(Money.zero.isZero && !Money.zero.isPositive && !Money.zero.isNegative)
        #expect(Money.one.units == 100)
        #expect(Quantity.one.units == 10_000)
        #expect(Money(cents: -1).isNegative)
    }

    // MARK: - Rounding

    @Test(arguments: [
        // (numerator, denominator, halfAwayFromZero, towardZero)
        (Int128(5), Int128(10), Int128(1), Int128(0)),
        (-5, 10, -1, 0),
        (15, 10, 2, 1),
        (-15, 10, -2, -1),
        (25, 10, 3, 2),
        (-25, 10, -3, -2),
        (14, 10, 1, 1),
        (-14, 10, -1, -1),
        (16, 10, 2, 1),
        (-16, 10, -2, -1),
        (5, -10, -1, 0),
        (-5, -10, 1, 0),
        (1, 3, 0, 0),
        (2, 3, 1, 0),
        (-2, 3, -1, 0),
        (30, 10, 3, 3),
        (0, 7, 0, 0),
    ])
    func roundingDivides(numerator: Int128, denominator: Int128, half: Int128, toward: Int128) {
        #expect(
            Rounding.halfAwayFromZero.divide(numerator, by: denominator) == half,
            "\(numerator)/\(denominator) half away from zero")
        #expect(
            Rounding.towardZero.divide(numerator, by: denominator) == toward,
            "\(numerator)/\(denominator) toward zero")
    }

    @Test func rescalingToCentsRoundsHalvesAwayFromZero() throws {
        #expect(try UnitPrice(parsing: "0.005").rescaled(to: Money.self, .halfAwayFromZero) == Money(cents: 1))
        #expect(try UnitPrice(parsing: "-0.005").rescaled(to: Money.self, .halfAwayFromZero) == Money(cents: -1))
        #expect(try UnitPrice(parsing: "0.0049").rescaled(to: Money.self, .halfAwayFromZero) == Money(cents: 0))
        #expect(try UnitPrice(parsing: "-0.0049").rescaled(to: Money.self, .halfAwayFromZero) == Money(cents: 0))
        #expect(try UnitPrice(parsing: "2.345").rescaled(to: Money.self, .halfAwayFromZero) == Money(cents: 235))
        #expect(try UnitPrice(parsing: "-2.345").rescaled(to: Money.self, .halfAwayFromZero) == Money(cents: -235))
        #expect(try UnitPrice(parsing: "-2.345").rescaled(to: Money.self, .towardZero) == Money(cents: -234))
        // Widening never rounds.
        #expect(try Money(parsing: "12.34").rescaled(to: UnitPrice.self, .towardZero) == UnitPrice(units: 123_400))
    }

    // MARK: - Amounts and shares (D10)

    @Test func shareUsesTheUnroundedAverage() throws {
        // 5 x 1375.00 / 15 = 458.333.. -> 458.33, never 5 x 91.67 = 458.35.
        let five = Quantity(whole: 5), fifteen = Quantity(whole: 15)
        let value = try Money(parsing: "1375.00")
        #expect(five.share(of: value, outOf: fifteen) == (try Money(parsing: "458.33")))
        #expect(five.amount(at: try UnitPrice(parsing: "91.67")) == (try Money(parsing: "458.35")))
        // The rest stays on the remaining stock: value is conserved to the cent.
        #expect(value - five.share(of: value, outOf: fifteen) == (try Money(parsing: "916.67")))
    }

    @Test func axaptaTrainingExample() throws {
        // 11 x 560.00 / 26 = 236.923.. -> 236.92, leaving 323.08 (not 11 x 21.54 = 236.94).
        let issued = Quantity(whole: 11).share(of: try Money(parsing: "560.00"), outOf: Quantity(whole: 26))
        #expect(issued == (try Money(parsing: "236.92")))
        #expect((try Money(parsing: "560.00")) - issued == (try Money(parsing: "323.08")))
        #expect(Quantity(whole: 11).amount(at: try UnitPrice(parsing: "21.54")) == (try Money(parsing: "236.94")))
    }

    @Test func shareRoundsHalvesAwayFromZero() throws {
        // 1 x 0.01 / 2 = 0.005 -> 0.01; negative values mirror.
        #expect(Quantity(whole: 1).share(of: Money(cents: 1), outOf: Quantity(whole: 2)) == Money(cents: 1))
        #expect(Quantity(whole: 1).share(of: Money(cents: -1), outOf: Quantity(whole: 2)) == Money(cents: -1))
        #expect(Quantity(whole: 1).share(of: Money(cents: 3), outOf: Quantity(whole: 4)) == Money(cents: 1))
        #expect(Quantity(whole: 1).share(of: Money(cents: 1), outOf: Quantity(whole: 3)) == Money(cents: 0))
        // The whole share is the whole value.
        #expect(Quantity(whole: 7).share(of: Money(cents: 1001), outOf: Quantity(whole: 7)) == Money(cents: 1001))
        // Shares of a negative pool (moving average below zero) are positive magnitudes.
        #expect(Quantity(whole: 2).share(of: Money(cents: -1000), outOf: Quantity(whole: -4)) == Money(cents: 500))
        // Fractional quantities.
        #expect(
            try Quantity(parsing: "0.5").share(of: Money(cents: 1001), outOf: Quantity(whole: 1)) == Money(cents: 501))
    }

    @Test func shareDoesNotOverflowOnLargeIntermediates() throws {
        // 900,000,000 units of a 9,000,000,000.00 value: the product needs Int128.
        let quantity = try Quantity(parsing: "900000000")
        let value = try Money(parsing: "9000000000.00")
        #expect(quantity.share(of: value, outOf: quantity) == value)
        #expect(
            try Quantity(parsing: "300000000").share(of: value, outOf: quantity)
                == (try Money(parsing: "3000000000.00")))
    }

    @Test(arguments: [
        ("3", "12.3456", "37.04"),  // 37.0368
        ("0.5", "0.01", "0.01"),  // 0.005 -> 0.01
        ("0.0005", "10", "0.01"),  // 0.005 -> 0.01
        ("0.0004", "10", "0.00"),  // 0.004
        ("-0.5", "0.01", "-0.01"),  // -0.005 -> -0.01
        ("10", "1000", "10000.00"),
        ("1.5", "2.3333", "3.50"),  // 3.49995 -> 3.50
        ("1.5", "2.3332", "3.50"),  // 3.4998
        ("1.5", "2.3330", "3.50"),  // 3.4995 -> 3.50
        ("1.5", "2.3329", "3.50"),  // 3.49935
        ("1.5", "2.3296", "3.49"),  // 3.4944
    ])
    func amountAtPriceRoundsOnce(quantity: String, price: String, expected: String) throws {
        let amount = try Quantity(parsing: quantity).amount(at: try UnitPrice(parsing: price))
        #expect(amount == (try Money(parsing: expected)), "\(quantity) x \(price)")
    }

    @Test func amountTowardZeroTruncates() throws {
        #expect(try Quantity(parsing: "0.5").amount(at: try UnitPrice(parsing: "0.01"), .towardZero) == .zero)
        #expect(
            try Quantity(parsing: "3").amount(at: try UnitPrice(parsing: "12.3456"), .towardZero)
                == (try Money(parsing: "37.03")))
    }

    @Test(arguments: [
        ("1375.00", "15", "91.6667"),
        ("10.00", "3", "3.3333"),
        ("-10.00", "3", "-3.3333"),
        ("2.00", "3", "0.6667"),
        ("-2.00", "3", "-0.6667"),
        ("0.01", "8", "0.0013"),  // 0.00125 -> 0.0013
        ("-0.01", "8", "-0.0013"),
        ("0.01", "0.0002", "50"),
        ("560.00", "26", "21.5385"),
        ("100.00", "1", "100"),
        ("0.00", "7", "0"),
    ])
    func perUnitRoundsToFourDecimals(money: String, quantity: String, expected: String) throws {
        let price = try Money(parsing: money).perUnit(try Quantity(parsing: quantity))
        #expect(price == (try UnitPrice(parsing: expected)), "\(money) / \(quantity)")
    }

    @Test func perUnitTowardZero() throws {
        #expect(try Money(parsing: "2.00").perUnit(try Quantity(parsing: "3"), .towardZero) == UnitPrice(units: 6666))
    }
}
