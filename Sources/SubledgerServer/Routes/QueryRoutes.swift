// The read routes (branch `queries` owns this file and adds the rest: items, transactions, settlements,
// closes, gl, reconciliation, value, events, verify).

import Hummingbird
import Subledger

func addQueryRoutes(to router: Router<ServerContext>, service: LedgerService) {
    router.get("/v1/onhand") { request, _ in
        let item = request.uri.queryParameters["item"].map(String.init)
        let rows = try await service.read { ledger in
            if let item { try ledger.requireKnown(item: item) }
            return ledger.onHand(item: item)
        }
        return JSONResponse.make(onHandJSON(rows))
    }
}

/// `subledger onhand --json`'s document.
func onHandJSON(_ rows: [OnHandRow]) -> JSONValue {
    let array = rows.map { row in
        var o = JSONObjectBuilder()
        o.add("item", .string(row.item))
        o.add("model", .string(row.model.rawValue))
        o.add("dimensions", EventRendering.dimensions(row.dimensions))
        o.add("qty", .string(row.pool.quantity.description))
        o.add("value", .string(row.pool.value.description))
        o.add("average_cost", row.averageCost.map { .string($0.description) } ?? .null)
        o.add("financial_qty", .string(row.pool.financialQuantity.description))
        o.add("financial_value", .string(row.pool.financialValue.description))
        o.add("physical_qty", .string(row.pool.physicalQuantity.description))
        o.add("physical_value", .string(row.pool.physicalValue.description))
        return o.value
    }
    return ["onhand": .array(array), "total_value": .string(rows.total(\.pool.value).description)]
}
