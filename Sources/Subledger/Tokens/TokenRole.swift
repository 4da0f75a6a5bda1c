// What a bearer token may do (issue 12, item 4): each role includes every role before it, so an
// authorization check is one comparison, `token.role >= required`.

/// A token's role: `read` (queries, events, the stream), `post` (read and commands, batches), `close` (post
/// and closes, recalculations, reversals), `admin` (everything, tokens too).
public enum TokenRole: String, Sendable, CaseIterable, Comparable {
    case read, post, close, admin

    /// Position in `allCases`: the order of privilege.
    var rank: Int {
        switch self {
        case .read: return 0
        case .post: return 1
        case .close: return 2
        case .admin: return 3
        }
    }

    public static func < (lhs: TokenRole, rhs: TokenRole) -> Bool { lhs.rank < rhs.rank }

    /// True when this role includes `required`.
    public func allows(_ required: TokenRole) -> Bool { self >= required }
}

/// A token as anyone may see it: never its secret, never its hash.
public struct TokenInfo: Sendable, Equatable {
    public var name: String
    public var role: TokenRole
    /// Milliseconds since the epoch, by the ledger's clock.
    public var createdAt: Int64
    /// When it was revoked (milliseconds since the epoch); nil while it is active.
    public var revokedAt: Int64?
    /// Who created it (the name of the admin token whose request did), nil when made on the command line.
    public var createdBy: String?
    /// Who revoked it, as `createdBy`.
    public var revokedBy: String?

    public init(
        name: String, role: TokenRole, createdAt: Int64, revokedAt: Int64? = nil, createdBy: String? = nil,
        revokedBy: String? = nil
    ) {
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.createdBy = createdBy
        self.revokedBy = revokedBy
    }

    public var isRevoked: Bool { revokedAt != nil }
}

/// A token operation refused; nothing was written. Codes are a stable contract, like `Rejection`'s.
public struct TokenError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// A token of that name exists (or existed: a revoked name is never reused).
        case nameTaken = "token-name-taken"
        /// A name that is not 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-'.
        case invalidName = "invalid-token-name"
        /// No token of that name.
        case unknownToken = "unknown-token"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The field of the input at fault (every code names the token's name).
    public var field: String { "name" }

    public var description: String { "error[\(code.rawValue)]: \(message)" }
}
