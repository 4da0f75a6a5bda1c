import SubledgerCore
import Testing

/// Business dates: exact `YYYY-MM-DD`, a real calendar (leap years), integer order is date order.
struct DateTests {
    @Test(arguments: [
        ("2024-02-29", Int32(2024_02_29)),  // leap year
        ("2000-02-29", 2000_02_29),  // divisible by 400
        ("2026-02-28", 2026_02_28),
        ("2026-01-31", 2026_01_31),
        ("2026-04-30", 2026_04_30),
        ("2026-12-31", 2026_12_31),
        ("0001-01-01", 1_01_01),
        ("9999-12-31", 9999_12_31),
    ])
    func validCalendarDates(text: String, yyyymmdd: Int32) throws {
        let date = try #require(LedgerDate(text), "\(text) should be a date")
        #expect(date.yyyymmdd == yyyymmdd)
        #expect(date.description == text)
        #expect(LedgerDate(yyyymmdd: yyyymmdd) == date)
    }

    @Test(arguments: [
        "2026-02-29",  // not a leap year
        "1900-02-29",  // century, not divisible by 400
        "2026-13-01",  // month 13
        "2026-00-10",  // month 0
        "2026-01-00",  // day 0
        "2026-01-32",
        "2026-04-31",  // April has 30 days
        "2026-06-31", "2026-09-31", "2026-11-31",
        "0000-01-01",  // year 0
        "2026-1-01",  // unpadded month
        "2026-01-1",
        "26-01-01",
        "2026/01/01",
        "2026-01-01 ",
        " 2026-01-01",
        "2026-01-01T00:00",
        "+026-01-01",
        "2026-0a-01",
        "20260101",
        "",
        "2026--1-01",
    ])
    func invalidDatesAreRejected(text: String) {
        #expect(LedgerDate(text) == nil, "\(text) must not parse")
    }

    @Test(arguments: [Int32(2026_02_29), 2026_13_01, 2026_00_01, 2026_01_00, 0, -2026_01_01, 10000_01_01, 2026_04_31])
    func invalidIntegerDatesAreRejected(yyyymmdd: Int32) {
        #expect(LedgerDate(yyyymmdd: yyyymmdd) == nil)
    }

    @Test func componentsAndPadding() throws {
        let date = try #require(LedgerDate(year: 5, month: 1, day: 2))
        #expect(date.description == "0005-01-02")
        #expect(date.year == 5 && date.month == 1 && date.day == 2)
        let other = try #require(LedgerDate("2026-03-09"))
        #expect(other.year == 2026 && other.month == 3 && other.day == 9)
        #expect(LedgerDate(year: 2026, month: 2, day: 29) == nil)
        #expect(LedgerDate(year: 2024, month: 2, day: 29) != nil)
    }

    /// `init(year:month:day:)` must validate each component, not just the packed integer.
    @Test(arguments: [
        (2026, 1, 115),  // packs to 2026-02-15
        (2026, 0, 131),  // packs to 2026-01-31
        (2026, 3, -72),  // packs to 2026-02-28
        (2026, 2, -1),
    ])
    func componentsOutOfRangeAreRejected(year: Int, month: Int, day: Int) {
        #expect(
            LedgerDate(year: year, month: month, day: day) == nil,
            "year \(year) month \(month) day \(day) is not a calendar date")
    }

    @Test func orderingIsCalendarOrder() throws {
        let texts = ["2026-02-01", "2025-12-31", "2026-01-31", "2024-02-29", "2026-01-01", "2026-10-01"]
        let dates = try texts.map { try #require(LedgerDate($0)) }
        #expect(
            dates.sorted().map(\.description)
                == ["2024-02-29", "2025-12-31", "2026-01-01", "2026-01-31", "2026-02-01", "2026-10-01"])
        #expect(try #require(LedgerDate("2026-01-31")) < (try #require(LedgerDate("2026-02-01"))))
        #expect(!(try #require(LedgerDate("2026-02-01")) < (try #require(LedgerDate("2026-02-01")))))
        #expect(try #require(LedgerDate("2026-02-01")) == (try #require(LedgerDate(yyyymmdd: 2026_02_01))))
        #expect(EventCatalog.setupDate < (try #require(LedgerDate("0001-01-02"))))
        #expect(try #require(LedgerDate("9999-12-30")) < LedgerDate.distantFuture)
    }

    @Test func descriptionRoundTripsForEveryDayOfALeapYearAndACommonYear() throws {
        var count = 0
        for year in [2024, 2026] {
            var previous: LedgerDate?
            for month in 1...12 {
                for day in 1...31 {
                    guard let date = LedgerDate(year: year, month: month, day: day) else { continue }
                    count += 1
                    #expect(LedgerDate(date.description) == date)
                    if let previous { #expect(previous < date) }
                    previous = date
                }
            }
        }
        #expect(count == 366 + 365)
    }

    @Test func specialDates() {
        #expect(LedgerDate.distantFuture.description == "9999-12-31")
        #expect(EventCatalog.setupDate.description == "0001-01-01")
    }
}
