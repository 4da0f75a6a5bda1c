import SubledgerCore
import SubledgerTestSupport
import Testing

/// DR-68: `decide` hands the place of the pool a receipt or issue changes to the fold of its one event
/// (`FoldHint`). Folding with the hint must give the state folding without it gives, and a hint is used
/// only for the event folded right after the state it was decided on.
struct FoldHintTests {
    typealias R = DecideRejectionTests

    /// Receipts and issues into pools that exist (hinted), a receipt into a new pool and one of a new
    /// item (no place to hint), moving average, standard, physical, and an invoice and transfer (never hinted).
    static let commands: [(name: String, text: String, hinted: Bool)] = [
        ("receive", "date=2026-01-05 item=F tx=H1 qty=4 cost=12.50 site=S1", true),
        ("issue", "date=2026-01-06 item=F tx=H2 qty=3 site=S1", true),
        ("receive", "date=2026-01-06 item=F tx=H3 qty=2 cost=3 site=S7", false),
        ("receive", "date=2026-01-06 item=F tx=H4 qty=2 cost=3 site=S7 physical=yes", true),
        ("issue", "date=2026-01-07 item=MA tx=H5 qty=1", true),
        ("receive", "date=2026-01-07 item=STD tx=H6 qty=1 cost=11", true),
        ("invoice", "date=2026-01-07 tx=PP cost=11", false),
        ("transfer", "date=2026-01-08 item=F tx=H7 qty=1 from=site:S1 to=site:S2", false),
        ("receive", "date=2026-01-08 item=MA0 tx=H8 qty=1 cost=2", false),
    ]

    static func event(_ state: LedgerState, _ command: LedgerCommand) throws -> (LedgerEvent, LedgerDate, FoldHint?) {
        var events: [(event: LedgerEvent, date: LedgerDate)] = []
        var hint: FoldHint?
        try state.decide(command, into: &events, hint: &hint)
        #expect(events.count == 1)
        return (events[0].event, events[0].date, hint)
    }

    @Test func theHintedFoldIsThePlainFold() throws {
        var hinted = try R.baseState()
        var plain = hinted
        for (name, text, expectsHint) in Self.commands {
            let (event, date, hint) = try Self.event(hinted, try R.command(name, text))
            #expect((hint != nil) == expectsHint, "\(name) \(text)")
            try hinted.apply(event, date: date, sequence: hinted.lastSequence + 1, hint: hint)
            try plain.apply(event, date: date, sequence: plain.lastSequence + 1)
            #expect(hinted == plain, "\(name) \(text)")
        }
        #expect(hinted.pools.count == plain.pools.count)
    }

    /// Two commands decided on one state, for two pools: once the first is folded, the second's hint is
    /// stale and must not be used (had it been, the first pool's place would take the second's event).
    @Test func aHintIsUsedOnlyRightAfterTheStateItWasDecidedOn() throws {
        var hinted = try R.baseState()
        var plain = hinted
        let (first, firstDate, firstHint) = try Self.event(
            hinted, try R.command("receive", "date=2026-01-05 item=F tx=H1 qty=4 cost=12.50 site=S1"))
        let (second, secondDate, secondHint) = try Self.event(
            hinted, try R.command("receive", "date=2026-01-05 item=F2 tx=H2 qty=1 cost=2 site=S1"))
        #expect(firstHint != nil && secondHint != nil)
        try hinted.apply(second, date: secondDate, sequence: hinted.lastSequence + 1)
        try plain.apply(second, date: secondDate, sequence: plain.lastSequence + 1)
        // The second command's hint, decided before the second event was folded, given with the first
        // event: one event old, so ignored (used, it would put the first event into the second's pool).
        try hinted.apply(first, date: firstDate, sequence: hinted.lastSequence + 1, hint: secondHint)
        try plain.apply(first, date: firstDate, sequence: plain.lastSequence + 1)
        #expect(hinted == plain)
    }
}
