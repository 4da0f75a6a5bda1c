// The benchmark workload: a JSON Lines import of N postings over M items of mixed models, in date order,
// generated from a fixed seed. Receipts outnumber issues so stock stays mostly positive; one in twenty
// receipts is a product receipt invoiced a few hundred lines later.

import Subledger

struct Workload {
    let postings: Int
    let items: Int
    /// A later slice of history (the tail after a close): February dates, ids prefixed, items already defined.
    var tail = false

    static let models = [
        "fifo", "lifo", "lifo-date", "weighted-average", "weighted-average-date", "standard",
        "moving-average",
    ]

    /// The JSON Lines text and the number of postings (receipts, issues, invoices) in it.
    func jsonLines() -> [UInt8] {
        var random = SplitMix64(seed: 42)
        var out: [UInt8] = []
        out.reserveCapacity(postings * 120 + items * 100)
        func line(_ text: String) {
            out.append(contentsOf: text.utf8)
            out.append(0x0A)
        }
        for index in 0..<items where !tail {
            let model = Workload.models[index % Workload.models.count]
            let standard = model == "standard" ? ",\"standard\":\"10.00\"" : ""
            line("{\"command\":\"item\",\"item\":\"I\(index)\",\"model\":\"\(model)\",\"price\":\"10.00\"\(standard)}")
        }
        var pendingInvoices: [(due: Int, tx: String)] = []
        var written = 0
        var serial = 0
        while written < postings {
            let day = 1 + (written * 28) / postings
            let date = (tail ? "2026-02-" : "2026-01-") + (day < 10 ? "0" : "") + String(day)
            if let first = pendingInvoices.first, first.due <= written {
                pendingInvoices.removeFirst()
                line("{\"command\":\"invoice\",\"date\":\"\(date)\",\"tx\":\"\(first.tx)\",\"cost\":\"10.25\"}")
                written += 1
                continue
            }
            serial += 1
            let item = Int(random.next(upTo: UInt64(items)))
            let qty = 1 + random.next(upTo: 20)
            if random.next(upTo: 10) < 6 {
                let cents = 800 + random.next(upTo: 500)
                let physical = random.next(upTo: 20) == 0
                let tx = (tail ? "TR" : "R") + String(serial)
                line(
                    "{\"command\":\"receive\",\"date\":\"\(date)\",\"item\":\"I\(item)\",\"tx\":\"\(tx)\",\"qty\":\"\(qty)\",\"cost\":\"\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)\",\"site\":\"S1\"\(physical ? ",\"physical\":true" : "")}"
                )
                if physical { pendingInvoices.append((written + 300, tx)) }
            } else {
                line(
                    "{\"command\":\"issue\",\"date\":\"\(date)\",\"item\":\"I\(item)\",\"tx\":\"\(tail ? "TS" : "S")\(serial)\",\"qty\":\"\(qty)\",\"site\":\"S1\"}"
                )
            }
            written += 1
        }
        return out
    }
}
