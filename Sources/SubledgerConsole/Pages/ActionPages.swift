// Close, recalculate, reverse the latest close: shown to the `close` role only, each behind a confirmation
// page that says what will happen; the confirmation's form carries the CSRF token and a command id made
// for it, so a form sent twice closes once.

import Subledger

enum ActionPages {
    enum Action: String {
        case close, recalculate, reverse
    }

    /// The three buttons (GET forms to the confirmation page: nothing changes yet).
    static func buttons(_ ledger: Ledger) -> HTML {
        let date = HTML.text(ledger.state.latestBusinessDate.description)
        func form(_ action: Action, _ label: String, dated: Bool) -> HTML {
            HTML("<form method=\"get\" action=\"/confirm\" class=\"inline\">")
                + HTML("<input type=\"hidden\" name=\"action\" value=\"\(action.rawValue)\">")
                + (dated ? HTML("<input name=\"date\" size=\"10\" value=\"") + date + HTML("\"> ") : "")
                + HTML("<button type=\"submit\">\(label)…</button></form> ")
        }
        return HTML("<div class=\"actions\">") + form(.close, "Close the period", dated: true)
            + form(.recalculate, "Recalculate", dated: true) + form(.reverse, "Reverse the latest close", dated: false)
            + HTML("</div>")
    }

    static func parse(_ request: PageRequest) throws -> (Action, LedgerDate?) {
        guard request.viewer.canClose else {
            throw ConsoleError.forbidden(
                "Token '\(request.viewer.name)' has role \(request.viewer.roleName); this needs close.")
        }
        guard let action = request.string("action").flatMap(Action.init(rawValue:)) else {
            throw ConsoleError.badRequest("action must be close, recalculate or reverse")
        }
        let date = try request.date("date")
        if action != .reverse && date == nil {
            throw ConsoleError.badRequest("a close and a recalculation need a date")
        }
        return (action, date)
    }

    /// The open transactions dated through `day`. A record is dated by its event, so through the latest
    /// business date it is every one of them, counted without a scan; an earlier date counts the records in
    /// place, without copying them into a filtered array (which took 31-70 ms on the closed 1M ledger).
    static func openTransactions(through day: LedgerDate, _ state: LedgerState) -> Int {
        let records = state.transactions.values
        if day >= state.latestBusinessDate { return records.count }
        var count = 0
        for index in records.indices where records[index].date <= day { count += 1 }
        return count
    }

    static func confirm(_ ledger: ConsoleLedger, _ request: PageRequest) async throws -> PageContent {
        let (action, date) = try parse(request)
        let viewer = request.viewer
        return try await ledger.read { ledger in
            var content = PageContent(title: "Confirm: \(title(action, date))")
            switch action {
            case .close, .recalculate:
                let day = date ?? ledger.state.latestBusinessDate
                let open = openTransactions(through: day, ledger.state)
                content.add(
                    HTML("<p>This \(action == .close ? "closes" : "recalculates") the inventory through ")
                        + HTML.text(day.description) + HTML(": it settles the issues dated through that date against ")
                        + HTML("the receipts, adjusts their cost and posts the adjustments to the GL")
                        + HTML(
                            action == .close ? ", then locks the period through that date." : " (nothing is locked).")
                        + HTML("</p><p>\(NumberText.grouped(String(open))) open transactions are dated through it; ")
                        + HTML("locked through now: ") + HTML.text(ledger.state.closedThrough?.description ?? "—")
                        + HTML(".</p>"))
            case .reverse:
                guard let latest = try ledger.closeSummaries().last(where: \.isInForce),
                    let run = try ledger.closeSummary(sequence: latest.sequence)
                else {
                    throw ConsoleError.badRequest("There is no close in force to reverse.")
                }
                content.add(
                    HTML("<p>This reverses the run below: every settlement entry and GL line it posted is negated. ")
                        + HTML.link("/close?seq=\(run.sequence)", "Its settlements")
                        + HTML(" are on its page.</p>"))
                var totals = Table(name: "run", caption: "The run reversed", columns: ClosePages.totalsColumns)
                totals.rows = [ClosePages.closeRow(run)]
                content.add(totals)
                var lines = ClosePages.byAccount(run)
                lines.caption = "GL lines the reversal negates (summed per account, as posted)"
                content.add(lines)
            }
            content.add(runForm(action, date, viewer))
            return content
        }
    }

    static func title(_ action: Action, _ date: LedgerDate?) -> String {
        switch action {
        case .close: return "close through \(date?.description ?? "")"
        case .recalculate: return "recalculate through \(date?.description ?? "")"
        case .reverse: return "reverse the latest close"
        }
    }

    static func runForm(_ action: Action, _ date: LedgerDate?, _ viewer: Viewer) -> HTML {
        HTML("<form method=\"post\" action=\"/run\">") + Layout.csrfField(viewer)
            + HTML("<input type=\"hidden\" name=\"action\" value=\"\(action.rawValue)\">")
            + HTML("<input type=\"hidden\" name=\"date\" value=\"") + HTML.text(date?.description ?? "") + HTML("\">")
            + HTML(
                "<input type=\"hidden\" name=\"command\" value=\"console-\(SessionStore.randomToken().prefix(32))\">")
            + HTML("<button type=\"submit\" class=\"danger\">Yes, ") + HTML.text(title(action, date))
            + HTML("</button> <a href=\"/closes\">Cancel</a></form>")
    }

    static func run(_ ledger: ConsoleLedger, _ request: PageRequest) async throws -> PageContent {
        let (action, date) = try parse(request)
        let actor = request.viewer.actor
        let commandID = request.string("command")
        let command: LedgerCommand
        switch (action, date) {
        case (.close, .some(let date)): command = .close(date)
        case (.recalculate, .some(let date)): command = .recalculate(date)
        case (.reverse, _): command = .reverseClose(date: nil, through: nil)
        default: throw ConsoleError.badRequest("a close and a recalculation need a date")
        }
        let result = try await ledger.read { ledger in
            try ledger.execute(command, commandID: commandID, actor: actor)
        }
        var content = PageContent(title: "Done: \(title(action, date))")
        content.add(
            HTML("<p class=\"ok\">") + HTML.text(result.summary) + HTML("</p><p>Events ")
                + HTML.link(
                    "/events?after=\(result.firstSequence - 1)", "\(result.firstSequence)–\(result.lastSequence)")
                + HTML(" · ") + HTML.link("/closes", "Closes") + HTML("</p>"))
        return content
    }
}
