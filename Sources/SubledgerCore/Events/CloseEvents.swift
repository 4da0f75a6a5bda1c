/// Events of the inventory close and recalculation (valuation-rules.md section 4).

/// Close settles and locks; recalculation only adjusts (D13).
public enum CloseMode: UInt8, Sendable {
    case close = 1
    case recalculation = 2
    /// Compensating events of a reversed close or recalculation (D12).
    case reversal = 3

    public var name: String {
        switch self {
        case .close: return "close"
        case .recalculation: return "recalculation"
        case .reversal: return "reversal"
        }
    }
}

/// The settle model recorded on a settlement (AX InventSettleModel).
public enum SettleModel: UInt8, Sendable, CaseIterable {
    case fifo = 1, lifo = 2, lifoDate = 3, weightedAverage = 4, weightedAverageDate = 5, marking = 6
    /// Include physical value: an adjust-only valuation without settlement (D5).
    case physicalValue = 7
    /// A transfer's receipt leg following its issue leg's adjustment (D15).
    case transfer = 8

    public var name: String {
        switch self {
        case .fifo: return "fifo"
        case .lifo: return "lifo"
        case .lifoDate: return "lifo-date"
        case .weightedAverage: return "weighted-average"
        case .weightedAverageDate: return "weighted-average-date"
        case .marking: return "marking"
        case .physicalValue: return "physical-value"
        case .transfer: return "transfer"
        }
    }
}

/// One line of a close's result for a cost pool.
public struct SettlementEntry: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        /// An issue settled against a receipt: both consume `quantity`; the issue is adjusted.
        case settlement = 1
        /// An issue revalued without settlement (D5, or a recalculation): only the adjustment applies.
        case adjustment = 2
        /// A receipt consumed by a weighted average closing issue (D3): no adjustment, no GL.
        case consumption = 3
        /// A receipt (a transfer's receipt leg) adjusted by the amount of its issue leg (D15).
        case receiptAdjustment = 4
    }

    public var kind: Kind
    public var model: SettleModel
    /// The issue (or, for `consumption` and `receiptAdjustment`, the receipt being changed).
    public var transaction: String
    /// The receipt the issue settled against or was valued from ("" when none).
    public var counterpart: String
    /// Which financial part of the receipt (`TransactionRecord.parts`); 0 for a receipt in one part.
    public var part: Int
    /// Which financial part of the issue (an issue invoiced in parts settles part by part, 1.2); 0 for an
    /// issue in one part. Written from event version 2 of `settlement.posted` on.
    public var issuePart: Int
    public var quantity: Quantity
    /// Value taken from the receipt for `quantity`.
    public var settledAmount: Money
    /// Change of the transaction's cost: + means more cost on an issue, more value on a receipt.
    public var adjustment: Money
    /// The adjustment applies to the physically-only part (include physical value, D5).
    public var physical: Bool

    public init(
        kind: Kind, model: SettleModel, transaction: String, counterpart: String, part: Int = 0,
        issuePart: Int = 0, quantity: Quantity, settledAmount: Money, adjustment: Money, physical: Bool
    ) {
        self.kind = kind
        self.model = model
        self.transaction = transaction
        self.counterpart = counterpart
        self.part = part
        self.issuePart = issuePart
        self.quantity = quantity
        self.settledAmount = settledAmount
        self.adjustment = adjustment
        self.physical = physical
    }
}

/// The "weighted average inventory closing" receipt (D3): carries the full quantity and value of the
/// receipts its virtual issue consumed; what is not issued stays open on it.
public struct ClosingReceipt: Sendable, Equatable {
    public var id: String
    public var quantity: Quantity
    public var value: Money

    public init(id: String, quantity: Quantity, value: Money) {
        self.id = id
        self.quantity = quantity
        self.value = value
    }
}

/// The close's (or recalculation's) result for one cost pool, dated the closing date. Its GL lines post the
/// adjustments on the accounts each original transaction used (D16).
public struct SettlementPosted: Sendable, Equatable {
    public var mode: CloseMode
    public var item: String
    public var dimensions: DimensionValues
    public var closingReceipts: [ClosingReceipt]
    public var entries: [SettlementEntry]
    public var lines: [VoucherLine]

    public init(
        mode: CloseMode, item: String, dimensions: DimensionValues, closingReceipts: [ClosingReceipt],
        entries: [SettlementEntry], lines: [VoucherLine]
    ) {
        self.mode = mode
        self.item = item
        self.dimensions = dimensions
        self.closingReceipts = closingReceipts
        self.entries = entries
        self.lines = lines
    }
}

/// A close or recalculation reversed by compensation (D12): its `settlement.posted` events were negated
/// by the `settlement.posted` events (mode reversal) just before this one. The period reopens.
public struct CloseReversed: Sendable, Equatable {
    /// Sequence of the reversed close's `close.posted` event.
    public var closeSequence: Int64

    public init(closeSequence: Int64) { self.closeSequence = closeSequence }
}

/// The end of a close or recalculation through a date: a close locks every date up to it (D1).
/// The log lists what the close could not do: issues left open, issues posted at zero cost, negative on-hand
/// (typed notes from version 2 of `close.posted` on; version 1 stored English text, kept as recorded notes).
public struct ClosePosted: Sendable, Equatable {
    public var mode: CloseMode
    public var log: [CloseNote]

    public init(mode: CloseMode, log: [CloseNote]) {
        self.mode = mode
        self.log = log
    }
}
