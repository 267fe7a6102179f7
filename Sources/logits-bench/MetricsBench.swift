import ArgumentParser
import Foundation
import Logits
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
    @Option(help: "Time the multi-class report instead, with this many classes (rows = --rows).") var classes: Int?
    @Flag(help: "Also time the parts (decisions, ranking, curves, saturation) separately.") var parts = false
    @Flag(help: "Print one JSON object {\"report\",\"n\",\"labels\",\"seconds\",...}.") var json = false

    func validate() throws {
        guard rows >= 1, labels >= 2, repeats >= 1 else { throw ValidationError("need rows >= 1, labels >= 2, repeats >= 1") }
    }

    /// Deterministic synthetic data: y ~ Bernoulli(0.02), z = float32(1.5 (2y - 1) + N(0, 1.5²)).
    static func data(rows: Int, labels: Int, seed: UInt64) throws -> (BinaryMatrix, ScoreMatrix) {
        var rng = SeededGenerator(seed: seed)
        func next() -> Double { rng.unitDouble() }
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

    /// Best wall-clock and best process-CPU seconds over `repeats` runs (CPU time shows the cost on a
    /// machine shared with other jobs, where wall time also counts waiting for a core).
    static func time(_ repeats: Int, _ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
        var best = Double.infinity, bestCPU = Double.infinity
        for _ in 0..<repeats {
            let c0 = clock()
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
            bestCPU = min(bestCPU, Double(clock() - c0) / Double(CLOCKS_PER_SEC))
        }
        return (best, bestCPU)
    }

    /// Multi-class data: N(0, 1) logits, the true class boosted by 2 U(0, 1), float32-rounded.
    func runMultiClass(classes c: Int) throws {
        var g = SystemRandomNumberGenerator()
        let truth = (0..<rows).map { _ in Int.random(in: 0..<c, using: &g) }
        var v = [Double](repeating: 0, count: rows * c)
        for i in 0..<rows {
            for j in 0..<c {
                let gauss = (-2 * log(max(Double.random(in: 0..<1, using: &g), 1e-300))).squareRoot()
                    * cos(2 * Double.pi * Double.random(in: 0..<1, using: &g))
                v[i * c + j] = Double(Float(gauss + (j == truth[i] ? 2 * Double.random(in: 0..<1, using: &g) : 0)))
            }
        }
        let logits = try ScoreMatrix(rows: rows, cols: c, values: v)
        var report: MultiClassReport?
        let t = try Self.time(repeats) { report = try MultiClassReport(truth: truth, logits: logits, k: 5) }
        if json {
            print(MetricValue.object([
                MetricEntry("report", .string("multiclass")), MetricEntry("n", .integer(rows)),
                MetricEntry("classes", .integer(c)), MetricEntry("seconds", .number(t.wall)),
                MetricEntry("cpu_seconds", .number(t.cpu)), MetricEntry("repeats", .integer(repeats)),
            ]).json)
        } else {
            print(String(format: "full multi-class report, %d x %d (best of %d): %.3f s wall, %.3f s CPU (accuracy %.4f, OvO AUC %.4f)",
                         rows, c, repeats, t.wall, t.cpu, report?.accuracy ?? .nan, report?.rocAUCOvOMacro ?? .nan))
        }
    }

    func run() throws {
        if let classes {
            guard classes >= 2 else { throw ValidationError("--classes must be at least 2") }
            return try runMultiClass(classes: classes)
        }
        let (y, s) = try Self.data(rows: rows, labels: labels, seed: seed)
        var report: MultiLabelReport?
        let full = try Self.time(repeats) { report = try MultiLabelReport(truth: y, scores: s, k: 3) }
        var partTimes: [(String, (wall: Double, cpu: Double))] = []
        if parts {
            partTimes.append(("decisions", try Self.time(repeats) {
                _ = try MultiLabelDecisionMetrics(truth: y, predicted: try DecisionRule.global(0).decisions(s))
            }))
            partTimes.append(("ranking", try Self.time(repeats) { _ = try RankingMetrics(truth: y, scores: s, k: 3) }))
            partTimes.append(("curves", try Self.time(repeats) { _ = try MultiLabelCurveMetrics(truth: y, scores: s) }))
            partTimes.append(("saturation_standalone", Self.time(repeats) { _ = SaturationDiagnostic.sigmoid(logits: s) }))
        }
        let f1 = report?.decisions.f1.micro ?? .nan
        if json {
            let out = MetricValue.object([
                MetricEntry("report", .string("multilabel")),
                MetricEntry("n", .integer(rows)),
                MetricEntry("labels", .integer(labels)),
                MetricEntry("seconds", .number(full.wall)),
                MetricEntry("cpu_seconds", .number(full.cpu)),
                MetricEntry("repeats", .integer(repeats)),
                MetricEntry("parts_seconds", .object(partTimes.map { MetricEntry($0.0, .number($0.1.wall)) })),
                MetricEntry("f1_micro", .number(f1)),
            ])
            print(out.json)
        } else {
            print(String(format: "full multi-label report, %d x %d (best of %d): %.3f s wall, %.3f s CPU", rows, labels, repeats, full.wall, full.cpu))
            for (name, t) in partTimes { print(String(format: "  %@: %.3f s wall, %.3f s CPU", name, t.wall, t.cpu)) }
            print("  (micro F1 \(String(format: "%.4f", f1)), ROC AUC macro \(String(format: "%.4f", report?.curves.rocAUCMacro ?? .nan)))")
        }
    }
}
