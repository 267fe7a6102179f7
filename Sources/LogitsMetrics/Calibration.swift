import Foundation

/// One bin of a reliability diagram: predictions whose confidence lies in `(lower, upper]` (the first bin also takes 0).
public struct ReliabilityBin: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    /// Number of predictions in the bin.
    public var count: Int
    /// Mean confidence in the bin (NaN when empty).
    public var meanConfidence: Double
    /// Fraction of correct predictions / positive outcomes in the bin (NaN when empty).
    public var accuracy: Double
}

/// Calibration summary: expected calibration error and its reliability diagram.
public struct Calibration: Sendable, Equatable {
    /// `ECE = Σ_b (n_b / N) |accuracy_b - meanConfidence_b|` over non-empty bins.
    public var expectedCalibrationError: Double
    /// `MCE = max_b |accuracy_b - meanConfidence_b|` over non-empty bins (0 if none).
    public var maximumCalibrationError: Double
    /// `bins` equal-width bins over [0, 1].
    public var bins: [ReliabilityBin]

    /// Calibration of `confidence[i]` ∈ [0, 1] against the 0/1 outcome `correct[i]`, with `binCount` equal-width bins:
    /// bin b holds `b/B < conf <= (b+1)/B` (conf = 0 goes to bin 0).
    public init(confidence: [Double], correct: [Bool], binCount: Int = 15) throws {
        guard confidence.count == correct.count else {
            throw MetricsError.shapeMismatch("\(confidence.count) confidences, \(correct.count) outcomes")
        }
        guard binCount >= 1 else { throw MetricsError.invalidValue("bin count \(binCount), expected at least 1") }
        for (i, p) in confidence.enumerated() where !(p >= 0 && p <= 1) {
            throw MetricsError.invalidValue("confidence \(i) is \(p), expected a probability in [0, 1]")
        }
        var count = [Int](repeating: 0, count: binCount)
        var confSum = [Double](repeating: 0, count: binCount)
        var hit = [Int](repeating: 0, count: binCount)
        for (p, ok) in zip(confidence, correct) {
            let b = min(binCount - 1, max(0, Int((p * Double(binCount)).rounded(.up)) - 1))
            count[b] += 1
            confSum[b] += p
            if ok { hit[b] += 1 }
        }
        var ece = 0.0, mce = 0.0
        var out: [ReliabilityBin] = []
        let n = Double(confidence.count)
        for b in 0..<binCount {
            let c = count[b]
            let meanConf = c > 0 ? confSum[b] / Double(c) : .nan
            let acc = c > 0 ? Double(hit[b]) / Double(c) : .nan
            if c > 0 {
                let gap = abs(acc - meanConf)
                ece += Double(c) / n * gap
                mce = max(mce, gap)
            }
            out.append(ReliabilityBin(lower: Double(b) / Double(binCount), upper: Double(b + 1) / Double(binCount),
                                      count: c, meanConfidence: meanConf, accuracy: acc))
        }
        expectedCalibrationError = ece
        maximumCalibrationError = mce
        bins = out
    }

    /// Top-label calibration of a multi-class classifier: confidence = max softmax probability of each row,
    /// correct = (arg-max == truth).
    public init(truth: [Int], probabilities: ScoreMatrix, binCount: Int = 15) throws {
        try validateClassIndices(truth, classes: probabilities.cols, rows: probabilities.rows)
        let predicted = MultiClassMetrics.argmax(probabilities)
        let conf = (0..<probabilities.rows).map { probabilities[$0, predicted[$0]] }
        try self.init(confidence: conf, correct: zip(truth, predicted).map { $0 == $1 }, binCount: binCount)
    }

    /// Multi-label calibration: every (sample, label) cell's sigmoid probability against its 0/1 truth.
    /// - Parameters:
    ///   - truth: `N x L` 0/1 matrix.
    ///   - probabilities: `N x L` sigmoid probabilities.
    ///   - binCount: the number of equal-width confidence bins.
    ///   - mask: `N x L`, 1 = observed, 0 = missing (those cells are left out); `nil` = all observed.
    public init(truth: BinaryMatrix, probabilities: ScoreMatrix, binCount: Int = 15, mask: BinaryMatrix? = nil) throws {
        guard truth.rows == probabilities.rows, truth.cols == probabilities.cols else {
            throw MetricsError.shapeMismatch("truth is \(truth.rows) x \(truth.cols), probabilities \(probabilities.rows) x \(probabilities.cols)")
        }
        _ = try observedCount(mask, rows: truth.rows, cols: truth.cols)
        guard let mask else {
            try self.init(confidence: probabilities.values, correct: truth.values.map { $0 != 0 }, binCount: binCount)
            return
        }
        let kept = mask.values.indices.filter { mask.values[$0] != 0 }
        try self.init(confidence: kept.map { probabilities.values[$0] }, correct: kept.map { truth.values[$0] != 0 }, binCount: binCount)
    }
}

/// Multi-label Brier score: `mean_{i,j} (p_ij - y_ij)²` over all N·L cells (= the mean of the per-label binary Brier scores),
/// or over the observed cells of `mask` (`N x L`, 1 = observed, 0 = missing).
public func multiLabelBrierScore(truth: BinaryMatrix, probabilities: ScoreMatrix, mask: BinaryMatrix? = nil) throws -> Double {
    guard truth.rows == probabilities.rows, truth.cols == probabilities.cols else {
        throw MetricsError.shapeMismatch("truth is \(truth.rows) x \(truth.cols), probabilities \(probabilities.rows) x \(probabilities.cols)")
    }
    guard !truth.values.isEmpty else { throw MetricsError.empty("no cell") }
    let observed = try observedCount(mask, rows: truth.rows, cols: truth.cols)
    var s = 0.0
    for (k, (p, y)) in zip(probabilities.values, truth.values).enumerated() where mask.map({ $0.values[k] != 0 }) ?? true {
        let d = p - Double(y)
        s += d * d
    }
    return s / Double(observed)
}

extension Calibration {
    /// The reliability diagram as JSON: `{"lower","upper","count","mean_confidence","accuracy"}` per bin
    /// (`null` confidence/accuracy for an empty bin).
    public var reliabilityJSON: MetricValue {
        .array(bins.map { b in
            .object([
                MetricEntry("lower", .number(b.lower)),
                MetricEntry("upper", .number(b.upper)),
                MetricEntry("count", .integer(b.count)),
                MetricEntry("mean_confidence", b.count > 0 ? .number(b.meanConfidence) : .null),
                MetricEntry("accuracy", b.count > 0 ? .number(b.accuracy) : .null),
            ])
        })
    }

    /// The reliability diagram as a text table (non-empty bins).
    public var reliabilityTable: String {
        TextTable.render(["confidence bin", "count", "mean confidence", "accuracy", "gap"], bins.filter { $0.count > 0 }.map { b in
            [String(format: "(%.3f, %.3f]", b.lower, b.upper), "\(b.count)", TextTable.fmt(b.meanConfidence),
             TextTable.fmt(b.accuracy), TextTable.fmt(b.accuracy - b.meanConfidence)]
        })
    }
}
