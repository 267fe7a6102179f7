import Foundation
import Testing
@testable import LogitsMetrics

/// Small deterministic generator for the property checks (no global RNG state).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random multi-label data with many ties (scores rounded to 1 decimal) and some empty rows.
func randomMultiLabel(rows: Int, cols: Int, seed: UInt64) throws -> (BinaryMatrix, ScoreMatrix) {
    var g = SplitMix(state: seed)
    var y = [UInt8](repeating: 0, count: rows * cols), s = [Double](repeating: 0, count: rows * cols)
    for q in 0..<(rows * cols) {
        y[q] = Double.random(in: 0..<1, using: &g) < 0.3 ? 1 : 0
        s[q] = ((Double(y[q]) * 1.2 + Double.random(in: -2...2, using: &g)) * 10).rounded() / 10
    }
    return (try BinaryMatrix(rows: rows, cols: cols, values: y), try ScoreMatrix(rows: rows, cols: cols, values: s))
}

@Suite struct DefinitionTests {
    @Test func sorterMatchesStableDescendingSort() {
        var g = SplitMix(state: 7)
        var sorter = DescendingSorter()
        for n in [0, 1, 5, 47, 48, 49, 300, 5000, 9000] {
            let v = (0..<n).map { _ in (Double(Int.random(in: -20...20, using: &g)) / 4) * (Bool.random(using: &g) ? 1 : -1) }
                + (n > 3 ? [0.0, -0.0, .infinity, -.infinity] : [])
            let want = v.indices.sorted { v[$0] > v[$1] || (v[$0] == v[$1] && $0 < $1) }
            let got = v.withUnsafeBufferPointer { b -> [Int] in
                guard let base = b.baseAddress else { return [] }
                return sorter.sort(base: base, count: v.count).map { Int($0) }
            }
            #expect(got == want, "n = \(n)")
        }
    }

    @Test func rocAUCEqualsPairCountingWithHalfTies() throws {
        for seed in 1...5 as ClosedRange<UInt64> {
            let (y, s) = try randomMultiLabel(rows: 60, cols: 1, seed: seed)
            let truth = (0..<60).map { y[$0, 0] }, scores = s.column(0)
            var wins = 0.0, pairs = 0.0
            for i in 0..<60 where truth[i] { for j in 0..<60 where !truth[j] {
                pairs += 1
                wins += scores[i] > scores[j] ? 1 : (scores[i] == scores[j] ? 0.5 : 0)
            } }
            let counts = try BinaryCounts(truth: truth, scores: scores)
            #expect(abs((counts.rocAUC ?? -1) - wins / pairs) < 1e-12)
        }
    }

    @Test func rankingMetricsMatchBruteForceDefinitions() throws {
        for seed in 11...14 as ClosedRange<UInt64> {
            let (y, s) = try randomMultiLabel(rows: 40, cols: 7, seed: seed)
            let k = 3
            let r = try RankingMetrics(truth: y, scores: s, k: k)
            var loss = 0.0, cov = 0.0, lrap = 0.0, oneErr = 0.0, pAtK = 0.0
            for i in 0..<40 {
                let f = (0..<7).map { s[i, $0] }, rel = (0..<7).filter { y[i, $0] }, irr = (0..<7).filter { !y[i, $0] }
                let top = f.indices.max { f[$0] < f[$1] || (f[$0] == f[$1] && $0 > $1) }!
                if !y[i, top] { oneErr += 1 }
                let order = f.indices.sorted { f[$0] > f[$1] || (f[$0] == f[$1] && $0 < $1) }
                pAtK += Double(order.prefix(k).filter { y[i, $0] }.count) / Double(k)
                if rel.isEmpty || irr.isEmpty { lrap += 1; continue }
                loss += Double(rel.flatMap { a in irr.filter { f[a] <= f[$0] } }.count) / Double(rel.count * irr.count)
                cov += Double(rel.map { j in f.filter { $0 >= f[j] }.count }.max()!)
                lrap += rel.map { j in Double(rel.filter { f[$0] >= f[j] }.count) / Double(f.filter { $0 >= f[j] }.count) }
                    .reduce(0, +) / Double(rel.count)
            }
            #expect(abs(r.rankingLoss - loss / 40) < 1e-12)
            #expect(abs(r.coverageError - cov / 40) < 1e-12)
            #expect(abs(r.labelRankingAveragePrecision - lrap / 40) < 1e-12)
            #expect(abs(r.oneError - oneErr / 40) < 1e-12)
            #expect(abs(r.precisionAtK - pAtK / 40) < 1e-12)
        }
    }

    @Test func emptyRowsFollowScikitLearnConventions() throws {
        let y = try BinaryMatrix([[0, 0, 0], [1, 0, 0]])
        let s = try ScoreMatrix([[0.3, 0.1, 0.2], [0.9, 0.1, 0.2]])
        let r = try RankingMetrics(truth: y, scores: s, k: 1)
        #expect(r.rankingLoss == 0)           // empty row counts 0, perfect row 0
        #expect(r.coverageError == 0.5)       // (0 + 1) / 2
        #expect(r.labelRankingAveragePrecision == 1)
        #expect(r.ndcg == 0.5)                // empty row 0, perfect row 1
        #expect(r.oneError == 0.5)            // the empty row is an error
        #expect(r.oneErrorSkipEmpty == 0)
        #expect(r.samplesWithoutLabels == 1)
    }

