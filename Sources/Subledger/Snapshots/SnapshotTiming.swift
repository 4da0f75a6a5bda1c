/// How loading from a snapshot compares with a full replay, in words: `2.1x faster`, or `1.3x slower`
/// when the load took longer (a small log, or a snapshot with a long tail). The ratio is always the
/// larger time over the smaller, so it never reads "0.5x faster".
public enum SnapshotTiming {
    public static func comparison(replayNanoseconds replay: Int64, loadNanoseconds load: Int64) -> String {
        load <= replay ? "\(tenths(replay, load))x faster" : "\(tenths(load, replay))x slower"
    }

    static func tenths(_ numerator: Int64, _ denominator: Int64) -> String {
        let tenths = max(numerator, 1) * 10 / max(denominator, 1)
        return "\(tenths / 10).\(tenths % 10)"
    }
}
