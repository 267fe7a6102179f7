import ArgumentParser
import Logits
import LogitsMetrics

/// `--activation`.
enum ActivationChoice: String, ExpressibleByArgument, CaseIterable {
    case relu, leakyRelu = "leaky-relu", gelu, geluTanh = "gelu-tanh", tanh, sigmoid

    var activation: Activation {
        switch self {
        case .relu: return .relu
        case .leakyRelu: return .leakyReLU(slope: 0.01)
        case .gelu: return .gelu
        case .geluTanh: return .geluTanh
        case .tanh: return .tanh
        case .sigmoid: return .sigmoid
        }
    }
}

/// `--monitor`: what early stopping watches on the validation rows.
enum MonitorChoice: String, ExpressibleByArgument, CaseIterable {
    case loss, metric

    /// `val_loss`, or `val_lrap` (label ranking average precision, multi-label) / `val_accuracy`
    /// (multi-class), both computed on the validation logits.
    func monitor(for task: ClassificationTask) -> Monitor {
        switch (self, task) {
        case (.loss, _):
            return .validationLoss
        case (.metric, .multiClass):
            return .metric(name: "val_accuracy", mode: .max) { logits, targets in
                guard case .classIndices(let y) = targets, !y.isEmpty else { return .nan }
                let predicted = Prediction.argmax(logits)
                return Double(zip(predicted, y).filter { $0 == $1 }.count) / Double(y.count)
            }
        case (.metric, _):
            return .metric(name: "val_lrap", mode: .max) { logits, targets in
                guard case .matrix(let y) = targets,
                      let truth = try? BinaryMatrix(rows: y.rows, cols: y.cols, values: y.storage.map { $0 != 0 ? 1 : 0 }),
                      let scores = try? ScoreMatrix(rows: logits.rows, cols: logits.cols, floats: logits.storage),
                      let ranking = try? RankingMetrics(truth: truth, scores: scores, k: 1) else { return .nan }
                return ranking.labelRankingAveragePrecision
            }
        }
    }
}

/// `--schedule`.
enum ScheduleChoice: String, ExpressibleByArgument, CaseIterable {
    case constant, cosine
}

/// `--optimizer`.
enum OptimizerChoice: String, ExpressibleByArgument, CaseIterable {
    case adam, adamw, sgd
}

/// `--loss` / `--pos-weight` / `--label-smoothing`: the output loss through the library's
/// `LossKind` factory (`auto`: cross-entropy for classes, sigmoid BCE for labels).
struct LossSelection {
    var kind: LossKind
    var options: LossOptions

    /// - Throws: `ValidationError` for an unknown name or a value that does not parse, `UserError`
    ///   for a loss that does not fit the task.
    init(name: String, posWeight: String, labelSmoothing: Float, task: ClassificationTask) throws {
        if name.lowercased() == "auto" {
            kind = task.defaultLossKind
        } else {
            do { kind = try LossKind.parse(name) } catch { throw ValidationError("--loss: \(error)") }
        }
        let multiClass: Bool
        if case .multiClass = task { multiClass = true } else { multiClass = false }
        if kind.isMultiClass != multiClass {
            throw UserError("--loss \(name) is for \(kind.isMultiClass ? "mutually exclusive classes" : "multi-label data"), but the data are \(multiClass ? "multi-class" : "multi-label") (use \(multiClass ? "ce" : "bce, focal, asl or softmargin"))")
        }
        options = LossOptions()
        do { options.posWeight = try PosWeightSetting(parsing: posWeight) } catch { throw ValidationError("--pos-weight: \(error)") }
        options.labelSmoothing = labelSmoothing
    }

    /// The configured loss; `posWeight auto` is computed from the training labels.
    func make(trainingTargets: Targets) throws -> any TrainingLoss {
        var labels: Matrix?
        if case .matrix(let m) = trainingTargets { labels = m }
        do {
            return try kind.makeLoss(options, trainingLabels: labels)
        } catch {
            throw UserError("loss \(kind.rawValue): \(error)")
        }
    }

    var description: String {
        var s: String
        switch kind {
        case .ce: s = "softmax cross-entropy"
        case .bce: s = "sigmoid binary cross-entropy"
        case .focal: s = "sigmoid focal (alpha \(options.focalAlpha), gamma \(options.focalGamma))"
        case .asl: s = "asymmetric (gamma+ \(options.aslGammaPos), gamma- \(options.aslGammaNeg), clip \(options.aslClip))"
        case .softmargin: s = "multi-label soft margin"
        }
        if options.posWeight == .auto { s += " with pos_weight auto (negatives/positives per label)" }
        if case .values = options.posWeight { s += " with pos_weight" }
        if options.labelSmoothing != 0 { s += ", label smoothing \(options.labelSmoothing)" }
        return s
    }
}

/// Parses `--hidden 256,128` (`none` or empty: no hidden layer).
func parseHidden(_ text: String) throws -> [Int] {
    let t = text.trimmingCharacters(in: .whitespaces)
    if t.isEmpty || t == "none" { return [] }
    return try t.split(separator: ",").map { part in
        guard let n = Int(part.trimmingCharacters(in: .whitespaces)), n > 0 else {
            throw ValidationError("--hidden takes comma-separated positive widths such as 256,128; got '\(text)'")
        }
        return n
    }
}
