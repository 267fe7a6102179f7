/// LogitsMetrics: multi-class and multi-label metrics and curves, computed on raw scores (logits by
/// default), matching scikit-learn. Independent of the network code: plain arrays in, results out.
public enum LogitsMetricsLibrary {
    public static let version = "0.1.0"
}
