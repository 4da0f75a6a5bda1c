// Items: on-hand per item and cost pool, searchable and paged; an item's page: its pools and its
// transactions, a page at a time (the facade's keyed `transactionPage`), their running average and settlements.

import Subledger

enum ItemPages {
    static let perPage = 100
    static let transactionsPerPage = 50

    static func list(_ ledger: ConsoleLedger, _ request: PageRequest) async throws -> PageContent {
        let search = request.string("q")
        let page = Int(try request.integer("page"))
        return try await ledger.read { ledger in
            let rows = ledger.onHand().filter { row in search.map { row.item.contains($0) } ?? true }
            var content = PageContent(title: "Items")
            content.add(searchForm(search))
            var table = poolTable(name: "items", caption: "On hand per item and cost pool (\(rows.count) pools)")
            let start = min(page * perPage, rows.count)
            table.rows = rows[start..<min(start + perPage, rows.count)].map(poolRow)
            if start + perPage < rows.count {
                table.next = URLText.path("/items", [("q", search), ("page", String(page + 1))])
            }
            if page > 0 { table.previous = URLText.path("/items", [("q", search)]) }
            table.empty = search == nil ? "The ledger has no items yet." : "No item id contains that text."
            content.add(table)
            return content
        }
    }

    static func searchForm(_ search: String?) -> HTML {
        HTML("<form method=\"get\" action=\"/items\"><label>Item id contains <input name=\"q\" value=\"")
            + HTML.text(search ?? "") + HTML("\"></label> <button type=\"submit\">Search</button></form>")
    }

    static func poolTable(name: String, caption: String) -> Table {
        Table(
            name: name, caption: caption,
            columns: [
                "Item", "Model", "Dimensions", "Financial qty", "Financial value", "Physical qty", "Physical value",
                "Quantity", "Value", "Average cost",
            ])
    }

    static func poolRow(_ row: OnHandRow) -> [Cell] {
        let link = URLText.path("/item", [("id", row.item)])
        return [
            .text(row.item, link: link), .text(row.model.rawValue), .text(row.dimensions.description),
            .number(row.pool.financialQuantity), .number(row.pool.financialValue), .number(row.pool.physicalQuantity),
            .number(row.pool.physicalValue), .number(row.pool.quantity), .number(row.pool.value, link: link),
            .number(row.averageCost),
        ]
    }

    static func item(_ ledger: ConsoleLedger, _ request: PageRequest) async throws -> PageContent {
        guard let id = request.string("id") else { throw ConsoleError.badRequest("which item? (?id=ITEM)") }
        let cursor = try request.string("after").map { token in
            guard let cursor = TransactionCursor(token: token) else {
                throw ConsoleError.badRequest("after must be a next-page link of this page")
            }
            return cursor
        }
        return try await ledger.read { ledger in
            guard let setup = ledger.state.items[id] else { throw ConsoleError.notFound("No item '\(id)'.") }
            var content = PageContent(title: "Item \(id)")
            content.add(HTML("<p>Valuation model ") + HTML.text(setup.model.rawValue) + HTML("</p>"))
            var pools = poolTable(name: "pools", caption: "Cost pools")
            pools.rows = ledger.onHand(item: id).map(poolRow)
            content.add(pools)
            let page = try ledger.transactionPage(item: id, after: cursor, limit: transactionsPerPage)
            var table = TransactionView.table(page.rows, name: "transactions", caption: "Transactions, in log order")
            table.next = page.next.map { URLText.path("/item", [("id", id), ("after", $0.token)]) }
            if cursor != nil { table.previous = URLText.path("/item", [("id", id)]) }
            content.add(ItemHistory.chart(page.rows, firstPage: cursor == nil))
            content.add(table)
            var settlements = try ItemHistory.settlements(ledger, page.rows)
            settlements.next = table.next
            settlements.previous = table.previous
            content.add(settlements)
            content.add(
                HTML(
                    "<p class=\"hint\">Every settlement of a transaction is on its page; every settlement of a "
                        + "run on the page of the close that made it (") + HTML.link("/closes", "closes")
                    + HTML(").</p>"))
            return content
        }
    }
}
