/// The ranges every figure of the ledger stays in (DR-17). One rule, checked in two places: the decoder
/// refuses an input field outside its range, and `decide` refuses a command whose produced figures (voucher
/// lines, transaction amounts, pools after, GL balances after) would leave it. So every stored figure is at
/// most 10^17 cents, about 1/92 of `Int64.max`: the projection can add a few of them without overflow, and
/// reports that add up many of them sum in `Int128` (`Total`).
public enum Limits {
    /// Largest magnitude of an amount: 10^15 currency units, in cents.
    public static let maximumMoney = Money(units: 100_000_000_000_000_000)
    /// Largest magnitude of a quantity: 10^12 units (scale 4).
    public static let maximumQuantity = Quantity(units: 10_000_000_000_000_000)
    /// Largest magnitude of a unit price or unit cost: 10^12 per unit (scale 4).
    public static let maximumPrice = UnitPrice(units: 10_000_000_000_000_000)

    /// What a product or quotient that does not fit in `Int64` is clamped to (see `narrowClamped`): ten
    /// times the money range, so the range check refuses it, and small enough that nine of them add up
    /// without overflow before that check runs.
    public static let clampedUnits: Int64 = 1_000_000_000_000_000_000

    public static func contains(_ value: Money) -> Bool { value.units.magnitude <= maximumMoney.units.magnitude }
    public static func contains(_ value: Quantity) -> Bool { value.units.magnitude <= maximumQuantity.units.magnitude }
    public static func contains(_ value: UnitPrice) -> Bool { value.units.magnitude <= maximumPrice.units.magnitude }
    public static func contains(money units: Int128) -> Bool { units >= -moneyBound && units <= moneyBound }
    public static func contains(quantity units: Int128) -> Bool { units >= -quantityBound && units <= quantityBound }
    /// The bounds as `Int128` literals: no generic conversion on the per-command path.
    static let moneyBound: Int128 = 100_000_000_000_000_000
    static let quantityBound: Int128 = 10_000_000_000_000_000

    /// The range as text for messages: "at most 1000000000000000 in magnitude".
    static func describe<T: FixedPoint>(_ bound: T) -> String {
        "at most \(bound.formatted(minimumDecimals: 0)) in magnitude"
    }

    /// Refuses `value` of input field `field` when outside the money range.
    public static func check(_ value: Money, field: String, _ what: String = "amount") throws(Rejection) {
        guard contains(value) else {
            throw Rejection(
                .invalidAmount, field: field,
                "\(what) \(value) is out of range: amounts are \(describe(maximumMoney))")
        }
    }

    public static func check(_ value: Quantity, field: String, _ what: String = "quantity") throws(Rejection) {
        // Every quantity a command brings is positive (the decoder says so); a command built in code with
        // zero would reach a division by its quantity.
        guard value.isPositive else {
            throw Rejection(
                .invalidQuantity, field: field,
                "\(what) must be greater than zero, got \(value.formatted(minimumDecimals: 0))")
        }
        guard contains(value) else {
            throw Rejection(
                .invalidQuantity, field: field,
                "\(what) \(value.formatted(minimumDecimals: 0)) is out of range: quantities are "
                    + "\(describe(maximumQuantity))"
            )
        }
    }

    public static func check(_ value: UnitPrice, field: String) throws(Rejection) {
        guard contains(value) else {
            throw Rejection(
                .invalidAmount, field: field,
                "unit price \(value.formatted(minimumDecimals: 0)) is out of range: unit prices are "
                    + "\(describe(maximumPrice))"
            )
        }
    }

    /// `quantity x price`, refused (naming `field`) when the amount would leave the money range.
    public static func amount(_ quantity: Quantity, at price: UnitPrice, field: String) throws(Rejection) -> Money {
        let units = Rounding.halfAwayFromZero.divide(Int128(quantity.units) * Int128(price.units), by: 1_000_000)
        guard contains(money: units) else {
            throw Rejection(
                .invalidAmount, field: field,
                "\(quantity.formatted(minimumDecimals: 0)) x \(price.formatted(minimumDecimals: 2)) is out of range: "
                    + "amounts are \(describe(maximumMoney))"
            )
        }
        return Money(units: Int64(units))
    }
}
