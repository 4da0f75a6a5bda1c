// The frame of every page: the navigation, who is logged in (and the logout form), the content.

enum Layout {
    static let sections: [(path: String, title: String)] = [
        ("/", "Overview"), ("/items", "Items"), ("/closes", "Closes"), ("/events", "Event log"),
        ("/reconciliation", "Reconciliation"),
    ]

    static func page(_ content: PageContent, _ request: PageRequest?) -> HTML {
        var body = HTML("<header><nav>")
        for section in sections {
            let current = request?.path == section.path ? " aria-current=\"page\"" : ""
            body = body + HTML("<a href=\"\(section.path)\"\(current)>\(section.title)</a>")
        }
        body = body + HTML("</nav>")
        if let viewer = request?.viewer {
            body =
                body + HTML("<form method=\"post\" action=\"/logout\" class=\"who\"><span>")
                + HTML.text("\(viewer.name) (\(viewer.roleName))") + HTML("</span>") + csrfField(viewer)
                + HTML("<button type=\"submit\">Log out</button></form>")
        }
        body = body + HTML("</header><main><h1>") + HTML.text(content.title) + HTML("</h1>")
        for block in content.blocks {
            switch block {
            case .html(let html): body = body + html
            case .table(let table): body = body + table.html(csvLink: csvLink(table, request))
            }
        }
        return document(title: content.title, body: body + HTML("</main>"))
    }

    static func document(title: String, body: HTML) -> HTML {
        HTML("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            + HTML("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
            + HTML.text(title + " · Subledger") + HTML("</title><link rel=\"stylesheet\" href=\"/console.css\">")
            + HTML("</head><body>") + body + HTML("</body></html>")
    }

    static func csrfField(_ viewer: Viewer) -> HTML {
        HTML("<input type=\"hidden\" name=\"csrf\" value=\"") + HTML.text(viewer.session.csrf) + HTML("\">")
    }

    /// The page's own address with `format=csv` and the table's name.
    static func csvLink(_ table: Table, _ request: PageRequest?) -> String {
        guard let request else { return "" }
        var parameters = request.query.filter { $0.key != "format" && $0.key != "table" && $0.key != "csrf" }
            .sorted { $0.key < $1.key }.map { ($0.key, Optional($0.value)) }
        parameters += [("format", "csv"), ("table", table.name)]
        return URLText.path(request.path, parameters)
    }
}

/// A wide table (a close's totals, its settlements) scrolls inside its own box, both ways, with its
/// header row kept in view; the page itself never scrolls sideways, the heading and the CSV link stay put.
enum Stylesheet {
    static let text = """
        body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fafafa}
        header{display:flex;justify-content:space-between;align-items:center;background:#24364b;padding:0 16px}
        nav a{color:#fff;text-decoration:none;padding:12px 10px;display:inline-block}
        nav a[aria-current]{background:#3b5676}
        header .who{color:#dde;display:flex;gap:8px;align-items:center}
        main{padding:8px 24px 40px;max-width:1200px}
        h1{font-size:22px}h2{font-size:17px;margin:24px 0 6px}
        table{border-collapse:collapse;background:#fff;margin:4px 0}
        section.table table{display:block;width:fit-content;max-width:100%;max-height:80vh;overflow:auto}
        th,td{border:1px solid #d5d9de;padding:3px 8px;text-align:left;white-space:nowrap}
        th{background:#eef1f4;position:sticky;top:0;box-shadow:0 1px #d5d9de}
        td.n{text-align:right;font-variant-numeric:tabular-nums}
        tfoot td{font-weight:bold}
        .tools{margin:0;font-size:12px}.pager{margin:6px 0}
        .error{color:#a40000;font-weight:bold}.ok{color:#16651d;font-weight:bold}
        .hint{color:#555}.facts td:first-child{font-weight:bold}
        form.inline{display:inline}.actions,form[action="/run"]{margin:16px 0}
        form.login{margin:16px 0}form.login input{width:32em;margin:0 8px}
        button{padding:4px 12px}.danger{background:#a40000;color:#fff;border:0}
        svg.chart{background:#fff;border:1px solid #d5d9de}
        svg.chart .line{fill:none;stroke:#24588f;stroke-width:1.5}
        svg.chart .close{stroke:#c2410c;stroke-dasharray:3 3}
        svg.chart text{font-size:11px;fill:#333}
        """
}
