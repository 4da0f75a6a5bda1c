/// Fixed-point decimal numbers: an `Int64` count of 10^-scale units. Parsing and printing are exact;
/// a value with more decimals than the scale, or one that does not fit, is rejected, never rounded.
public protocol FixedPoint: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Number of decimals carried.
    static var scale: Int { get }
    /// The value in units of 10^-scale.
    var units: Int64 { get }
    init(units: Int64)
}

public enum NumberError: Error, Equatable, Sendable {
    case malformed
    case tooManyDecimals(allowed: Int)
    case outOfRange
    /// `7.0485e2`: exact decimals are written out, so an exponent is refused for what it is.
    case exponent
}

extension FixedPoint {
    public static var zero: Self { Self(units: 0) }
    public static var one: Self { Self(units: powerOfTen(scale)) }
    public var isZero: Bool { units == 0 }
    public var isPositive: Bool { units > 0 }
    public var isNegative: Bool { units < 0 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.units < rhs.units }
    public static func + (lhs: Self, rhs: Self) -> Self { Self(units: lhs.units + rhs.units) }
    public static func - (lhs: Self, rhs: Self) -> Self { Self(units: lhs.units - rhs.units) }
    public static prefix func - (value: Self) -> Self { Self(units: -value.units) }
    public static func += (lhs: inout Self, rhs: Self) { lhs = lhs + rhs }
    public static func -= (lhs: inout Self, rhs: Self) { lhs = lhs - rhs }
    public var magnitude: Self { Self(units: units < 0 ? -units : units) }

    /// Parses `[+-]digits[.digits]` exactly. No exponent (`NumberError.exponent`), no separators, no spaces.
    public init(parsing text: Substring) throws(NumberError) {
        self.init(units: try parseFixedPoint(text.utf8, scale: Self.scale))
    }

    public init(parsing text: String) throws(NumberError) {
        try self.init(parsing: Substring(text))
    }

    /// Exact text with all `scale` decimals, e.g. `12.50` for an amount.
    public var description: String { formatFixedPoint(Int128(units), scale: Self.scale, minimumDecimals: Self.scale) }

    /// Exact text with at least `minimumDecimals` decimals, trailing zeros beyond that removed.
    public func formatted(minimumDecimals: Int) -> String {
        formatFixedPoint(Int128(units), scale: Self.scale, minimumDecimals: minimumDecimals)
    }

    /// Converts to another scale, rounding as named when decimals are dropped. A result that does not fit
    /// is clamped (see `narrowClamped`); no ledger path uses this, the tests pin its rounding.
    public func rescaled<Target: FixedPoint>(to: Target.Type, _ rounding: Rounding) -> Target {
        let value = Int128(units)
        if Target.scale >= Self.scale {
            return Target(units: narrowClamped(value * Int128(powerOfTen(Target.scale - Self.scale))))
        }
        return Target(units: narrowClamped(rounding.divide(value, by: Int128(powerOfTen(Self.scale - Target.scale)))))
    }
}

/// Narrows an `Int128` intermediate back to `Int64`, or nil when it does not fit.
@inline(__always)
public func narrowChecked(_ value: Int128) -> Int64? { Int64(exactly: value) }

/// Narrows an `Int128` product or quotient back to `Int64`, clamping a value out of the ledger's range to
/// +-`Limits.clampedUnits`. Products of in-range inputs can exceed `Int64` (10^12 units x 10^12 per unit);
/// clamping instead of trapping lets `decide` finish and its range check refuse the command, since the
/// clamped value is ten times the money range (DR-17). Never used for a figure that is stored unchecked.
@inline(__always)
public func narrowClamped(_ value: Int128) -> Int64 {
    let bound = Int128(Limits.clampedUnits)
    if value > bound { return Limits.clampedUnits }
    if value < -bound { return -Limits.clampedUnits }
    return Int64(value)
}

@inline(__always)
func powerOfTen(_ exponent: Int) -> Int64 {
    var result: Int64 = 1
    for _ in 0..<exponent { result *= 10 }
    return result
}

func parseFixedPoint(_ bytes: Substring.UTF8View, scale: Int) throws(NumberError) -> Int64 {
    var index = bytes.startIndex
    guard index != bytes.endIndex else { throw .malformed }
    var negative = false
    if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
        negative = bytes[index] == UInt8(ascii: "-")
        index = bytes.index(after: index)
    }
    var value: Int64 = 0
    var integerDigits = 0
    var fractionDigits = 0
    var seenPoint = false
    var excessDecimals = false
    while index != bytes.endIndex {
        let byte = bytes[index]
        index = bytes.index(after: index)
        if byte == UInt8(ascii: ".") {
            if seenPoint { throw .malformed }
            seenPoint = true
            continue
        }
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
            let digits = integerDigits + fractionDigits > 0
            throw digits && (byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")) ? .exponent : .malformed
        }
        if seenPoint {
            fractionDigits += 1
            if fractionDigits > scale {
                // Trailing zeros beyond the scale carry no information: 1.50000 is still exact. The
                // error waits for the end of the text, which may show an exponent instead.
                if byte != UInt8(ascii: "0") { excessDecimals = true }
                continue
            }
        } else {
            integerDigits += 1
        }
        let (times10, o1) = value.multipliedReportingOverflow(by: 10)
        let (sum, o2) = times10.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
        if o1 || o2 { throw .outOfRange }
        value = sum
    }
    if integerDigits == 0 && fractionDigits == 0 { throw .malformed }
    if seenPoint && fractionDigits == 0 { throw .malformed }
    if excessDecimals { throw .tooManyDecimals(allowed: scale) }
    let missing = scale - min(fractionDigits, scale)
    let (scaled, overflow) = value.multipliedReportingOverflow(by: powerOfTen(missing))
    if overflow { throw .outOfRange }
    return negative ? -scaled : scaled
}

/// Exact text of `units` x 10^-scale; `Int128` so that a single figure and a report's total print alike.
func formatFixedPoint(_ units: Int128, scale: Int, minimumDecimals: Int) -> String {
    let magnitude = units.magnitude
    let divisor = UInt128(powerOfTen(scale))
    let whole = magnitude / divisor
    var fraction = magnitude % divisor
    var decimals = scale
    while decimals > minimumDecimals && fraction % 10 == 0 {
        fraction /= 10
        decimals -= 1
    }
    var text = units < 0 ? "-" : ""
    text += String(whole)
    if decimals > 0 {
        let digits = String(fraction)
        text += "." + String(repeating: "0", count: decimals - digits.count) + digits
    }
    return text
}
