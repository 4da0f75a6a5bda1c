// The event log, a page at a time: sequence, date, type, what it refers to, the command, who posted it
// (the token's name; none for the local CLI) and the chain hash. The verify button re-checks the chain.

import Subledger

enum EventPages {
    static let perPage = 100

    static func list(_ ledger: ConsoleLedger, _ request: PageRequest) async throws -> PageContent {
        let after = try request.integer("after")
        let viewer = request.viewer
        return try await ledger.read { ledger in
            let rows = try ledger.events(after: after, limit: perPage)
            let last = ledger.state.lastSequence
            var content = PageContent(title: "Event log")
            content.add(
                HTML("<form method=\"post\" action=\"/events/verify\" class=\"inline\">") + Layout.csrfField(viewer)
                    + HTML("<button type=\"submit\">Verify the hash chain</button></form> ")
                    + HTML("<form method=\"get\" action=\"/events\" class=\"inline\"><label>From sequence ")
                    + HTML("<input name=\"after\" size=\"10\" value=\"\(after)\"></label> <button>Go</button></form>")
                    + HTML("<p>\(NumberText.grouped(String(last))) events in the log.</p>"))
            var table = table(
                rows, items: ledger.state.items, name: "events", caption: "Events after sequence \(after)")
            if let end = rows.last?.stored.sequence, end < last { table.next = "/events?after=\(end)" }
            if after > 0 { table.previous = "/events" }
            content.add(table)
            return content
        }
    }

    static func table(_ rows: [EventRow], items: [String: ItemSetup], name: String, caption: String) -> Table {
        var table = Table(
            name: name, caption: caption,
            columns: ["Sequence", "Date", "Type", "Reference", "Command", "Posted by", "Recorded at", "Hash"])
        table.rows = rows.map { row in
            let reference = EventRendering.reference(row.event)
            let link = referenceLink(row, reference, items)
            return [
                .number(row.stored.sequence, link: "/events?after=\(row.stored.sequence - 1)"),
                .text(row.stored.envelope.date.description), .text(row.stored.envelope.type),
                .text(reference, link: link), .text(row.stored.commandID), .text(row.actor ?? "local CLI"),
                .text(JSONFields.utcTimestamp(milliseconds: row.stored.recordedAt)),
                hashCell(JSONFields.hex(row.stored.hash)),
            ]
        }
        return table
    }

    /// The first 16 hex digits on screen (enough to tell events apart), all 64 in the CSV.
    static func hashCell(_ hex: String) -> Cell {
        Cell(value: hex, link: nil, numeric: false, display: String(hex.prefix(16)) + "…")
    }

    /// Items and transactions have pages; a chart of accounts or a reversal refers to neither.
    static func referenceLink(_ row: EventRow, _ reference: String, _ items: [String: ItemSetup]) -> String? {
        let type = row.stored.envelope.type
        if type == "close.posted" { return "/close?seq=\(row.stored.sequence)" }
        if reference.isEmpty || type.hasPrefix("accounts.") || type == "close.reversed" { return nil }
        return items[reference] != nil ? URLText.path("/item", [("id", reference)]) : TransactionView.link(reference)
    }

    /// The outcome of the verify button's check (run by `ConsoleApp`, off the ledger's queue).
    static func verified(_ check: ChainCheckResult) -> PageContent {
        var content = PageContent(title: "Hash chain")
        content.add(
            HTML("<p>Checked at ") + HTML.text(JSONFields.utcTimestamp(milliseconds: check.checkedAt)) + HTML("</p>"))
        switch check.report {
        case .intact(let count, let hash):
            content.add(
                HTML("<p class=\"ok\">Intact: \(NumberText.grouped(String(count))) events, every hash matches.</p>")
                    + HTML("<p>Newest hash <code>\(JSONFields.hex(hash))</code></p>"))
        case .broken(let sequence, let reason):
            content.add(
                HTML("<p class=\"error\">Broken at sequence \(sequence): ") + HTML.text(reason) + HTML("</p>"))
        }
        content.add(HTML.link("/events", "Back to the event log"))
        return content
    }
}
