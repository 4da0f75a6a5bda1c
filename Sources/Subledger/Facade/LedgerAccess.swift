internal import SubledgerStore

/// How a ledger file is opened.
public enum LedgerAccess: Sendable {
    /// Create the ledger if the file is missing or empty (`init`, `demo`, tests).
    case create
    /// Open an existing ledger for reading and writing; a missing or empty file is refused.
    case existing
    /// Open an existing ledger read-only: writes fail with `LedgerError.readOnly`.
    case readOnly

    var storeAccess: EventStore.Access {
        switch self {
        case .create: return .create
        case .existing: return .existing
        case .readOnly: return .readOnly
        }
    }
}
