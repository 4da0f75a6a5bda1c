/// Every division in a money path names its rounding (decision D10).
public enum Rounding: Sendable {
    /// Half away from zero: 0.005 -> 0.01, -0.005 -> -0.01. The ledger's rounding for amounts.
    case halfAwayFromZero
    /// Truncate toward zero.
    case towardZero

    /// `numerator / denominator` rounded as named. The denominator must not be zero.
    public func divide(_ numerator: Int128, by denominator: Int128) -> Int128 {
        precondition(denominator != 0, "division by zero in a money path")
        let quotient = numerator / denominator
        let remainder = numerator % denominator
        switch self {
        case .towardZero:
            return quotient
        case .halfAwayFromZero:
            if remainder == 0 { return quotient }
            let twiceRemainder = remainder.magnitude * 2
            if twiceRemainder >= denominator.magnitude {
                let negative = (numerator < 0) != (denominator < 0)
                return negative ? quotient - 1 : quotient + 1
            }
            return quotient
        }
    }
}
