/// Confusion counts of one binary problem (one class vs the rest, one label, or one sample's labels).
public struct BinaryConfusion: Sendable, Equatable {
    public var tp: Int = 0
    public var fp: Int = 0
    public var fn: Int = 0
    public var tn: Int = 0

    public init(tp: Int = 0, fp: Int = 0, fn: Int = 0, tn: Int = 0) {
        self.tp = tp; self.fp = fp; self.fn = fn; self.tn = tn
    }

    /// Positives in the truth: `tp + fn` (the "support").
    public var support: Int { tp + fn }

    /// `tp / (tp + fp)`; 0 when nothing is predicted positive (scikit-learn `zero_division=0`).
    public var precision: Double { ratio(tp, tp + fp) }
    /// `tp / (tp + fn)`; 0 when there is no positive (zero_division 0).
    public var recall: Double { ratio(tp, tp + fn) }
    /// `2 tp / (2 tp + fp + fn)`; 0 when the denominator is 0 (zero_division 0).
    public var f1: Double { ratio(2 * tp, 2 * tp + fp + fn) }
    /// `(1 + β²) tp / ((1 + β²) tp + β² fn + fp)`; 0 when the denominator is 0.
    public func fBeta(_ beta: Double) -> Double {
        let b2 = beta * beta
        let den = (1 + b2) * Double(tp) + b2 * Double(fn) + Double(fp)
        return den > 0 ? (1 + b2) * Double(tp) / den : 0
    }
    /// Jaccard index `tp / (tp + fp + fn)`; 0 when the denominator is 0 (zero_division 0).
    public var jaccard: Double { ratio(tp, tp + fp + fn) }

    public static func + (a: BinaryConfusion, b: BinaryConfusion) -> BinaryConfusion {
        BinaryConfusion(tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn, tn: a.tn + b.tn)
    }

    /// `[[tn, fp], [fn, tp]]` as scikit-learn's `multilabel_confusion_matrix` writes one label.
    public var matrix: [[Int]] { [[tn, fp], [fn, tp]] }
}

@inline(__always) func ratio(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : 0 }

/// The averages of a per-class (or per-label) score, as scikit-learn's `average=` values.
public struct Averages: Sendable, Equatable {
    /// Score from the summed counts (`average="micro"`).
    public var micro: Double
    /// Unweighted mean over all classes/labels (`average="macro"`).
    public var macro: Double
    /// Mean weighted by support (`average="weighted"`); the plain mean when every support is 0 (as sklearn).
    public var weighted: Double
    /// Per class/label values (`average=None`).
    public var perClass: [Double]
}

/// Unweighted mean; NaN for an empty list.
func mean(_ xs: [Double]) -> Double {
    xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count)
}

/// Weighted mean `Σ w x / Σ w`; falls back to the plain mean when `Σ w == 0` (sklearn's `_nanaverage`).
func weightedMean(_ xs: [Double], weights: [Double]) -> Double {
    let total = weights.reduce(0, +)
    guard total > 0 else { return mean(xs) }
    var s = 0.0
    for i in 0..<xs.count { s += xs[i] * weights[i] }
    return s / total
}

/// Averages of precision, recall, F1 and Jaccard over a set of per-class confusion counts.
func averages(of counts: [BinaryConfusion], _ score: (BinaryConfusion) -> Double) -> Averages {
    let per = counts.map(score)
    let total = counts.reduce(BinaryConfusion(), +)
    let weights = counts.map { Double($0.support) }
    return Averages(micro: score(total), macro: mean(per), weighted: weightedMean(per, weights: weights), perClass: per)
}
