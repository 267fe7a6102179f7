import Foundation
import LogitsTestSupport
import Testing
@testable import Logits

/// Every case of `losses.json` (PyTorch float64): `none`, `mean`, `sum`, `grad_mean`, `grad_sum`
/// (and `grad_mean_logits` for NLL) within 1e-6 abs + 1e-5 rel, computed in Float.
@Suite struct LossReferenceTests {
    struct Case {
        var name: String
        var loss: any LossFunction
        var input: Matrix
        var targets: Targets
        var expected: ReferenceValue
        var inputs: ReferenceValue
        var params: ReferenceValue
    }

    static func makeCase(_ c: ReferenceValue) throws -> Case {
        let name = c["name"]?.string ?? "?"
        let inputs = try #require(c["inputs"])
        let params = try #require(c["params"])
        let expected = try #require(c["expected"])
        let input = try LossGoldenReference.matrix(inputs["input"])
        let kind = try #require(params["loss"]?.string)
        let classWeight = LossGoldenReference.flat(params["weight"])?.map(Float.init)
        let ignoreIndex = params["ignore_index"]?.int ?? -100
        let smoothing = LossGoldenReference.number(params["label_smoothing"]).map(Float.init) ?? 0
        func indexOrMatrixTargets() throws -> Targets {
            let target = try #require(inputs["target"]?.array, "\(name): no target")
            if target.allSatisfy({ $0.array == nil }) {
                return .classIndices(try target.map { try #require($0.int, "\(name): class index") })
            }
            return .matrix(try LossGoldenReference.matrix(inputs["target"]))
        }
        let targets = try indexOrMatrixTargets()
        let loss: any LossFunction
        switch kind {
        case "CrossEntropyLoss":
            loss = SoftmaxCrossEntropy(weight: classWeight, ignoreIndex: ignoreIndex, labelSmoothing: smoothing)
        case "NLLLoss":
            loss = NegativeLogLikelihood(weight: classWeight, ignoreIndex: ignoreIndex)
        case "BCEWithLogitsLoss", "BCELoss":
            var w: ElementWeight?
            if params["weight"] != nil {
                switch params["weight_shape"]?.string?.replacingOccurrences(of: " ", with: "") {
                case "[B,C]"?: w = .perElement(try LossGoldenReference.matrix(params["weight"]))
                case "[B,1]"?: w = .perSample(classWeight ?? [])
                default: w = .perLabel(classWeight ?? [])
                }
            }
            let pw = LossGoldenReference.flat(params["pos_weight"])?.map(Float.init)
            loss = kind == "BCELoss"
                ? BinaryCrossEntropy(weight: w) : SigmoidBinaryCrossEntropy(weight: w, posWeight: pw)
        case "MultiLabelSoftMarginLoss":
            loss = MultiLabelSoftMargin(weight: classWeight)
        case "sigmoid_focal_loss":
            loss = SigmoidFocal(
                alpha: Float(LossGoldenReference.number(params["alpha"]) ?? 0.25),
                gamma: Float(LossGoldenReference.number(params["gamma"]) ?? 2))
        default:
            throw LogitsError.invalidValue("unknown loss \(kind) in \(name)")
        }
        return Case(name: name, loss: loss, input: input, targets: targets, expected: expected, inputs: inputs, params: params)
    }

    @Test func everyCaseMatchesPyTorch() throws {
        var report = LossToleranceReport()
        let cases = try LossGoldenReference.cases("losses.json")
        #expect(cases.count > 300)
        var kinds = Set<String>()
        for raw in cases {
            let c = try Self.makeCase(raw)
            kinds.insert(String(describing: type(of: c.loss)))
            var gradient = Matrix(rows: 0, cols: 0)
            for reduction in Reduction.allCases {
                var values: [Float]? = reduction == .none ? [] : nil
                let loss = try c.loss.evaluate(
                    input: c.input, targets: c.targets, reduction: reduction, values: &values, gradient: &gradient)
                switch reduction {
                case .none:
                    report.compare(values ?? [], LossGoldenReference.flat(c.expected["none"]), "\(c.name) none")
                case .mean:
                    report.compare(loss, LossGoldenReference.number(c.expected["mean"]), "\(c.name) mean")
                    report.compare(gradient.storage, LossGoldenReference.flat(c.expected["grad_mean"]), "\(c.name) grad_mean")
                case .sum:
                    report.compare(loss, LossGoldenReference.number(c.expected["sum"]), "\(c.name) sum")
                    report.compare(gradient.storage, LossGoldenReference.flat(c.expected["grad_sum"]), "\(c.name) grad_sum")
                }
            }
            // The same mean through the allocating API and the TrainingLoss hot path.
            let out = try c.loss.compute(input: c.input, targets: c.targets)
            report.compare(out.loss.isNaN ? .nan : Double(out.loss), LossGoldenReference.number(c.expected["mean"]), "\(c.name) compute().loss")
            report.compare(out.values.storage, LossGoldenReference.flat(c.expected["none"]), "\(c.name) compute().values")
            let hot = try c.loss.lossAndGradient(logits: c.input, targets: c.targets, gradient: &gradient)
            report.compare(Double(hot), LossGoldenReference.number(c.expected["mean"]), "\(c.name) lossAndGradient")
            report.compare(gradient.storage, LossGoldenReference.flat(c.expected["grad_mean"]), "\(c.name) lossAndGradient grad")
            // NLL on log_softmax(logits) == softmax cross-entropy on the logits.
            if let gl = c.expected["grad_mean_logits"], let nll = c.loss as? NegativeLogLikelihood {
                let logits = try LossGoldenReference.matrix(c.inputs["logits"])
                let ce = SoftmaxCrossEntropy(weight: nll.weight, ignoreIndex: nll.ignoreIndex)
                _ = try ce.lossAndGradient(logits: logits, targets: c.targets, gradient: &gradient)
                report.compare(gradient.storage, LossGoldenReference.flat(gl), "\(c.name) grad_mean_logits")
            }
        }
        #expect(kinds.count == 6, "loss kinds covered: \(kinds.sorted())")
        #expect(report.checked > 10000)
        #expect(report.failures.isEmpty, "\(report.failures.count) mismatches of \(report.checked): \(report.failures.prefix(15))")
    }
}
