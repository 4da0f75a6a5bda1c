/// The hash chain and snapshot checksum check as `subledger verify --json` shows it.
public enum VerifyJSON {
    public static func document(_ verification: ChainReport, snapshots: [SnapshotChecksum]) -> JSONValue {
        var object: [(String, JSONValue)]
        switch verification {
        case .intact(let count, let lastHash):
            object = [
                ("intact", .bool(true)), ("events", JSONFields.int(count)),
                ("last_hash", .string(JSONFields.hex(lastHash))),
            ]
        case .broken(let sequence, let reason):
            object = [
                ("intact", .bool(false)), ("first_bad_sequence", JSONFields.int(sequence)),
                ("reason", .string(reason)),
            ]
        }
        let damaged = snapshots.filter(\.damaged).map(\.sequence)
        let unchecked = snapshots.filter { !$0.damaged }.map(\.sequence)
        object.append(("damaged_snapshots", .array(damaged.map { JSONFields.int($0) })))
        object.append(("unchecked_snapshots", .array(unchecked.map { JSONFields.int($0) })))
        return .object(object.map { JSONMember(key: $0.0, value: $0.1) })
    }
}
