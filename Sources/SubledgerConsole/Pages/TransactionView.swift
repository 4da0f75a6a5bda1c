// A transaction's page: the row, its events, its voucher lines, the settlements naming it, and its cost
// history (posted, then each adjustment with the close that made it). All read by key.

import Subledger

enum TransactionView {
    static func link(_ id: String) -> String { URLText.path("/transaction", [("id", id)]) }

    static func table(_ rows: [TransactionRow], name: String, caption: String) -> Table {
        var table = Table(
            name: name, caption: caption,
            columns: [
                "Transaction", "Date", "Kind", "Item", "Dimensions", "Quantity", "Posted cost", "Adjustment",
                "Current cost", "Settled qty", "Open qty",
            ])
        table.rows = rows.map { row in
            let record = row.record
            let posted = record.financialValue + record.physicalOpenValue
            return [
                .text(record.id, link: link(record.id)), .text(record.date.description), .text(record.kindName),
                .text(record.item, link: URLText.path("/item", [("id", record.item)])),
                .text(record.dimensions.description), .number(record.quantity), .number(posted),
                .number(record.adjustment - record.physicalAdjustment),
                .number(record.currentAmount, link: link(record.id)),
                .number(record.settledQuantity), .number(record.openQuantity),
            ]
        }
        table.empty = "No transactions."
        return table
    }

    static func content(_ ledger: ConsoleLedger, _ request: PageRequest) async throws -> PageContent {
        guard let id = request.string("id") else { throw ConsoleError.badRequest("which transaction? (?id=TX)") }
        return try await ledger.read { ledger in
            guard let detail = try ledger.transactionDetail(id) else {
                throw ConsoleError.notFound("No transaction '\(id)'.")
            }
            var content = PageContent(title: "Transaction \(id)")
            content.add(table([detail.row], name: "transaction", caption: "The transaction"))
            content.add(costHistory(detail))
            content.add(
                EventPages.table(detail.events, items: ledger.state.items, name: "events", caption: "Its events"))
            content.add(vouchers(detail.vouchers))
            content.add(
                ClosePages.settlementTable(detail.settlements, name: "settlements", caption: "Settlements naming it"))
            return content
        }
    }

    static func vouchers(_ rows: [VoucherRow]) -> Table {
        var table = Table(
            name: "vouchers", caption: "Voucher lines",
            columns: ["Sequence", "Date", "Event", "Posting type", "Account", "Amount"])
        for row in rows {
            for line in row.lines {
                table.rows.append([
                    .number(row.sequence, link: "/events?after=\(row.sequence - 1)"), .text(row.date.description),
                    .text(row.eventType), .text(line.postingType.rawValue), .text(line.account), .number(line.amount),
                ])
            }
        }
        return table
    }

    /// Posted, then each adjustment a close or recalculation (or a reversal) made to it, with the cost after it.
    static func costHistory(_ detail: TransactionDetail) -> Table {
        let record = detail.row.record
        var table = Table(
            name: "cost-history", caption: "Cost history",
            columns: ["Date", "What", "Close", "Adjustment", "Cost after"])
        var cost = Total<Money>() + (record.financialValue + record.physicalOpenValue)
        table.rows.append([
            .text(record.date.description), .text("posted"), .text(""), .number(Money.zero), .number(cost),
        ])
        for settlement in detail.settlements where settlement.entry.transaction == record.id {
            guard !settlement.entry.adjustment.isZero else { continue }
            cost += settlement.entry.adjustment
            let close = settlement.closeSequence.map { Cell.text("#\($0)", link: "/close?seq=\($0)") } ?? .text("")
            table.rows.append([
                .text(settlement.date.description), .text("\(settlement.mode.name) \(settlement.kindName)"), close,
                .number(settlement.entry.adjustment), .number(cost),
            ])
        }
        return table
    }
}
