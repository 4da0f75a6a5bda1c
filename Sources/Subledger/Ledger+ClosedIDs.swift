// Whether the history may hold an id, asked before looking it up (DR-52): an import names about a million
// new ids a month, and each lookup in `history_transactions`' id index grows with the history (month 6's
// import paid 0.76 s of CPU for them). The filter of closed ids answers "certainly not" for nearly all
// of them; "maybe" (every id the history holds, and about 1% of the others) goes on to the lookup, so the
// answers are the lookup's. It is loaded only after `closedIDLookupsBeforeLoading` lookups (one `post` would pay
// more for reading the filter, a few megabytes after a year, than for its one lookup), from the history's
// store (the file's tables, or PostgreSQL's, DR-53); a store without one (a filter not yet filled, an older
// schema) looks every id up.
// It is dropped whenever the history may have gained ids it lacks: this ledger's save of evicted rows,
// another writer's close caught up, a rebuild of the state.

internal import SubledgerStore

/// The filter of closed ids as this ledger knows it.
enum ClosedIDs {
    /// Not read yet; `lookups` ids were looked up directly meanwhile.
    case notLoaded(lookups: Int)
    case loaded(ClosedIDFilter)
    /// The store has none that covers its history: every id is looked up.
    case unavailable
}

extension Ledger {
    /// False when the history certainly holds no transaction `id`; true when it may (then look it up).
    func historyMayHold(_ id: String) throws -> Bool {
        switch closedIDs {
        case .loaded(let filter): return filter.mayContain(id)
        case .unavailable: return true
        case .notLoaded(let lookups) where lookups < closedIDLookupsBeforeLoading:
            closedIDs = .notLoaded(lookups: lookups + 1)
            return true
        case .notLoaded:
            try quiesceAppends()
            let filter = try (history as? any ClosedIDFilterSource).flatMap { store in
                try storeCall { () throws(StoreError) in try store.closedIDFilter() }
            }
            closedIDs = filter.map(ClosedIDs.loaded) ?? .unavailable
            return filter?.mayContain(id) ?? true
        }
    }
}
