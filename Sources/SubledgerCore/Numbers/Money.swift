/// A currency amount in cents (scale 2): the accounting currency's decimals (decision D10).
public struct Money: FixedPoint {
    public static let scale = 2
    public let units: Int64
    public init(units: Int64) { self.units = units }
    public init(cents: Int64) { self.units = cents }
    public var cents: Int64 { units }
}

/// An inventory quantity with 4 decimals.
public struct Quantity: FixedPoint {
    public static let scale = 4
    public let units: Int64
    public init(units: Int64) { self.units = units }
    public init(whole: Int64) { self.units = whole * 10_000 }
}

/// A unit price or unit cost with 4 decimals (a per-unit figure, never a posted amount).
public struct UnitPrice: FixedPoint {
    public static let scale = 4
    public let units: Int64
    public init(units: Int64) { self.units = units }
}

extension Quantity {
    /// Amount for this quantity at `price`, rounded once (decision D10). Out of the money range it is
    /// clamped (`narrowClamped`) for `decide`'s range check to refuse; `Limits.amount` refuses it directly.
    public func amount(at price: UnitPrice, _ rounding: Rounding = .halfAwayFromZero) -> Money {
        // qty (scale 4) x price (scale 4) = scale 8; amounts are scale 2.
        let product = Int128(units) * Int128(price.units)
        return Money(units: narrowClamped(rounding.divide(product, by: 1_000_000)))
    }

    /// This quantity's share of `value`, where `value` belongs to `total` units: round(self x value / total).
    /// Used for issues at the unrounded running average (5 x 1375/15 = 458.33, never 5 x 91.67). An issue
    /// larger than on-hand can take more than `value`: out of range it is clamped (`narrowClamped`) for the
    /// range check to refuse. A zero `total` is a caller's bug: every caller tests it positive (or, for a
    /// negative pool, negative) first, none passes an input quantity unchecked.
    public func share(of value: Money, outOf total: Quantity, _ rounding: Rounding = .halfAwayFromZero) -> Money {
        precondition(!total.isZero, "share of a zero quantity")
        let product = Int128(units) * Int128(value.units)
        return Money(units: narrowClamped(rounding.divide(product, by: Int128(total.units))))
    }
}

extension Money {
    /// Unit price `self / quantity`, rounded to the price scale (for display and stored unit costs). A large
    /// value on a tiny quantity can exceed `Int64` per unit: it is clamped (`narrowClamped`), so an amount
    /// later priced at it is out of range and refused. Callers test `quantity` non-zero first.
    public func perUnit(_ quantity: Quantity, _ rounding: Rounding = .halfAwayFromZero) -> UnitPrice {
        precondition(!quantity.isZero, "unit price of a zero quantity")
        // cents (scale 2) / qty (scale 4) -> price scale 4: multiply by 10^6.
        let numerator = Int128(units) * 1_000_000
        return UnitPrice(units: narrowClamped(rounding.divide(numerator, by: Int128(quantity.units))))
    }
}
