/// An event the projection cannot fold: it contradicts the state built so far (an unknown item or
/// transaction, a reversal of a close that is not there, a figure too large to add up). The log was
/// damaged or written by something other than `decide`; folding on would trap or show wrong figures,
/// so the fold stops and names the event.
public struct ProjectionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var sequence: Int64
    public var message: String

    public init(sequence: Int64, message: String) {
        self.sequence = sequence
        self.message = message
    }

    public var description: String { "event \(sequence) contradicts the ledger: \(message)" }
}

/// Why one event could not be folded; `LedgerState.apply` adds the sequence (`ProjectionError`).
/// The message is built only on the failure path, so the happy path allocates nothing.
enum FoldFailure: Error {
    case overflow
    case contradiction(String)

    static func missing(_ noun: String, _ id: String) -> FoldFailure { .contradiction("unknown \(noun) '\(id)'") }

    var message: String {
        switch self {
        case .overflow: return "a figure overflows when added up"
        case .contradiction(let message): return message
        }
    }
}

extension FixedPoint {
    /// `self += other`, refusing to wrap or trap: stored figures come from a file that may be damaged.
    @inline(__always)
    mutating func add(_ other: Self) throws(FoldFailure) {
        let (sum, overflow) = units.addingReportingOverflow(other.units)
        if overflow { throw .overflow }
        self = Self(units: sum)
    }

    @inline(__always)
    mutating func subtract(_ other: Self) throws(FoldFailure) {
        let (difference, overflow) = units.subtractingReportingOverflow(other.units)
        if overflow { throw .overflow }
        self = Self(units: difference)
    }
}

extension Money {
    /// `perUnit` for the fold: nil for a zero quantity or a result that does not fit, instead of a trap.
    func checkedPerUnit(_ quantity: Quantity) -> UnitPrice? {
        guard !quantity.isZero else { return nil }
        let quotient = Rounding.halfAwayFromZero.divide(Int128(units) * 1_000_000, by: Int128(quantity.units))
        return Int64(exactly: quotient).map { UnitPrice(units: $0) }
    }
}
