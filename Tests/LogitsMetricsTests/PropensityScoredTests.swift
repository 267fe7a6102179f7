import Foundation
import LogitsMetrics
import LogitsTestSupport
import Testing

/// `Tests/Fixtures/metrics/propensity_scored.json`, written by `scripts/generate_psp_cases.py`
/// (numpy re-implementation of pyxclib's psprecision / psndcg); a missing file fails the suite.
enum PropensityReference {
    static var url: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/metrics/propensity_scored.json")
    }

    static func load() throws -> [ReferenceValue] {
        try ReferenceFixtures.load(url)["cases"]?.array ?? []
    }
}

@Suite("Propensity-scored metrics")
struct PropensityScoredTests {
    private func close(_ got: Double?, _ want: Double?, _ tol: Double = 1e-12) -> Bool {
        switch (got, want) {
        case (nil, nil): return true
        case let (g?, w?): return abs(g - w) <= tol * max(1, abs(w))
        default: return false
        }
    }

    @Test("numpy reference cases (PSP@k, PSnDCG@k, inverse propensities, P@k)")
    func referenceCases() throws {
        let cases = try PropensityReference.load()
        #expect(cases.count >= 9)
        for c in cases {
            let name = c["name"]?.string ?? "?"
            let inputs = c["inputs"]!, params = c["params"]!, expected = c["expected"]!
            let truth = try BinaryMatrix(inputs["y_true"]!.intMatrix)
            let scores = try ScoreMatrix(inputs["scores"]!.matrix)
            let mask = try inputs["mask"].map { try BinaryMatrix($0.intMatrix) }
            let model = try LabelPropensity(labelCounts: inputs["label_counts"]!.ints,
                                            trainingRows: inputs["training_rows"]!.int!,
                                            a: params["A"]!.double!, b: params["B"]!.double!)
            let wantW = expected["inverse_propensity"]!.doubles
            #expect(wantW.count == model.inversePropensities.count, "\(name)")
            for (g, w) in zip(model.inversePropensities, wantW) { #expect(close(g, w), "\(name): 1/p \(g) vs \(w)") }
            let ks = params["ks"]!.ints
            let m = try PropensityScoredMetrics(truth: truth, scores: scores, propensity: model, ks: ks, mask: mask)
            for (t, k) in ks.enumerated() {
                let psp = expected["psp_at_k"]!.array![t].double, psn = expected["psndcg_at_k"]!.array![t].double
                #expect(close(m.psPrecision[t], psp), "\(name): PSP@\(k) \(String(describing: m.psPrecision[t])) vs \(String(describing: psp))")
                #expect(close(m.psNDCG[t], psn), "\(name): PSnDCG@\(k) \(String(describing: m.psNDCG[t])) vs \(String(describing: psn))")
                #expect(m.psPrecision(at: k) == m.psPrecision[t])
                // The same ranking and tie rule as Logits' precision@k.
                let pk = try RankingMetrics(truth: truth, scores: scores, k: k, mask: mask).precisionAtK
                #expect(close(pk, expected["precision_at_k"]!.array![t].double), "\(name): P@\(k)")
            }
        }
    }

    @Test("the propensity model by hand: N = 100, A = 0.55, B = 1.5")
    func propensityByHand() throws {
        // C = (ln 100 - 1) * 2.5^0.55 = 3.605170186 * 1.655262990 = 5.967504781
        // N_l = 0:  1 + C * 1.5^-0.55   = 1 + 5.967504781 * 0.800110201 = 5.774661451
        // N_l = 1:  1 + C * 2.5^-0.55   = 1 + (ln 100 - 1)               = ln 100 = 4.605170186
        // N_l = 10: 1 + C * 11.5^-0.55  = 1 + 5.967504781 * 0.260985385 = 2.557431533
        // N_l = 50: 1 + C * 51.5^-0.55  = 1 + 5.967504781 * 0.114421075 = 1.682808313
        let model = try LabelPropensity(labelCounts: [0, 1, 10, 50], trainingRows: 100)
        let want = [5.774661451, log(100.0), 2.557431533, 1.682808313]
        for (g, w) in zip(model.inversePropensities, want) { #expect(abs(g - w) < 1e-9, "\(g) vs \(w)") }
        for (p, w) in zip(model.propensities, model.inversePropensities) { #expect(p == 1 / w) }
        // From a label matrix: column sums, masked cells left out.
        let labels = try BinaryMatrix([[1, 0, 1], [1, 0, 0], [1, 1, 0], [0, 0, 1]])
        let fromMatrix = try LabelPropensity(trainingLabels: labels, a: 0.5, b: 0.4)
        #expect(fromMatrix.labelCounts == [3, 1, 2] && fromMatrix.trainingRows == 4)
        let mask = try BinaryMatrix([[0, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 0]])
        #expect(try LabelPropensity(trainingLabels: labels, mask: mask).labelCounts == [2, 1, 1])
    }

    @Test("PSP@k and PSnDCG@k by hand, with a tie broken towards the lower label index")
    func metricsByHand() throws {
        // Training: N = 100, N_l = [50, 10, 2, 0] -> w = [1.682808, 2.557432, 3.996093, 5.774661].
        let model = try LabelPropensity(labelCounts: [50, 10, 2, 0], trainingRows: 100)
        let w = model.inversePropensities
        #expect(abs(w[2] - 3.996093423) < 1e-9)
        // Row 0: relevant {0, 2}; scores rank 0, 1, 2, 3 -> gains w0, 0, w2, 0; ideal w2, w0.
        // Row 1: relevant {1, 3}; label 3 first, then the tie 0.5 = 0.5 = 0.5 in label order 0, 1, 2
        //        -> gains w3, 0, w1; ideal w3, w1.
        let truth = try BinaryMatrix([[1, 0, 1, 0], [0, 1, 0, 1]])
        let scores = try ScoreMatrix([[0.9, 0.8, 0.1, 0.0], [0.5, 0.5, 0.5, 0.9]])
        let m = try PropensityScoredMetrics(truth: truth, scores: scores, propensity: model, ks: [1, 3, 5])
        // PSP@1 = (w0 + w3) / (w2 + w3) = 7.457470 / 9.770755 = 0.763244
        let psp1 = (w[0] + w[3]) / (w[2] + w[3])
        #expect(abs(psp1 - 0.763243972) < 1e-9)
        #expect(abs(m.psPrecision(at: 1)! - psp1) < 1e-12)
        // PSP@3 = (w0 + w2 + w3 + w1) / (w2 + w0 + w3 + w1) = 1; so is PSP@5 (k capped at L = 4).
        #expect(abs(m.psPrecision(at: 3)! - 1) < 1e-12 && abs(m.psPrecision(at: 5)! - 1) < 1e-12)
        // PSnDCG@1: I_i = 1 for both rows, so it equals PSP@1.
        #expect(abs(m.psNDCG(at: 1)! - psp1) < 1e-12)
        // PSnDCG@3: both rows have I_i = 1 + 1/log2(3) (it cancels); discounts 1, 1/log2(3), 1/2:
        //   (w0 + w2/2 + w3 + w1/2) / (w2 + w0/log2(3) + w3 + w1/log2(3)) = 0.862461
        let l3 = log2(3.0)
        let psn3 = (w[0] + w[2] / 2 + w[3] + w[1] / 2) / (w[2] + w[0] / l3 + w[3] + w[1] / l3)
        #expect(abs(psn3 - 0.862461075) < 1e-9)
        #expect(abs(m.psNDCG(at: 3)! - psn3) < 1e-12)
        // Breaking the tie the other way (label 1 ahead of label 0) would raise PSnDCG@3: the rule matters.
        let swapped = try ScoreMatrix([[0.9, 0.8, 0.1, 0.0], [0.5, 0.6, 0.5, 0.9]])
        let m2 = try PropensityScoredMetrics(truth: truth, scores: swapped, propensity: model, ks: [3])
        #expect(m2.psNDCG[0]! > psn3)
        // A perfect ranking (relevant labels first, in weight order) gives 1 everywhere.
        let ideal = try ScoreMatrix([[2, 0, 3, 0], [0, 2, 0, 3]])
        let m3 = try PropensityScoredMetrics(truth: truth, scores: ideal, propensity: model)
        for v in m3.psPrecision + m3.psNDCG { #expect(abs(v! - 1) < 1e-12) }
    }

    @Test("undefined without relevant labels; bad input throws")
    func edges() throws {
        let model = try LabelPropensity(labelCounts: [3, 1], trainingRows: 10)
        let none = try PropensityScoredMetrics(truth: try BinaryMatrix([[0, 0]]), scores: try ScoreMatrix([[1, 2]]), propensity: model)
        #expect(none.psPrecision == [nil, nil, nil] && none.psNDCG == [nil, nil, nil])
        let truth = try BinaryMatrix([[1, 0]]), scores = try ScoreMatrix([[1, 2]])
        #expect(throws: MetricsError.self) {
            try PropensityScoredMetrics(truth: truth, scores: scores, propensity: model, ks: [0])
        }
        #expect(throws: MetricsError.self) {
            try PropensityScoredMetrics(truth: truth, scores: scores, propensity: try LabelPropensity(labelCounts: [1], trainingRows: 10))
        }
        #expect(throws: MetricsError.self) { try LabelPropensity(labelCounts: [11], trainingRows: 10) }
        #expect(throws: MetricsError.self) { try LabelPropensity(labelCounts: [-1], trainingRows: 10) }
        // N = 1: ln N - 1 < 0 makes the weight of an unseen label negative.
        #expect(throws: MetricsError.self) { try LabelPropensity(labelCounts: [0], trainingRows: 1) }
        #expect(throws: MetricsError.self) { try LabelPropensity(labelCounts: [1], trainingRows: 10, b: 0) }
    }
}
