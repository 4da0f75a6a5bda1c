// The write routes. Each answers 201 with the CLI's --json document for the command once its events are
// durable. The `Idempotency-Key` header is the command id: the same key with the same command answers the
// first response again (from the log, so also after a restart) with `Idempotent-Replayed: true`; with
// another command it is refused with 409 command-id-conflict and nothing is written.

import HTTPTypes
import Hummingbird
import Subledger

enum CommandRoutes {
    static func add(to router: Router<ServerContext>, service: LedgerService) {
        router.post("/v1/commands") { request, context in
            let command = try CommandBodies.single(try await body(request, context))
            if command.isPeriodCommand {
                try AccessMiddleware.require(.close, of: context.token)
                return try await period(command, request, context, service: service)
            }
            let id = try key(request) ?? Ledger.randomCommandID()
            let committed = try await service.submit(.single(command, commandID: id, actor: context.actor))
            return created(
                CommandJSON.result(committed.result, events: committed.events), replayed: committed.result.duplicate)
        }
        router.post("/v1/batches") { request, context in
            let bytes = try await body(request, context)
            let commands = try CommandBodies.batch(bytes)
            if commands.contains(where: { $0.command.isPeriodCommand }) {
                try AccessMiddleware.require(.close, of: context.token)
            }
            let result = try await service.runBatch(commands, commandID: try key(request), actor: context.actor)
            return created(CommandJSON.batch(result, bytes: bytes.count), replayed: result.duplicate)
        }
        router.post("/v1/closes") { request, context in
            try await period(
                try CommandBodies.named(.close, try await body(request, context)), request, context, service: service)
        }
        router.post("/v1/recalculations") { request, context in
            try await period(
                try CommandBodies.named(.recalculate, try await body(request, context)), request, context,
                service: service)
        }
        router.post("/v1/reversals") { request, context in
            try await period(
                try CommandBodies.named(.reverseClose, try await body(request, context)), request, context,
                service: service)
        }
    }

    /// A close, recalculation or reversal: run alone on the ledger (it stores a period snapshot), answered
    /// with the CLI's close or reverse-close document.
    static func period(
        _ command: LedgerCommand, _ request: Request, _ context: ServerContext, service: LedgerService
    ) async throws -> Response {
        let id = try key(request)
        let actor = context.actor
        let document = try await service.onQueue { ledger in
            let result = try ledger.execute(command, commandID: id, actor: actor)
            return (try CommandJSON.period(command, result, ledger: ledger), result.duplicate)
        }
        return created(document.0, replayed: document.1)
    }

    /// The body, refused with 413 past `ServerLimits.maximumBody`.
    static func body(_ request: Request, _ context: ServerContext) async throws -> [UInt8] {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        return Array(buffer.readableBytesView)
    }

    /// The command id: the `Idempotency-Key` header (1-255 visible ASCII characters), else nil (the
    /// ledger makes one up).
    static func key(_ request: Request) throws -> String? {
        guard let key = request.headers[.idempotencyKey] else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw Rejection(
                .malformed, field: "Idempotency-Key", "the Idempotency-Key must be 1-255 visible ASCII characters")
        }
        return key
    }

    static func created(_ document: JSONValue, replayed: Bool) -> Response {
        var headers = HTTPFields()
        if replayed { headers[.idempotentReplayed] = "true" }
        return JSONResponse.make(document, status: .created, headers: headers)
    }
}

extension LedgerCommand {
    /// Closes, recalculations and reversals: they need the `close` role and run alone.
    var isPeriodCommand: Bool {
        switch self {
        case .close, .recalculate, .reverseClose: return true
        default: return false
        }
    }
}
