// The events `GET /v1/transactions/{tx}` served, rendered (`events --json`'s object, serialized), by
// sequence. An event never changes once appended (the log is append-only, its command row and actor too),
// so its bytes can be served again as they are. What makes it pay: a close's `settlement.posted` event
// carries every entry of an item (150 KB of JSON on the benchmark ledger) and belongs to the detail of
// every transaction it settled; building and serializing it was most of such a request's time.

import Subledger

/// Rendered events up to `budget` bytes; the oldest go first when it is full. Touched only on the
/// ledger's queue (the `@unchecked Sendable` rests on that).
final class RenderedEvents: @unchecked Sendable {
    let budget: Int
    private var bytes: [Int64: [UInt8]] = [:]
    /// Sequences in the order they were rendered, from `oldest` on (the ones before were dropped).
    private var order: [Int64] = []
    private var oldest = 0
    private var total = 0

    init(budget: Int = 32 << 20) { self.budget = budget }

    /// The rendered event at `sequence`, read from `ledger` and kept when not known yet; nil past the log's end.
    func event(_ sequence: Int64, in ledger: Ledger) throws -> [UInt8]? {
        if let known = bytes[sequence] { return known }
        guard let row = try ledger.event(sequence: sequence) else { return nil }
        let rendered = Array(EventJSON.event(row).serialized().utf8)
        keep(rendered, at: sequence)
        return rendered
    }

    private func keep(_ rendered: [UInt8], at sequence: Int64) {
        guard rendered.count <= budget / 4 else { return }
        while total + rendered.count > budget, oldest < order.count {
            total -= bytes.removeValue(forKey: order[oldest])?.count ?? 0
            oldest += 1
        }
        if oldest > 1_024 && oldest * 2 > order.count {  // compact the dropped prefix now and then
            order.removeFirst(oldest)
            oldest = 0
        }
        bytes[sequence] = rendered
        order.append(sequence)
        total += rendered.count
    }

    /// Events kept and their bytes (for tests and metrics).
    var statistics: (events: Int, bytes: Int) { (bytes.count, total) }
}
