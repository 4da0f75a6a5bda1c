/// The inventory model of an item (valuation-rules.md section 3). Raw values are wire names: stable.
public enum ValuationModel: String, Sendable, CaseIterable {
    case fifo
    case lifo
    case lifoDate = "lifo-date"
    case weightedAverage = "weighted-average"
    case weightedAverageDate = "weighted-average-date"
    case standard
    case movingAverage = "moving-average"
    case nonValuated = "non-valuated"

    /// Periodic models post issues at the running average and are settled by the close.
    public var isPeriodic: Bool {
        switch self {
        case .fifo, .lifo, .lifoDate, .weightedAverage, .weightedAverageDate: return true
        case .standard, .movingAverage, .nonValuated: return false
        }
    }

    /// Manual marking is not available for standard cost and moving average (D6).
    public var allowsMarking: Bool { isPeriodic }

    public static var validNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
