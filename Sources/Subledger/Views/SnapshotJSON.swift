/// Period snapshots as `subledger snapshot take|list --json` show them.
public enum SnapshotJSON {
    /// `{"snapshots": [...]}`.
    public static func document(_ infos: [SnapshotInfo]) -> JSONValue {
        ["snapshots": .array(infos.map(info))]
    }

    public static func info(_ info: SnapshotInfo) -> JSONValue {
        [
            "sequence": JSONFields.int(info.sequence),
            "business_date": JSONFields.string(info.businessDate?.description),
            "created_at": JSONFields.int(info.createdAt), "format": JSONFields.int(info.format),
            "bytes": JSONFields.int(info.bytes),
        ]
    }
}
