import SubledgerCore
internal import SubledgerStore

/// The GL side of a drill-down: the lines of every event dated on or before a date, on some accounts,
/// summed per source (the transaction, settlement voucher or pool revaluation each line belongs to).
struct GLAttribution {
    /// Per account, the amount of each source.
    var amounts: [String: [AuditSource: Money]] = [:]
    /// Readable names of settlement vouchers and other events, from the events themselves.
    var labels: [AuditSource: String] = [:]

    static func scan(_ ledger: Ledger, asOf date: LedgerDate, accounts: Set<String>) throws -> GLAttribution {
        var result = GLAttribution()
        try LedgerError.sealing {
            try ledger.log.scan(after: 0, through: nil) { view in
                guard view.date <= date else { return }
                result.add(try Replay.decode(view), sequence: view.sequence, accounts: accounts)
            }
        }
        return result
    }

    mutating func add(_ event: LedgerEvent, sequence: Int64, accounts: Set<String>) {
        let lines = event.lines
        guard lines.contains(where: { accounts.contains($0.account) }) else { return }
        func post(_ source: AuditSource, _ line: VoucherLine) {
            guard accounts.contains(line.account) else { return }
            amounts[line.account, default: [:]][source, default: .zero] += line.amount
        }
        switch event {
        case .receiptPosted(let e): for line in lines { post(.transaction(e.transaction), line) }
        case .issuePosted(let e): for line in lines { post(.transaction(e.transaction), line) }
        case .invoicePosted(let e): for line in lines { post(.transaction(e.transaction), line) }
        case .transferPosted(let e): for line in lines { post(.transaction(e.transaction), line) }
        case .receiptAdjusted(let e): for line in lines { post(.transaction(e.transaction), line) }
        case .settlementPosted(let e):
            labels[.settlement(sequence)] = "\(e.mode.name) #\(sequence) \(Self.pool(e.item, e.dimensions))"
            for line in lines { post(.settlement(sequence), line) }
        case .standardCostActivated(let e):
            // The voucher revalues the physically-only transactions first (one inventory-received or
            // inventory-shipped line each, in order), then the financial on-hand of each pool (one inventory
            // line per pool with a change, in order).
            var physical = e.transactions.makeIterator()
            var pools = e.revaluations.filter { !$0.financialDelta.isZero }.makeIterator()
            labels[.event(sequence)] = "standard-cost #\(sequence) \(e.item)"
            for line in lines {
                switch line.postingType {
                case .inventoryReceived, .inventoryShipped:
                    if let next = physical.next() {
                        post(.transaction(next.transaction), line)
                    } else {
                        post(.event(sequence), line)
                    }
                case .inventory:
                    if let next = pools.next() {
                        post(.revaluation(PoolKey(item: e.item, dimensions: next.dimensions)), line)
                    } else {
                        post(.event(sequence), line)
                    }
                default: post(.event(sequence), line)
                }
            }
        case .movingAverageRevalued(let e):
            labels[.event(sequence)] = "revalue #\(sequence) \(e.item)"
            for line in lines {
                post(
                    line.postingType == .inventory
                        ? .revaluation(PoolKey(item: e.item, dimensions: e.dimensions))
                        : .event(sequence), line)
            }
        case .itemDefined, .accountsSet, .markPosted, .closePosted, .closeReversed:
            break
        }
    }

    static func pool(_ item: String, _ dimensions: DimensionValues) -> String {
        let text = dimensions.description
        return text.isEmpty ? item : "\(item) \(text)"
    }
}
