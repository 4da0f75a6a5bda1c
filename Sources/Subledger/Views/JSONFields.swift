#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// JSON values for the fixed-point types and the log's scalars, shared by `--json` and the HTTP API so
/// both say the same thing: exact decimal strings with the type's full scale, never through Double.
public enum JSONFields {
    public static func number<T: FixedPoint>(_ value: T) -> JSONValue { .string(value.description) }
    public static func number<T: FixedPoint>(_ value: T?) -> JSONValue {
        value.map { .string($0.description) } ?? .null
    }
    public static func number<T: FixedPoint>(_ value: Total<T>) -> JSONValue { .string(value.description) }
    public static func int<T: BinaryInteger>(_ value: T) -> JSONValue { .number(String(value)) }
    public static func string(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }

    /// Lowercase hex digits of a hash.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }

    /// `2026-01-05T12:30:00Z` from milliseconds since 1970 (a command's or event's `recorded_at`).
    public static func utcTimestamp(milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
