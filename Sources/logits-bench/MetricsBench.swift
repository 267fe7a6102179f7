import ArgumentParser
import Foundation
import LogitsMetrics

/// `logits-bench metrics`: time of the full multi-label report on a delicious-sized matrix
/// (3185 x 983 by default: delicious' test set), synthetic float32-rounded logits, ~2% positives.
struct MetricsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Time the full multi-label metrics report (and its parts) on a synthetic N x L logit matrix."
    )

    @Option(help: "Samples (rows).") var rows = 3185
    @Option(help: "Labels (columns).") var labels = 983
    @Option(help: "Timed repetitions (the best is reported).") var repeats = 5
    @Option(help: "Seed of the synthetic data.") var seed: UInt64 = 42
    @Flag(help: "Print one JSON object {\"report\",\"n\",\"labels\",\"seconds\",...}.") var json = false

    func validate() throws {
        guard rows >= 1, labels >= 2, repeats >= 1 else { throw ValidationError("need rows >= 1, labels >= 2, repeats >= 1") }
    }

    /// Deterministic synthetic data: y ~ Bernoulli(0.02), z = float32(1.5 (2y - 1) + N(0, 1.5²)).
    static func data(rows: Int, labels: Int, seed: UInt64) throws -> (BinaryMatrix, ScoreMatrix) {
        var state = seed
        func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        let count = rows * labels
        var y = [UInt8](repeating: 0, count: count)
        var s = [Double](repeating: 0, count: count)
        for q in 0..<count {
            y[q] = next() < 0.02 ? 1 : 0
            let gauss = (-2 * log(max(next(), 1e-300))).squareRoot() * cos(2 * Double.pi * next())
            s[q] = Double(Float(1.5 * (2 * Double(y[q]) - 1) + 1.5 * gauss))
        }
        return (try BinaryMatrix(rows: rows, cols: labels, values: y), try ScoreMatrix(rows: rows, cols: labels, values: s))
    }

    static func time(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<repeats {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        return best
    }

    func run() throws {
        let (y, s) = try Self.data(rows: rows, labels: labels, seed: seed)
        var report: MultiLabelReport?
        let full = try Self.time(repeats) { report = try MultiLabelReport(truth: y, scores: s, k: 3) }
        let decisions = try Self.time(repeats) { _ = try MultiLabelDecisionMetrics(truth: y, predicted: try DecisionRule.global(0).decisions(s)) }
        let ranking = try Self.time(repeats) { _ = try RankingMetrics(truth: y, scores: s, k: 3) }
        let curves = try Self.time(repeats) { _ = try MultiLabelCurveMetrics(truth: y, scores: s) }
        let saturation = Self.time(repeats) { _ = SaturationDiagnostic.sigmoid(logits: s) }
        let f1 = report?.decisions.f1.micro ?? .nan
        if json {
            let out = MetricValue.object([
                MetricEntry("report", .string("multilabel")),
                MetricEntry("n", .integer(rows)),
                MetricEntry("labels", .integer(labels)),
                MetricEntry("seconds", .number(full)),
                MetricEntry("parts_seconds", .object([
                    MetricEntry("decisions", .number(decisions)),
                    MetricEntry("ranking", .number(ranking)),
                    MetricEntry("curves", .number(curves)),
                    MetricEntry("saturation", .number(saturation)),
                ])),
                MetricEntry("repeats", .integer(repeats)),
                MetricEntry("f1_micro", .number(f1)),
            ])
            print(out.json)
        } else {
            print("full multi-label report, \(rows) x \(labels) (best of \(repeats)): \(String(format: "%.3f", full)) s")
            print(String(format: "  decisions %.3f s, ranking %.3f s, per-label + micro curves %.3f s, saturation diagnostic %.3f s",
                         decisions, ranking, curves, saturation))
            print("  (micro F1 \(String(format: "%.4f", f1)), ROC AUC macro \(String(format: "%.4f", report?.curves.rocAUCMacro ?? .nan)))")
        }
    }
}
