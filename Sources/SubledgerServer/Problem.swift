// Errors as RFC 9457 problem details (`application/problem+json`) carrying the stable codes of the JSON
// Lines format and `--json` errors: `code`, `field`, `line` and `detail` are the CLI's `error`, `field`,
// `line` and `message`.

import HTTPTypes
import Hummingbird
import Subledger

public struct Problem: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var title: String
    public var detail: String
    public var field: String?
    public var line: Int?

    public init(
        _ status: HTTPResponse.Status, code: String, title: String? = nil, detail: String, field: String? = nil,
        line: Int? = nil
    ) {
        self.status = status
        self.code = code
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.field = field
        self.line = line
    }

    /// `type` is a URI naming the problem; the code is its stable part.
    public var type: String { "urn:subledger:problem:\(code)" }

    public var json: JSONValue {
        var o = JSONObjectBuilder()
        o.add("type", .string(type))
        o.add("title", .string(title))
        o.add("status", .number(String(status.code)))
        o.add("code", .string(code))
        o.add("field", field.map(JSONValue.string) ?? .null)
        o.add("line", line.map { .number(String($0)) } ?? .null)
        o.add("detail", .string(detail))
        return o.value
    }

    public func response(requestID: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if let requestID { headers[.requestID] = requestID }
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json.serialized() + "\n")))
    }

    static let busy = Problem(
        .serviceUnavailable, code: "busy", detail: "the ledger stayed busy past the timeout; nothing was written")
    static let shuttingDown = Problem(
        .serviceUnavailable, code: "shutting-down", detail: "the server is shutting down; nothing was written")
    static let `internal` = Problem(
        .internalServerError, code: "internal", detail: "the server failed to answer this command")
    static let tooLarge = Problem(
        .contentTooLarge, code: "too-large",
        detail: "the body is larger than \(ServerLimits.maximumBody) bytes; send a smaller batch")
}

extension Problem {
    /// The problem for any error a route throws: a rejection keeps its code, field and line.
    public init(_ error: any Error) {
        switch error {
        case let problem as Problem:
            self = problem
        case let rejection as Rejection:
            self.init(rejection)
        case LedgerError.rejected(let rejection):
            self.init(rejection)
        case LedgerError.notALedger(let message):
            self.init(.internalServerError, code: "not-a-ledger", detail: message)
        case LedgerError.readOnly(let message):
            self.init(.serviceUnavailable, code: "read-only", detail: message)  // `serve --read-only`
        case let error as LedgerError:
            self.init(.internalServerError, code: "storage", detail: error.description)
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            self = .tooLarge
        case let error as any HTTPResponseError:
            self.init(error.status, code: Self.code(of: error.status), detail: error.status.reasonPhrase)
        default:
            self = .internal
        }
    }

    init(_ rejection: Rejection) {
        self.init(
            Self.status(of: rejection.code), code: rejection.code.rawValue, detail: rejection.message,
            field: rejection.field, line: rejection.line)
    }

    /// 400 for input that cannot be read or a field out of its range, 409 for what conflicts with the log
    /// (a transaction id or command id used before, a closed period), 422 for the other refusals.
    static func status(of code: Rejection.Code) -> HTTPResponse.Status {
        switch code {
        case .malformed, .missingField, .invalidDate, .invalidName, .invalidQuantity, .invalidAmount:
            return .badRequest
        case .duplicateTransaction, .commandIDConflict, .periodClosed:
            return .conflict
        default:
            return .unprocessableContent
        }
    }

    /// A code for the framework's own errors (an unknown route, a wrong method).
    static func code(of status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: return "not-found"
        case .methodNotAllowed: return "method-not-allowed"
        case .unauthorized: return "unauthorized"
        case .forbidden: return "forbidden"
        default: return "http-\(status.code)"
        }
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}
