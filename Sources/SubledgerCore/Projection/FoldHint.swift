/// Where `decide` found the cost pool that a receipt's or issue's one event changes, for the fold of that
/// event right after it (DR-68): the fold updates the pool at that place instead of hashing its key and
/// probing the table a second time for every imported line.
///
/// Valid only for the next event folded into the state it was decided on: `apply` uses it when the state's
/// last sequence is still the one it was decided after (no event folded in between, so no pool was added
/// and the index still addresses the table; a stale index would trap in `Dictionary`, never address
/// another pool's storage); otherwise it looks the pool up as before. Not part of the state's value.
public struct FoldHint {
    /// The state's last sequence when the command was decided.
    let after: Int64
    let pool: Dictionary<PoolKey, CostPool>.Index
}

extension LedgerState {
    /// Updates the pool `key` names in place: at `index` (the hint's place), else through the table (an
    /// empty pool added first when there is none). Inlined: as a call, its closure captured the event's
    /// payload by copy and cost more than the lookup it saves.
    @inline(__always)
    mutating func updatePool(
        _ key: PoolKey, at index: Dictionary<PoolKey, CostPool>.Index?,
        _ body: (inout CostPool) throws(FoldFailure) -> Void
    ) throws(FoldFailure) {
        if let index {
            // Decide found this pool under this item and dimensions in this very state (same last
            // sequence), so the key there is `key`. Checked in debug builds, where every test runs: in a
            // release build reading the key out (five names retained and released) cost half the lookup.
            assert(SettlementPlaces.same(pools.keys[index], key), "a fold hint for another pool")
            try body(&pools.values[index])
        } else {
            try body(&pools[key, default: CostPool()])
        }
    }
}
