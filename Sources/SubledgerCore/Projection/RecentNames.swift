/// The last few names a table was asked for and their places, searched before the table itself: the GL's
/// accounts (a handful, hit again on nearly every event by the range check and the fold).
///
/// Why not an array of (name, slot) compared with `NameHash.same` (DR-54): reading each candidate's String
/// out of the array retained and released it, two calls per candidate, more than the compare (DR-65). Here
/// a small ASCII name is also kept as its two words (`SmallName.words`), trivial values read in place, and
/// a small name is compared by those alone. Any other name is compared with `==`. A name found here is
/// equal to the one asked for; one not found is looked up in the table, so what this misses (a small name
/// asked for under a canonically equivalent non-ASCII spelling kept here) costs a hash, never an answer.
struct RecentNames: Sendable {
    /// A name's words, or `unset` (whose top nibble no small name's words have: they hold a count <= 15
    /// there with the flags cleared) for a name that is not small ASCII.
    private var words: [(UInt64, UInt64)] = []
    private var names: [String] = []
    private var slots: [Int] = []
    private static let capacity = 8
    private static let unset: (UInt64, UInt64) = (.max, .max)

    init() {}

    @inline(__always)
    func slot(of name: String) -> Int? {
        if let key = SmallName.words(name) {
            for position in words.indices where words[position].0 == key.0 && words[position].1 == key.1 {
                return slots[position]
            }
            return nil
        }
        for position in names.indices where names[position] == name { return slots[position] }
        return nil
    }

    /// Keeps `name` at `slot`, forgetting the oldest beyond the capacity.
    mutating func remember(_ name: String, slot: Int) {
        if words.count == Self.capacity {
            words.removeFirst()
            names.removeFirst()
            slots.removeFirst()
        }
        words.append(SmallName.words(name) ?? Self.unset)
        names.append(name)
        slots.append(slot)
    }
}
