/// A sum of many fixed-point figures, kept in `Int128` (DR-17). Each stored figure is within `Limits`,
/// but a report adds up figures without bound on their number (every pool, every account): 93 pools
/// near the money limit already exceed `Int64`. `Int128` holds 10^21 such figures.
public struct Total<Value: FixedPoint>: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The sum in units of 10^-scale of `Value`.
    public var units: Int128

    public init(units: Int128 = 0) { self.units = units }
    public init(_ value: Value) { self.units = Int128(value.units) }

    public static var zero: Total { Total() }
    public var isZero: Bool { units == 0 }
    public var isNegative: Bool { units < 0 }
    public var isPositive: Bool { units > 0 }

    /// The sum as a `Value` when it fits in one.
    public var exact: Value? { Int64(exactly: units).map { Value(units: $0) } }

    public static func < (lhs: Total, rhs: Total) -> Bool { lhs.units < rhs.units }
    public static func + (lhs: Total, rhs: Total) -> Total { Total(units: lhs.units + rhs.units) }
    public static func - (lhs: Total, rhs: Total) -> Total { Total(units: lhs.units - rhs.units) }
    public static func + (lhs: Total, rhs: Value) -> Total { Total(units: lhs.units + Int128(rhs.units)) }
    public static func - (lhs: Total, rhs: Value) -> Total { Total(units: lhs.units - Int128(rhs.units)) }
    public static func += (lhs: inout Total, rhs: Value) { lhs.units += Int128(rhs.units) }
    public static func -= (lhs: inout Total, rhs: Value) { lhs.units -= Int128(rhs.units) }
    /// A total equals a single figure of the same scale when their units are equal.
    public static func == (lhs: Total, rhs: Value) -> Bool { lhs.units == Int128(rhs.units) }
    public static func == (lhs: Value, rhs: Total) -> Bool { rhs == lhs }
    public static func != (lhs: Total, rhs: Value) -> Bool { !(lhs == rhs) }
    public static func != (lhs: Value, rhs: Total) -> Bool { !(rhs == lhs) }
    public static func += (lhs: inout Total, rhs: Total) { lhs.units += rhs.units }
    public static func -= (lhs: inout Total, rhs: Total) { lhs.units -= rhs.units }

    /// Exact text with all `scale` decimals, like `Value.description`.
    public var description: String { formatted(minimumDecimals: Value.scale) }

    public func formatted(minimumDecimals: Int) -> String {
        formatFixedPoint(units, scale: Value.scale, minimumDecimals: minimumDecimals)
    }
}

extension Sequence {
    /// The sum of `figure` over the elements, in `Int128`: never overflows for a report's figures.
    public func total<Value: FixedPoint>(_ figure: (Element) -> Value) -> Total<Value> {
        var sum = Total<Value>()
        for element in self { sum += figure(element) }
        return sum
    }
}
