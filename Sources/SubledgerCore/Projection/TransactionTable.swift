/// The projection's transactions by id (DR-33): the records in one dense array, in the order they were
/// added, and a hash table from id to place in it.
///
/// Why not `[String: TransactionRecord]`: a dictionary keeps at least a third of its ~260-byte buckets
/// empty and writes its records in hash order, so a table reserved for a million transactions is 2^21
/// buckets (550 MB) that the kernel zeroes page by page on first touch, a sixth of an import's CPU. Here
/// the hash table holds 20 bytes a bucket (the id and a place) and the records are written one after the
/// other: half the memory touched, and only as records arrive.
///
/// The API is the part of `Dictionary`'s the state's users need. Removing a record moves the last one
/// into its place (one more hash); iteration is in that order, which nothing may rely on (a dictionary's
/// was random per process): what is written out is sorted.
public struct TransactionTable: Sendable {
    public typealias Index = Int

    /// Keyed by `NameKey`: the id's own `==`, a cheaper hash than String's (DR-54).
    private var places: [NameKey: Int32] = [:]
    /// The key of each record, by place (a record's own id may differ from its key only in a damaged or
    /// hand-made snapshot; the key is what is looked up).
    public private(set) var keys: [String] = []
    /// The records, by place (`index(forKey:)`); changed in place through an index, never added to here.
    public internal(set) var values: [TransactionRecord] = []

    public init() {}

    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }
    /// How many records fit before the hash table grows.
    public var capacity: Int { places.capacity }

    public mutating func reserveCapacity(_ minimumCapacity: Int) {
        let before = places.capacity
        places.reserveCapacity(minimumCapacity)
        // Only when the hash table grew (to a power of two of buckets), and then to its capacity: an array
        // reserves exactly what it is asked, so a run of small reservations (a catch-up after each of
        // another writer's commands) would copy every record each time. A table already big enough was
        // advised (or not) when it was made.
        guard places.capacity != before else { return }
        keys.reserveCapacity(places.capacity)
        values.reserveCapacity(places.capacity)
        // Huge pages for the hash table only (DR-37): it is small and read at random, so 2 MiB pages save
        // TLB misses. The records are written in order, so 4 KiB pages fault in sequence and cheaply, while
        // a 2 MiB page the kernel must first find and zero whole cost the replay two thirds more CPU.
        HugePages.advise(&places)
    }

    /// The same records as a dictionary (a copy: for comparing and reporting, not for the fold).
    public var dictionary: [String: TransactionRecord] {
        Dictionary(uniqueKeysWithValues: zip(keys, values))
    }

    /// The place of the record under `key`, for changing it in place through `values`.
    public func index(forKey key: String) -> Int? {
        places[NameKey(key)].map { Int($0) }
    }

    public subscript(key: String) -> TransactionRecord? {
        get { places[NameKey(key)].map { values[Int($0)] } }
        set {
            if let newValue { insert(newValue, forKey: key) } else { removeValue(forKey: key) }
        }
    }

    /// Adds or replaces the record under `key`: one hash when it is new (the common case).
    private mutating func insert(_ record: consuming TransactionRecord, forKey key: String) {
        let place = Int32(truncatingIfNeeded: values.count)
        let key = NameKey(key)
        if let existing = places.updateValue(place, forKey: key) {
            places[key] = existing
            values[Int(existing)] = record
        } else {
            keys.append(key.name)
            values.append(record)
        }
    }

    /// Removes the record under `key`; the last record takes its place.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> TransactionRecord? {
        guard let place = places.removeValue(forKey: NameKey(key)).map({ Int($0) }) else { return nil }
        let last = values.count - 1
        if place != last {
            values.swapAt(place, last)
            keys.swapAt(place, last)
            places[NameKey(keys[place])] = Int32(truncatingIfNeeded: place)
        }
        keys.removeLast()
        return values.removeLast()
    }
}

extension TransactionTable: Sequence {
    public struct Iterator: IteratorProtocol {
        private let table: TransactionTable
        private var place = 0

        init(_ table: TransactionTable) { self.table = table }

        public mutating func next() -> (key: String, value: TransactionRecord)? {
            guard place < table.values.count else { return nil }
            defer { place += 1 }
            return (table.keys[place], table.values[place])
        }
    }

    public func makeIterator() -> Iterator { Iterator(self) }
    public var underestimatedCount: Int { values.count }
}

/// Equal when they hold the same records under the same keys, in whatever order (as dictionaries).
extension TransactionTable: Equatable {
    public static func == (lhs: TransactionTable, rhs: TransactionTable) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (key, record) in zip(lhs.keys, lhs.values) {
            guard let place = rhs.places[NameKey(key)], rhs.values[Int(place)] == record else { return false }
        }
        return true
    }
}