    @Test func topKUsesTheHigherIndexOnTies() throws {
        let s = try ScoreMatrix([[1, 1, 1, 0]])
        // Ties rank class 2 first, then 1, then 0: with k = 2 class 0 is out, class 1 is in.
        #expect(try MultiClassMetrics.topKAccuracy(truth: [0], scores: s, k: 2) == 0)
        #expect(try MultiClassMetrics.topKAccuracy(truth: [1], scores: s, k: 2) == 1)
        #expect(MultiClassMetrics.argmax(s) == [0])
    }

    @Test func logLossFromLogitsIsExactWhereClippingCaps() throws {
        let logits = try ScoreMatrix([[0, 100], [0, 0]])
        let exact = try MultiClassMetrics.logLossFromLogits(truth: [0, 0], logits: logits)
        #expect(abs(exact - (100 + log1p(exp(-100)) + log(2)) / 2) < 1e-12)
        let clipped = try MultiClassMetrics.clippedLogLoss(truth: [0, 0], probabilities: SoftmaxMath.softmax(logits))
        #expect(abs(clipped - (-log(Double.ulpOfOne) + log(2)) / 2) < 1e-12)
    }

    @Test func dropIntermediateKeepsCornersOnly() throws {
        let roc = try ROCCurve(truth: [true, true, false, false], scores: [4, 3, 2, 1], dropIntermediate: true)
        #expect(roc.fpr == [0, 0, 0, 1])
        #expect(roc.tpr == [0, 0.5, 1, 1])
        #expect(roc.thresholds == [.infinity, 4, 3, 1])
        #expect(roc.auc == 1)
        let noNeg = try ROCCurve(truth: [true, true], scores: [1, 2])
        #expect(noNeg.fpr.allSatisfy { $0.isNaN })
        #expect(noNeg.auc == nil)
    }

    @Test func calibrationBinsAndECE() throws {
        let c = try Calibration(confidence: [0.05, 0.95, 0.95, 0.55], correct: [false, true, false, true], binCount: 10)
        #expect(c.bins.count == 10)
        #expect(c.bins[9].count == 2 && c.bins[9].accuracy == 0.5)
        #expect(c.bins[0].count == 1 && c.bins[5].count == 1)
        let want = 0.25 * 0.05 + 0.5 * 0.45 + 0.25 * 0.45
        #expect(abs(c.expectedCalibrationError - want) < 1e-12)
        #expect(throws: MetricsError.self) { try Calibration(confidence: [1.5], correct: [true]) }
    }

    @Test func badInputThrowsClearErrors() throws {
        #expect(throws: MetricsError.invalidValue("score at row 1, column 0 is NaN")) {
            try ScoreMatrix([[0, 1], [.nan, 2]])
        }
        #expect(throws: MetricsError.invalidValue("entry at row 0, column 1 is 2, expected 0 or 1")) {
            try BinaryMatrix([[0, 2]])
        }
        let s = try ScoreMatrix([[0, 1], [1, 0]])
        #expect(throws: MetricsError.invalidValue("truth row 1 is class 5, expected 0..<2")) {
            try MultiClassReport(truth: [0, 5], logits: s)
        }
        #expect(throws: MetricsError.self) { try MultiLabelReport(truth: try BinaryMatrix([[0, 1]]), scores: s) }
    }
}

@Suite struct ThresholdTests {
    @Test func tunedThresholdsMaximiseF1PerLabel() throws {
        let (y, s) = try randomMultiLabel(rows: 80, cols: 4, seed: 99)
        let t = try ThresholdTuning.perLabel(truth: y, scores: s)
        for j in 0..<4 {
            func f1(at threshold: Double) -> Double {
                var c = BinaryConfusion()
                for i in 0..<80 {
                    switch (y[i, j], s[i, j] > threshold) {
                    case (true, true): c.tp += 1
                    case (false, true): c.fp += 1
                    case (true, false): c.fn += 1
                    case (false, false): c.tn += 1
                    }
                }
                return c.f1
            }
            let candidates = Set((0..<80).map { s[$0, j] }).map { $0.nextDown } + [s.values.max()!]
            let best = candidates.map(f1).max()!
            #expect(abs(f1(at: t[j]) - best) < 1e-12, "label \(j)")
        }
        let tuned = try MultiLabelDecisionMetrics(truth: y, predicted: try DecisionRule.perLabel(t).decisions(s))
        let fixed = try MultiLabelDecisionMetrics(truth: y, predicted: try DecisionRule.global(0).decisions(s))
        #expect(tuned.f1.macro >= fixed.f1.macro)
    }

    @Test func topKAndAtLeastOneRules() throws {
        let s = try ScoreMatrix([[-1, -2, -3], [3, 3, -1], [0.5, -1, 2]])
        #expect(try DecisionRule.topK(1).decisions(s).nestedRows == [[1, 0, 0], [1, 0, 0], [0, 0, 1]])
        #expect(try DecisionRule.topK(2).decisions(s).nestedRows == [[1, 1, 0], [1, 1, 0], [1, 0, 1]])
        #expect(try DecisionRule.global(0).decisions(s).nestedRows == [[0, 0, 0], [1, 1, 0], [1, 0, 1]])
        #expect(try DecisionRule.atLeastOne(.global(0)).decisions(s).nestedRows == [[1, 0, 0], [1, 1, 0], [1, 0, 1]])
        #expect(throws: MetricsError.self) { try DecisionRule.perLabel([0]).decisions(s) }
    }
}
