import Hummingbird
import Subledger

/// Settlements, closes, the trial balance, the reconciliation and the value report.
func addReportRoutes(to router: Router<ServerContext>, service: LedgerService) {
    router.get("/v1/settlements") { request, _ in
        let query = try QueryParameters(request, allowed: ["item", "tx", "close", "cursor", "limit"])
        let item = query.string("item")
        let tx = query.string("tx")
        let close = try query.integer("close", in: 1...Int64.max)
        let limit = Int(try query.integer("limit", in: 1...SettlementPaging.maximum) ?? SettlementPaging.standard)
        let cursor = try query.string("cursor").map { token in
            guard let cursor = SettlementCursor(token: token) else { throw SettlementPaging.badCursor }
            return cursor
        }
        try await service.read { ledger in
            if let item, ledger.state.items[item] == nil { throw NotFound.item(item) }
            try NotFound.checking { try ledger.requireKnown(transaction: tx) }
        }
        // Every close's settlement events are read (seconds on a large ledger): from the log, off the queue.
        let (rows, closes) = try await settlementRows(service, item: item, transaction: tx, close: close)
        if let close, !closes.contains(where: { $0.sequence == close }) {
            throw Problem(
                .notFound, code: "unknown-close",
                detail: "no close or recalculation has sequence \(close); GET /v1/closes lists them", field: "close")
        }
        return JSONResponse.make(SettlementsJSON.page(SettlementPage(rows, after: cursor, limit: limit)))
    }
    router.get("/v1/closes") { request, _ in
        _ = try QueryParameters(request, allowed: [])
        // The close log is read whole (0.4 s on the benchmark ledger): off the queue when there is a file.
        let closes: [CloseRow]
        if let offQueue = try await service.offQueueLog({ try $0.currentCloses().closes }) {
            closes = offQueue
        } else {
            closes = try await service.read { ledger in try ledger.currentCloses() }
        }
        let closedThrough = closes.last { $0.mode == .close && $0.isInForce }?.date
        return JSONResponse.make(ClosesJSON.document(closes, closedThrough: closedThrough))
    }
    router.get("/v1/gl") { request, _ in
        let asOf = try QueryParameters(request, allowed: ["as_of"]).date("as_of")
        let rows = try await service.read { ledger in
            try asOf.map { try ledger.historicalTrialBalance(asOf: $0) } ?? ledger.trialBalance()
        }
        return JSONResponse.make(TrialBalanceJSON.document(rows, asOf: asOf))
    }
    router.get("/v1/reconciliation") { request, _ in
        let query = try QueryParameters(request, allowed: ["as_of", "details"])
        let asOf = try query.date("as_of")
        let details = try query.integer("details", in: 0...1) == 1
        // A second or more on a large ledger (every history row is summed): on a copy, off the queue.
        let report = try await service.readCopy { ledger in
            try ledger.reconcile(asOf: asOf ?? ledger.state.latestBusinessDate, external: nil, details: details)
        }
        return JSONResponse.make(ReconcileJSON.document(report, file: nil))
    }
    router.get("/v1/value") { request, _ in
        let query = try QueryParameters(request, allowed: ["as_of", "item"])
        let asOf = try query.date("as_of")
        let item = query.string("item")
        // As of a past date the state is rebuilt from a snapshot and the log (seconds): on a copy, off the
        // queue. Now, it is the open state's pools (milliseconds): on the queue, no copy.
        let value = { @Sendable (ledger: Ledger) throws -> InventoryValueReport in
            if let item, ledger.state.items[item] == nil { throw NotFound.item(item) }
            return try ledger.inventoryValue(asOf: asOf ?? ledger.state.latestBusinessDate, item: item)
        }
        let report = try await asOf == nil ? service.read(value) : service.readCopy(value)
        return JSONResponse.make(ValueJSON.document(report))
    }
}

/// The event log a page at a time, and the check of its hash chain.
func addLogRoutes(to router: Router<ServerContext>, service: LedgerService) {
    router.get("/v1/events") { request, _ in
        let query = try QueryParameters(request, allowed: ["after", "limit"])
        let after = try query.integer("after", in: 0...Int64.max) ?? 0
        let limit = Int(try query.integer("limit", in: 1...EventPaging.maximum) ?? EventPaging.standard)
        let rows = try await service.read { ledger in try ledger.events(after: after, limit: limit) }
        return JSONResponse.make(EventJSON.document(rows))
    }
    router.get("/v1/verify") { request, _ in
        _ = try QueryParameters(request, allowed: [])
        // The whole chain takes seconds on a large ledger: read it on a connection of its own (WAL: a
        // consistent snapshot while the commands go on), not on the ledger's queue.
        // In PostgreSQL it streams the chain through a reading connection (DR-41).
        let offQueue = try await service.offQueueLog { log in
            VerifyJSON.document(try log.verifyChain(), snapshots: try log.snapshotChecksums())
        }
        if let document = offQueue { return JSONResponse.make(document) }
        let document = try await service.read { ledger in
            VerifyJSON.document(try ledger.verify(), snapshots: try ledger.snapshotChecksums())
        }
        return JSONResponse.make(document)
    }
}

/// Page sizes of `GET /v1/events` (the CLI's `--limit`; a client pages on with `after` = the last sequence).
enum EventPaging {
    static let standard: Int64 = 100
    static let maximum: Int64 = 1_000
}

/// The settlement entries (and the runs) from the ledger's log on a connection of its own, off the queue;
/// on the queue for a ledger in memory.
private func settlementRows(
    _ service: LedgerService, item: String?, transaction: String?, close: Int64?
) async throws -> (rows: [SettlementRow], closes: [CloseRow]) {
    let offQueue = try await service.offQueueLog { log in
        try log.settlements(item: item, transaction: transaction, closeSequence: close)
    }
    if let offQueue { return offQueue }
    return try await service.read { ledger in
        (try ledger.settlements(item: item, transaction: transaction, closeSequence: close), try ledger.closes())
    }
}

/// Page sizes of `GET /v1/settlements` (as `GET /v1/transactions`).
enum SettlementPaging {
    static let standard: Int64 = 100
    static let maximum: Int64 = 1_000
    static let badCursor = Problem(
        .badRequest, code: "invalid-parameter",
        detail: "query parameter 'cursor' must be a next_cursor this route returned", field: "cursor")
}
