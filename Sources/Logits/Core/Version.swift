/// Library-wide constants.
public enum LogitsLibrary {
    /// The Logits version, written into model files and printed by `logits info`.
    public static let version = "0.1.0"
}
