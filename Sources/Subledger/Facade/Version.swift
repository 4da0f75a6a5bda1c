/// The version of Subledger, the library and its command line (`subledger --version`).
public enum SubledgerVersion {
    public static let current = "0.10.0"
}
