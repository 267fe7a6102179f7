import Foundation
import Testing
@testable import LogitsMetrics

/// Missing labels: every multi-label metric skips masked entries. Checked against the unmasked
/// metrics of the data with the missing entries removed (whole rows, whole labels, per label, per row).
@Suite struct LabelMaskTests {
    /// SplitMix64, seeded.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    struct Data {
        var n: Int, l: Int
        var truth: [UInt8], scores: [Double], mask: [UInt8]
        func truthMatrix() throws -> BinaryMatrix { try BinaryMatrix(rows: n, cols: l, values: truth) }
        func scoreMatrix() throws -> ScoreMatrix { try ScoreMatrix(rows: n, cols: l, values: scores) }
        func maskMatrix() throws -> BinaryMatrix { try BinaryMatrix(rows: n, cols: l, values: mask) }
    }

    static func data(seed: UInt64, n: Int = 40, l: Int = 6, observed: Double = 0.75) -> Data {
        var g = Generator(state: seed)
        var truth = [UInt8](), scores = [Double](), mask = [UInt8]()
        for _ in 0..<(n * l) {
            let y: UInt8 = g.uniform() < 0.35 ? 1 : 0
            truth.append(y)
            // Scores rounded to 1/8 so that ties occur.
            scores.append(((g.uniform() * 4 - 2 + (y == 1 ? 1 : 0)) * 8).rounded() / 8)
            mask.append(g.uniform() < observed ? 1 : 0)
        }
        return Data(n: n, l: l, truth: truth, scores: scores, mask: mask)
    }

    func report(_ d: Data, mask: Bool) throws -> MultiLabelReport {
        try MultiLabelReport(truth: try d.truthMatrix(), scores: try d.scoreMatrix(), k: 2, mask: mask ? try d.maskMatrix() : nil)
    }

    static func close(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let x?, let y?): return x.isNaN ? y.isNaN : Swift.abs(x - y) <= 1e-12 * Swift.max(1, Swift.abs(y))
        default: return false
        }
    }

    @Test func allOnesMaskChangesNothing() throws {
        var d = Self.data(seed: 1)
        d.mask = [UInt8](repeating: 1, count: d.n * d.l)
        let masked = try report(d, mask: true), plain = try report(d, mask: false)
        #expect(masked.json == plain.json)
    }

    /// Masking whole rows is dropping those samples: the full report equals the report of the rest.
    @Test func maskedRowsAreDroppedSamples() throws {
        var d = Self.data(seed: 2)
        let keptRows = (0..<d.n).filter { $0 % 3 != 1 }
        d.mask = (0..<(d.n * d.l)).map { keptRows.contains($0 / d.l) ? 1 : 0 }
        let masked = try report(d, mask: true)
        let sub = Data(n: keptRows.count, l: d.l,
                       truth: keptRows.flatMap { r in d.truth[(r * d.l)..<((r + 1) * d.l)] },
                       scores: keptRows.flatMap { r in d.scores[(r * d.l)..<((r + 1) * d.l)] }, mask: [])
        let plain = try report(sub, mask: false)
        var m = masked.json, p = plain.json
        // n_samples counts the rows given, masked or not; everything else must agree.
        if case .object(let entries) = m { m = .object(entries.filter { $0.key != "n_samples" }) }
        if case .object(let entries) = p { p = .object(entries.filter { $0.key != "n_samples" }) }
        #expect(m == p)
    }

    /// Scattered missing entries: each label's counts and curves use its observed rows only; the
    /// per-sample metrics rank each row among its observed labels; Hamming divides by observed cells.
    @Test func scatteredMaskMatchesPerLabelAndPerRowDefinitions() throws {
        let d = Self.data(seed: 3, n: 60, l: 7, observed: 0.6)
        let masked = try report(d, mask: true)
        for j in 0..<d.l {
            let rows = (0..<d.n).filter { d.mask[$0 * d.l + j] != 0 }
            let truth = rows.map { d.truth[$0 * d.l + j] != 0 }
            let scores = rows.map { d.scores[$0 * d.l + j] }
            let counts = try BinaryCounts(truth: truth, scores: scores)
            #expect(Self.close(masked.curves.rocAUCPerLabel[j], counts.rocAUC), "label \(j) AUC")
            #expect(Self.close(masked.curves.averagePrecisionPerLabel[j], counts.averagePrecision), "label \(j) AP")
            let c = masked.decisions.confusion[j]
            #expect(c.tp + c.fp + c.fn + c.tn == rows.count)
            #expect(c.tp == zip(truth, scores).filter { $0.0 && $0.1 > 0 }.count)
        }
        // Per row: the unmasked metrics of the row's observed labels, averaged over non-empty rows.
        var lrap = 0.0, rankingLoss = 0.0, coverage = 0.0, hammingWrong = 0, exact = 0, rows = 0, cells = 0
        for i in 0..<d.n {
            let cols = (0..<d.l).filter { d.mask[i * d.l + $0] != 0 }
            if cols.isEmpty { continue }
            rows += 1
            cells += cols.count
            let t = try BinaryMatrix(rows: 1, cols: cols.count, values: cols.map { d.truth[i * d.l + $0] })
            let s = try ScoreMatrix(rows: 1, cols: cols.count, values: cols.map { d.scores[i * d.l + $0] })
            let r = try RankingMetrics(truth: t, scores: s, k: 2)
            lrap += r.labelRankingAveragePrecision
            rankingLoss += r.rankingLoss
            coverage += r.coverageError
            let wrong = cols.filter { (d.truth[i * d.l + $0] != 0) != (d.scores[i * d.l + $0] > 0) }.count
            hammingWrong += wrong
            if wrong == 0 { exact += 1 }
        }
        let n = Double(rows)
        #expect(Self.close(masked.ranking.labelRankingAveragePrecision, lrap / n))
        #expect(Self.close(masked.ranking.rankingLoss, rankingLoss / n))
        #expect(Self.close(masked.ranking.coverageError, coverage / n))
        #expect(Self.close(masked.decisions.hammingLoss, Double(hammingWrong) / Double(cells)))
        #expect(Self.close(masked.decisions.subsetAccuracy, Double(exact) / n))
        // Brier over the observed cells.
        var brier = 0.0
        for k in 0..<(d.n * d.l) where d.mask[k] != 0 {
            let p = 1 / (1 + Foundation.exp(-d.scores[k]))
            brier += (p - Double(d.truth[k])) * (p - Double(d.truth[k]))
        }
        #expect(Self.close(masked.brierScore, brier / Double(cells)))
        #expect(masked.calibration.bins.reduce(0) { $0 + $1.count } == cells)
    }

    @Test func maskErrors() throws {
        let d = Self.data(seed: 4, n: 3, l: 2)
        let wrongShape = try BinaryMatrix(rows: 2, cols: 2, values: [1, 1, 1, 1])
        #expect(throws: MetricsError.self) {
            try MultiLabelReport(truth: try d.truthMatrix(), scores: try d.scoreMatrix(), mask: wrongShape)
        }
        let none = try BinaryMatrix(rows: 3, cols: 2, values: [0, 0, 0, 0, 0, 0])
        #expect(throws: MetricsError.empty("every label is masked (missing)")) {
            try MultiLabelDecisionMetrics(truth: try d.truthMatrix(), predicted: try d.truthMatrix(), mask: none)
        }
    }
}
