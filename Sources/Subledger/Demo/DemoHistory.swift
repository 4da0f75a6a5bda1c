import SubledgerCore
internal import SubledgerStore

/// A bundled demo history: six items over every kind of model, two sites, three months of purchases
/// (some received first and invoiced later), sales, journals, a transfer between sites, a standard cost
/// change and a moving-average revaluation. Generated from a fixed seed, so it is the same everywhere.
/// The demo then closes its first month, so a newcomer sees a close, its settlements and a
/// reconciliation at once.
public enum DemoHistory {
    public static let commandID = "demo-history-v1"
    public static let closeCommandID = "demo-close-2026-01"
    public static let closeDate = LedgerDate(year: 2026, month: 1, day: 31)!

    /// Prices are the demo's own literals, never input, so `price` may `try!`: a typo fails every demo test.
    public static func commands() -> [LedgerCommand] {
        var random = SplitMix64(seed: 20_260_101)
        var commands: [LedgerCommand] = []
        func price(_ text: String) -> UnitPrice { try! UnitPrice(parsing: text) }
        let items: [ItemSetup] = [
            ItemSetup(id: "BOLT-M8", model: .fifo, defaultPrice: price("0.45"), dimensions: DimensionSet([.site])),
            ItemSetup(id: "NUT-M8", model: .lifo, defaultPrice: price("0.12")),
            ItemSetup(id: "OIL-5L", model: .weightedAverage, includePhysicalValue: true, defaultPrice: price("18.00")),
            ItemSetup(id: "PAINT-RED", model: .weightedAverageDate, defaultPrice: price("31.50")),
            ItemSetup(id: "MOTOR-2KW", model: .standard, standardCost: price("250.00"), postingGroup: "machines"),
            ItemSetup(id: "CABLE-3M", model: .movingAverage, defaultPrice: price("4.10")),
        ]
        commands += items.map { .defineItem($0) }
        commands.append(
            .setAccounts(
                group: "machines",
                accounts: [
                    .init(.inventory, "1460"), .init(.cogs, "5060"), .init(.ppv, "5160"),
                ]))
        let basePrices = [
            "BOLT-M8": 45, "NUT-M8": 12, "OIL-5L": 1800, "PAINT-RED": 3150, "MOTOR-2KW": 25_000,
            "CABLE-3M": 410,
        ]
        var counter = 0
        // Physical on-hand per item at the selling site, so the demo never sells what is not there.
        var onHandWest: [String: Int64] = [:]
        var openPhysical: [(tx: String, item: String, due: Int)] = []
        for month in 1...3 {
            for day in stride(from: 2, through: 27, by: 1) {
                let date = LedgerDate(year: 2026, month: month, day: day)!
                // Invoices for product receipts received about a week earlier.
                while let first = openPhysical.first, first.due <= month * 100 + day {
                    openPhysical.removeFirst()
                    let base = basePrices[first.item]!
                    let invoiced = base + Int(random.next(upTo: 7)) - 3
                    commands.append(
                        .invoice(
                            .init(
                                date: date, transaction: first.tx,
                                unitPrice: UnitPrice(units: Int64(invoiced) * 100))))
                }
                for item in items where random.next(upTo: 4) == 0 {
                    counter += 1
                    let base = basePrices[item.id]!
                    let site = item.id == "BOLT-M8" && random.next(upTo: 3) == 0 ? "EAST" : "WEST"
                    let quantity = Quantity(whole: Int64(5 + random.next(upTo: 20)))
                    let unit = UnitPrice(units: Int64(base + Int(random.next(upTo: 9)) - 4) * 100)
                    let physical = random.next(upTo: 4) == 0
                    let tx = "P\(counter)"
                    if site == "WEST" { onHandWest[item.id, default: 0] += quantity.units / 10_000 }
                    commands.append(
                        .receive(
                            .init(
                                date: date, item: item.id, transaction: tx, quantity: quantity,
                                unitPrice: unit, physicalOnly: physical,
                                dimensions: DimensionValues(site: site))))
                    if physical { openPhysical.append((tx, item.id, month * 100 + day + 6)) }
                }
                for item in items where random.next(upTo: 3) == 0 {
                    let wanted = Int64(2 + random.next(upTo: 12))
                    let available = onHandWest[item.id, default: 0] - (item.id == "BOLT-M8" ? 10 : 0)
                    guard wanted <= available else { continue }
                    onHandWest[item.id, default: 0] -= wanted
                    counter += 1
                    let journal = random.next(upTo: 10) == 0
                    commands.append(
                        .issue(
                            .init(
                                date: date, item: item.id, transaction: "S\(counter)",
                                quantity: Quantity(whole: wanted),
                                kind: journal ? .journal : .sale,
                                dimensions: DimensionValues(site: "WEST"))))
                }
            }
            onHandWest["BOLT-M8", default: 0] -= 10
            commands.append(
                .transfer(
                    .init(
                        date: LedgerDate(year: 2026, month: month, day: 28)!, item: "BOLT-M8",
                        transaction: "T\(month)", quantity: Quantity(whole: 10),
                        from: DimensionValues(site: "WEST"), to: DimensionValues(site: "EAST"))))
            let monthEnd = LedgerDate(year: 2026, month: month, day: 28)!
            if month == 2 {
                commands.append(
                    .activateStandardCost(.init(date: monthEnd, item: "MOTOR-2KW", unitCost: price("255.00"))))
            }
            if month == 3 {
                commands.append(
                    .revalue(
                        .init(
                            date: monthEnd, item: "CABLE-3M", unitCost: price("4.25"),
                            dimensions: DimensionValues(site: "WEST"))))
            }
        }
        return commands
    }
}

/// What `Ledger.runDemo` did: the history, and the close of its first month (nil when that month was
/// already closed by a close of the user's own).
public struct DemoResult: Sendable {
    public var history: CommandResult
    public var close: CommandResult?
}

/// The demo history would mix its items and postings into someone's books.
public enum DemoError: Error, CustomStringConvertible {
    case notEmpty(events: Int64)

    public var description: String {
        switch self {
        case .notEmpty(let events):
            return "the ledger already holds \(events) events that are not the demo's; load the demo into a new file"
        }
    }
}

extension Ledger {
    /// Writes the demo history as one command (idempotent: a second run appends nothing), without the
    /// close: tests build their own closes on it. Refuses a ledger whose log holds events and not the
    /// demo's (`DemoError.notEmpty`).
    @discardableResult
    public func loadDemo() throws -> CommandResult {
        let events = try LedgerError.sealing { try log.lastSequence() }
        if events > 0, try LedgerError.sealing({ try log.command(id: DemoHistory.commandID) }) == nil {
            throw DemoError.notEmpty(events: events)
        }
        return try executeBatch(commandID: DemoHistory.commandID, kind: "demo") { submit in
            for command in DemoHistory.commands() { try submit(command) }
        }
    }

    /// The demo: the history, then the close of its first month (which stores a period snapshot, like
    /// every close). Both have fixed command ids, so running the demo again appends nothing.
    @discardableResult
    public func runDemo() throws -> DemoResult {
        let history = try loadDemo()
        do {
            let close = try execute(.close(DemoHistory.closeDate), commandID: DemoHistory.closeCommandID)
            return DemoResult(history: history, close: close)
        } catch let rejection as Rejection where rejection.code == .periodClosed {
            return DemoResult(history: history, close: nil)
        }
    }
}

/// A small seeded generator (SplitMix64): the same sequence on every machine, for demos and tests.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    public mutating func next(upTo bound: UInt64) -> UInt64 { next() % bound }
}
