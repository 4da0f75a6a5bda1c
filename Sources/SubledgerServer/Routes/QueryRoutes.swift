// The read routes: each answers 200 with the document its CLI command prints with `--json` (the same
// builders, Sources/Subledger/Views), so a client sees the same field names and exact decimal strings.
// Reads run on the ledger's queue through `LedgerService.read`, which first catches up with the file.

import Hummingbird
import Subledger

func addQueryRoutes(to router: Router<ServerContext>, service: LedgerService) {
    addStockRoutes(to: router, service: service)
    addTransactionRoutes(to: router, service: service)
    addReportRoutes(to: router, service: service)
    addLogRoutes(to: router, service: service)
    addEventStreamRoute(to: router, service: service)
}

/// On-hand and items.
func addStockRoutes(to router: Router<ServerContext>, service: LedgerService) {
    router.get("/v1/onhand") { request, _ in
        let item = try QueryParameters(request, allowed: ["item"]).string("item")
        let rows = try await service.read { ledger in
            if let item, ledger.state.items[item] == nil { throw NotFound.item(item) }
            return ledger.onHand(item: item)
        }
        return JSONResponse.make(OnHandJSON.document(rows))
    }
    router.get("/v1/items") { request, _ in
        _ = try QueryParameters(request, allowed: [])
        let items = try await service.read { ledger in Array(ledger.state.items.values) }
        return JSONResponse.make(ItemsJSON.document(items))
    }
    router.get("/v1/items/{id}") { request, context in
        _ = try QueryParameters(request, allowed: [])
        let id = try context.parameters.require("id")
        let document = try await service.read { ledger in
            guard let setup = ledger.state.items[id] else { throw NotFound.item(id) }
            return ItemsJSON.detail(setup, onHand: ledger.onHand(item: id))
        }
        return JSONResponse.make(document)
    }
}

/// Transactions, a page at a time, and one with everything that happened to it.
func addTransactionRoutes(to router: Router<ServerContext>, service: LedgerService) {
    router.get("/v1/transactions") { request, _ in
        let query = try QueryParameters(request, allowed: ["item", "from", "to", "cursor", "limit"])
        let item = query.string("item")
        let from = try query.date("from")
        let to = try query.date("to")
        let limit = Int(try query.integer("limit", in: 1...TransactionPaging.maximum) ?? TransactionPaging.standard)
        let cursor = try query.string("cursor").map { token in
            guard let cursor = TransactionCursor(token: token) else {
                throw Problem(
                    .badRequest, code: "invalid-parameter",
                    detail: "query parameter 'cursor' must be a next_cursor this route returned", field: "cursor")
            }
            return cursor
        }
        let page = try await service.read { ledger in
            if let item, ledger.state.items[item] == nil { throw NotFound.item(item) }
            return try ledger.transactionPage(item: item, from: from, to: to, after: cursor, limit: limit)
        }
        return JSONResponse.make(TransactionDetailJSON.page(page))
    }
    router.get("/v1/transactions/{tx}") { request, context in
        _ = try QueryParameters(request, allowed: [])
        let tx = try context.parameters.require("tx")
        // The events are served as rendered before when they were (RenderedEvents): the same bytes.
        let body = try await service.read { ledger in
            guard let detail = try ledger.transactionDetail(tx, readingEvents: false) else {
                throw NotFound.transaction(tx)
            }
            let events = try detail.eventSequences.compactMap { try service.renderedEvents.event($0, in: ledger) }
            return TransactionDetailJSON.bytes(detail, events: events)
        }
        return JSONResponse.make(bytes: body)
    }
}

/// Page sizes of `GET /v1/transactions`.
enum TransactionPaging {
    static let standard: Int64 = 100
    static let maximum: Int64 = 1_000
}
