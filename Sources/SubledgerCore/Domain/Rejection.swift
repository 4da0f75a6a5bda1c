/// A business rejection: the command was refused and nothing was written. Codes are a stable contract
/// (README lists them); `field` names the offending input, `message` says what would be valid.
public struct Rejection: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        case malformed = "malformed"  // input that cannot be read (syntax, unknown command or key)
        case missingField = "missing-field"
        case invalidDate = "invalid-date"
        case invalidName = "invalid-name"
        case invalidQuantity = "invalid-quantity"
        case invalidAmount = "invalid-amount"
        case invalidSetup = "invalid-setup"
        case unknownItem = "unknown-item"
        case unknownTransaction = "unknown-transaction"
        case duplicateItem = "duplicate-item"
        case duplicateTransaction = "duplicate-transaction"
        case overInvoiced = "over-invoiced"
        case negativeInventory = "negative-inventory"
        case markingNotAllowed = "marking-not-allowed"
        case invalidMarking = "invalid-marking"
        case modelMismatch = "model-mismatch"
        case nothingOnHand = "nothing-on-hand"
        case notAdjustable = "not-adjustable"
        case periodClosed = "period-closed"
        case nothingToReverse = "nothing-to-reverse"
        case notLatestClose = "not-latest-close"
        /// A command id sent again with other content than the command first sent under it.
        case commandIDConflict = "command-id-conflict"
    }

    public var code: Code
    public var field: String?
    public var message: String
    /// Line of the input file, when the command came from one.
    public var line: Int?

    public init(_ code: Code, field: String? = nil, _ message: String, line: Int? = nil) {
        self.code = code
        self.field = field
        self.message = message
        self.line = line
    }

    public var description: String {
        var text = "error[\(code.rawValue)]"
        if let line { text += " line \(line)" }
        if let field { text += " field '\(field)'" }
        return text + ": " + message
    }

    public func at(line: Int) -> Rejection {
        var copy = self
        copy.line = line
        return copy
    }
}
