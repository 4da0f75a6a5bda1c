/// Inventory dimensions that can be financially tracked. Cost pools are per item and per combination of
/// the values of the item's financially tracked dimensions (valuation-rules.md 2.1).
public enum Dimension: String, Sendable, CaseIterable, Comparable {
    case site, warehouse, batch, serial

    public static func < (lhs: Dimension, rhs: Dimension) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Values of the four dimensions; an empty string means "not given".
public struct DimensionValues: Hashable, Sendable {
    public var site: String
    public var warehouse: String
    public var batch: String
    public var serial: String

    public init(site: String = "", warehouse: String = "", batch: String = "", serial: String = "") {
        self.site = site
        self.warehouse = warehouse
        self.batch = batch
        self.serial = serial
    }

    public static let none = DimensionValues()

    public subscript(dimension: Dimension) -> String {
        get {
            switch dimension {
            case .site: return site
            case .warehouse: return warehouse
            case .batch: return batch
            case .serial: return serial
            }
        }
        set {
            switch dimension {
            case .site: site = newValue
            case .warehouse: warehouse = newValue
            case .batch: batch = newValue
            case .serial: serial = newValue
            }
        }
    }

    /// Keeps only the values of `tracked` dimensions: the cost pool these values belong to.
    public func restricted(to tracked: DimensionSet) -> DimensionValues {
        DimensionValues(
            site: tracked.contains(.site) ? site : "",
            warehouse: tracked.contains(.warehouse) ? warehouse : "",
            batch: tracked.contains(.batch) ? batch : "",
            serial: tracked.contains(.serial) ? serial : "")
    }

    /// `site:S1,warehouse:W2` (only the values given), the notation of `transfer from=/to=`.
    public var description: String {
        Dimension.allCases.compactMap { self[$0].isEmpty ? nil : "\($0.rawValue):\(self[$0])" }
            .joined(separator: ",")
    }
}

/// A set of financially tracked dimensions, kept as a bit mask (cheap to copy and compare).
public struct DimensionSet: Hashable, Sendable {
    public var bits: UInt8

    public init(bits: UInt8) { self.bits = bits & 0b1111 }
    public init(_ dimensions: [Dimension]) {
        var bits: UInt8 = 0
        for dimension in dimensions { bits |= DimensionSet.bit(dimension) }
        self.bits = bits
    }

    public static let siteOnly = DimensionSet([.site])

    public func contains(_ dimension: Dimension) -> Bool { bits & DimensionSet.bit(dimension) != 0 }
    public var dimensions: [Dimension] { Dimension.allCases.filter(contains) }

    static func bit(_ dimension: Dimension) -> UInt8 {
        switch dimension {
        case .site: return 1
        case .warehouse: return 2
        case .batch: return 4
        case .serial: return 8
        }
    }
}

/// Identifies one cost pool: an item and the values of its financially tracked dimensions.
public struct PoolKey: Hashable, Sendable, Comparable {
    public var item: String
    public var dimensions: DimensionValues

    public init(item: String, dimensions: DimensionValues) {
        self.item = item
        self.dimensions = dimensions
    }

    /// Hashes the item and site, and the other dimensions only when given (behind a word saying which):
    /// equal keys hash equally, and a key without them (most pools) pays two `isEmpty` checks for them.
    /// Every value takes part so that many pools of one item and site (one per serial or batch) do not
    /// share a hash (DR-54 "Revised").
    public func hash(into hasher: inout Hasher) { feed(into: &hasher, seed: 0) }

    /// What `Dictionary` and `Set` call: the names fed by `NameHash`, the table's seed mixed in (DR-54).
    public func _rawHashValue(seed: Int) -> Int {
        var hasher = Hasher()
        feed(into: &hasher, seed: UInt64(UInt(bitPattern: seed)))
        return hasher.finalize()
    }

    @inline(__always)
    private func feed(into hasher: inout Hasher, seed: UInt64) {
        NameHash.feed(item, into: &hasher, seed: seed)
        NameHash.feed(dimensions.site, into: &hasher)
        var given: UInt64 = dimensions.warehouse.isEmpty ? 0 : 1
        if !dimensions.batch.isEmpty { given |= 2 }
        if !dimensions.serial.isEmpty { given |= 4 }
        guard given != 0 else { return }
        hasher.combine(given)
        if given & 1 != 0 { NameHash.feed(dimensions.warehouse, into: &hasher) }
        if given & 2 != 0 { NameHash.feed(dimensions.batch, into: &hasher) }
        if given & 4 != 0 { NameHash.feed(dimensions.serial, into: &hasher) }
    }

    public static func < (lhs: PoolKey, rhs: PoolKey) -> Bool {
        (lhs.item, lhs.dimensions.site, lhs.dimensions.warehouse, lhs.dimensions.batch, lhs.dimensions.serial)
            < (rhs.item, rhs.dimensions.site, rhs.dimensions.warehouse, rhs.dimensions.batch, rhs.dimensions.serial)
    }
}
