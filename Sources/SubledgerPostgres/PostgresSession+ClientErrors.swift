// Errors postgres-nio raises on the client side for one statement, the connection still open: they used to
// read "lost the connection" (every PSQLError without a SQLSTATE did), which sent an operator looking for a
// network fault where a statement was at fault. Only the codes that really end the connection say so now.

import PostgresNIO
import SubledgerStore

extension PostgresSession {
    /// The most bind parameters one statement can carry: the protocol counts them in 16 bits.
    static let maximumParameters = Int(UInt16.max)

    static func tooManyParameters(_ count: Int, _ location: PostgresLocation, sql: String?) -> StoreError {
        .logFailure(
            .other,
            "subledger: a statement for PostgreSQL at \(location.hostAndPort) has \(count) parameters, more than "
                + "the \(maximumParameters) the protocol allows; nothing of it was sent", sql: sql)
    }

    /// The error of a statement postgres-nio refused or could not read, the connection still usable; nil for
    /// the server's errors and for a connection that ended.
    static func clientRefusal(_ error: PSQLError, _ location: PostgresLocation, sql: String?) -> StoreError? {
        let server = "PostgreSQL at \(location.hostAndPort)"
        switch error.code {
        case .tooManyParameters:
            return tooManyParameters(error.query?.binds.count ?? maximumParameters + 1, location, sql: sql)
        case .queryCancelled:
            return .logFailure(.other, "subledger: the statement to \(server) was cancelled", sql: sql)
        case .invalidCommandTag:
            return .logFailure(
                .other, "subledger: \(server) answered a statement with a completion tag postgres-nio cannot read",
                sql: sql)
        case .listenFailed, .unlistenFailed:
            return .logFailure(.other, "subledger: \(server) refused to (un)listen: \(reason(error))", sql: sql)
        default:
            return nil
        }
    }
}
