/// The costing setup of an item: model group and item-level prices (valuation-rules.md 2, 3).
public struct ItemSetup: Sendable, Equatable {
    public var id: String
    public var model: ValuationModel
    /// Physically-only rows take part in the running average (and in FIFO/LIFO close valuations).
    public var includePhysicalValue: Bool
    /// Default item cost: fallback of the running average (D7) and the fixed receipt price (3.8).
    public var defaultPrice: UnitPrice?
    /// Active standard cost (model `standard`).
    public var standardCost: UnitPrice?
    /// Posting group: picks the posting profile.
    public var postingGroup: String
    /// Financially tracked dimensions (default: site).
    public var dimensions: DimensionSet
    public var negativeInventoryAllowed: Bool
    public var fixedReceiptPrice: Bool

    public init(
        id: String, model: ValuationModel, includePhysicalValue: Bool = false,
        defaultPrice: UnitPrice? = nil, standardCost: UnitPrice? = nil, postingGroup: String = "",
        dimensions: DimensionSet = .siteOnly, negativeInventoryAllowed: Bool = true,
        fixedReceiptPrice: Bool = false
    ) {
        self.id = id
        self.model = model
        self.includePhysicalValue = includePhysicalValue
        self.defaultPrice = defaultPrice
        self.standardCost = standardCost
        self.postingGroup = postingGroup
        self.dimensions = dimensions
        self.negativeInventoryAllowed = negativeInventoryAllowed
        self.fixedReceiptPrice = fixedReceiptPrice
    }

    /// Moving average and standard cost always value physical rows (perpetual models).
    public var averagesPhysicalRows: Bool {
        includePhysicalValue || model == .movingAverage || model == .standard
    }
}
