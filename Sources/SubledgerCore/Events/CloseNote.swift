/// What a close or recalculation could not do, or did in a way the user must know about: one note of its
/// log. Notes are data (a kind with a stable code and typed fields); their English text is rendered by
/// the Subledger layer, so rewording a message never changes what a recorded close says it did.
public enum CloseNote: Sendable, Equatable {
    /// A financially updated issue nothing settled: it keeps its cost.
    case unsettled(issue: String, item: String, dimensions: DimensionValues, quantity: Quantity)
    /// A marked issue whose receipt is not financially updated yet (3.7): not settled.
    case markedIssueWaiting(issue: String)
    /// An issue posted at zero cost (D7): no average, no default price.
    case postedAtZeroCost(issue: String, item: String)
    /// LIFO date with include physical value (D5): part of an issue valued from a physically-only
    /// receipt, adjust-only; the issue stays open.
    case valuedWithoutSettlement(issue: String, item: String, quantity: Quantity, receipt: String)
    /// A cost pool with a negative on-hand at the close.
    case negativeOnHand(item: String, dimensions: DimensionValues, quantity: Quantity)
    /// Pools whose transfers form a cycle: this one is closed before its sources, and the close iterates.
    case transferCycle(item: String, dimensions: DimensionValues)
    /// The iteration of a transfer cycle stopped while adjustments were still changing (4.1 step 4).
    case transferCycleUnresolved(iterations: Int)
    /// A line of a version-1 `close.posted`, which stored English text: kept verbatim, with the kind its
    /// text begins with. Its fields are not parsed back: ids are free text, so a parse could misread them,
    /// and the text is the only faithful record of what that close said.
    case recorded(Kind, String)

    /// The kind of a note, with its stable wire code (a byte) and its stable name (`code` in JSON).
    public enum Kind: UInt8, Sendable, CaseIterable {
        /// A recorded text line that begins like no kind below.
        case other = 0
        case unsettled = 1
        case markedIssueWaiting = 2
        case postedAtZeroCost = 3
        case valuedWithoutSettlement = 4
        case negativeOnHand = 5
        case transferCycle = 6
        case transferCycleUnresolved = 7

        public var name: String {
            switch self {
            case .other: return "other"
            case .unsettled: return "unsettled"
            case .markedIssueWaiting: return "marked-issue-waiting"
            case .postedAtZeroCost: return "posted-at-zero-cost"
            case .valuedWithoutSettlement: return "valued-without-settlement"
            case .negativeOnHand: return "negative-on-hand"
            case .transferCycle: return "transfer-cycle"
            case .transferCycleUnresolved: return "transfer-cycle-unresolved"
            }
        }

        /// The kind of a version-1 text line, by the prefixes the close queries sorted those lines by
        /// (and, for the kinds they filed under "other", by the planner's wording of that time).
        public init(recordedText line: String) {
            if line.hasPrefix("unsettled") {
                self = .unsettled
            } else if line.hasPrefix("marked issue") && line.hasSuffix("not settled") {
                self = .markedIssueWaiting
            } else if line.hasPrefix("posted at zero cost") {
                self = .postedAtZeroCost
            } else if line.hasPrefix("negative on-hand") {
                self = .negativeOnHand
            } else if line.hasPrefix("valued without settlement") {
                self = .valuedWithoutSettlement
            } else if line.hasPrefix("transfer cycle: adjustments still changing") {
                self = .transferCycleUnresolved
            } else if line.hasPrefix("transfer cycle") {
                self = .transferCycle
            } else {
                self = .other
            }
        }
    }

    public var kind: Kind {
        switch self {
        case .unsettled: return .unsettled
        case .markedIssueWaiting: return .markedIssueWaiting
        case .postedAtZeroCost: return .postedAtZeroCost
        case .valuedWithoutSettlement: return .valuedWithoutSettlement
        case .negativeOnHand: return .negativeOnHand
        case .transferCycle: return .transferCycle
        case .transferCycleUnresolved: return .transferCycleUnresolved
        case .recorded(let kind, _): return kind
        }
    }
}

/// The payload layout of a note (`close.posted` version 2 and the snapshot state): its tag, then its
/// fields. The tag of a typed note is its kind's code; a recorded text line is tag 0, its kind, its text.
extension PayloadWriter {
    public mutating func closeNote(_ note: CloseNote) {
        switch note {
        case .recorded(let kind, let text):
            byte(0); code(kind); string(text)
            return
        default:
            code(note.kind)
        }
        switch note {
        case .unsettled(let issue, let item, let dimensions, let quantity):
            string(issue); string(item); self.dimensions(dimensions); self.quantity(quantity)
        case .markedIssueWaiting(let issue):
            string(issue)
        case .postedAtZeroCost(let issue, let item):
            string(issue); string(item)
        case .valuedWithoutSettlement(let issue, let item, let quantity, let receipt):
            string(issue); string(item); self.quantity(quantity); string(receipt)
        case .negativeOnHand(let item, let dimensions, let quantity):
            string(item); self.dimensions(dimensions); self.quantity(quantity)
        case .transferCycle(let item, let dimensions):
            string(item); self.dimensions(dimensions)
        case .transferCycleUnresolved(let iterations):
            int(Int64(iterations))
        case .recorded:
            break
        }
    }
}

extension PayloadReader {
    public mutating func closeNote() throws(PayloadDecodingError) -> CloseNote {
        let tag = try byte()
        if tag == 0 {
            return .recorded(try code(), try string())
        }
        guard let kind = CloseNote.Kind(code: tag) else { throw fail("unknown close note kind \(tag)") }
        switch kind {
        case .unsettled:
            return .unsettled(
                issue: try string(), item: try string(), dimensions: try dimensions(),
                quantity: try quantity())
        case .markedIssueWaiting:
            return .markedIssueWaiting(issue: try string())
        case .postedAtZeroCost:
            return .postedAtZeroCost(issue: try string(), item: try string())
        case .valuedWithoutSettlement:
            return .valuedWithoutSettlement(
                issue: try string(), item: try string(), quantity: try quantity(),
                receipt: try string())
        case .negativeOnHand:
            return .negativeOnHand(item: try string(), dimensions: try dimensions(), quantity: try quantity())
        case .transferCycle:
            return .transferCycle(item: try string(), dimensions: try dimensions())
        case .transferCycleUnresolved:
            let iterations = try int()
            guard let count = Int(exactly: iterations), count >= 0 else {
                throw fail("iterations \(iterations) out of range")
            }
            return .transferCycleUnresolved(iterations: count)
        case .other:
            throw fail("close note kind 0 is only a recorded text's")
        }
    }
}
