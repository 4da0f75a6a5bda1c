/// A business date (no time, no zone), stored as the integer YYYYMMDD so that integer order is date order.
public struct LedgerDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let yyyymmdd: Int32

    /// Validates the calendar (month 1-12, day within the month, leap years).
    public init?(yyyymmdd: Int32) {
        let year = yyyymmdd / 10_000, month = (yyyymmdd / 100) % 100, day = yyyymmdd % 100
        guard year >= 1, year <= 9999, month >= 1, month <= 12, day >= 1,
            day <= LedgerDate.daysIn(month: month, year: year)
        else { return nil }
        self.yyyymmdd = yyyymmdd
    }

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        self.init(yyyymmdd: Int32(year * 10_000 + month * 100 + day))
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(_ text: Substring) {
        var value: Int32 = 0
        var offset = 0
        for byte in text.utf8 {
            if offset == 4 || offset == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else {
                guard offset < 10, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int32(byte - UInt8(ascii: "0"))
            }
            offset += 1
        }
        guard offset == 10 else { return nil }
        self.init(yyyymmdd: value)
    }

    public init?(_ text: String) { self.init(Substring(text)) }

    public var year: Int { Int(yyyymmdd / 10_000) }
    public var month: Int { Int((yyyymmdd / 100) % 100) }
    public var day: Int { Int(yyyymmdd % 100) }

    public static func < (lhs: LedgerDate, rhs: LedgerDate) -> Bool { lhs.yyyymmdd < rhs.yyyymmdd }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// The largest date; used as "no limit" in as-of queries.
    public static let distantFuture = LedgerDate(yyyymmdd: 9999_12_31)!

    static func daysIn(month: Int32, year: Int32) -> Int32 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
