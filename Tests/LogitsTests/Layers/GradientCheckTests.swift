import Foundation
import Testing
@testable import Logits

/// Gradient check of whole MLPs by central finite differences.
///
/// Method: the analytic gradients come from the model's own Float backward pass. The numerical
/// gradients come from a Double re-implementation of the same forward pass and loss (written
/// directly from the formulas, reading the model's weights), perturbed by h = 1e-6: in Double the
/// central difference has truncation error O(h²) ≈ 1e-12 and rounding error ≈ 1e-16/h ≈ 1e-10, so
/// it is exact to far below the Float analytic gradient's own rounding (~1e-7 relative). The test
/// also checks that the Double forward equals the model's Float forward (so the reference really is
/// the model's function). Tolerance: |analytic − numeric| ≤ 2e-5 + 1e-3 |numeric|.
@Suite("MLP gradient check")
struct GradientCheckTests {
    enum Head { case softmax, sigmoid }

    /// Double forward of the model's stages, returning the loss.
    static func referenceLoss(_ model: MLP, weights: [[Double]], x: [[Double]], head: Head, classes: [Int], labels: [[Double]]) -> Double {
        var h = x
        var k = 0
        for stage in model.stages {
            if let d = stage as? Dense {
                let w = weights[k], b = weights[k + 1]
                k += 2
                h = h.map { row in
                    (0..<d.outputCount).map { o in
                        var s = b[o]
                        for i in 0..<d.inputCount { s += w[o * d.inputCount + i] * row[i] }
                        if let a = d.fusedActivation { s = act(a, s) }
                        return s
                    }
                }
            } else if let a = stage as? ActivationLayer {
                h = h.map { $0.map { act(a.activation, $0) } }
            } else if stage is LayerNorm {
                let g = weights[k], b = weights[k + 1]
                k += 2
                h = h.map { row in
                    let n = Double(row.count)
                    let mean = row.reduce(0, +) / n
                    let v = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
                    let r = 1 / (v + 1e-5).squareRoot()
                    return row.indices.map { (row[$0] - mean) * r * g[$0] + b[$0] }
                }
            }
        }
        switch head {
        case .softmax:
            var total = 0.0
            for (i, z) in h.enumerated() {
                let m = z.max()!
                let lse = m + Foundation.log(z.reduce(0) { $0 + Foundation.exp($1 - m) })
                total += lse - z[classes[i]]
            }
            return total / Double(h.count)
        case .sigmoid:
            var total = 0.0
            for (i, z) in h.enumerated() {
                for (j, zj) in z.enumerated() {
                    let y = labels[i][j]
                    let sp = { (t: Double) in max(t, 0) + Foundation.log1p(Foundation.exp(-abs(t))) }
                    total += y * sp(-zj) + (1 - y) * sp(zj)
                }
            }
            return total / Double(h.count * h[0].count)
        }
    }

    static func act(_ a: Activation, _ x: Double) -> Double {
        switch a {
        case .relu: return max(x, 0)
        case .leakyReLU(let s): return x > 0 ? x : Double(s) * x
        case .gelu: return 0.5 * x * (1 + Foundation.erf(x / 2.0.squareRoot()))
        case .geluTanh: return 0.5 * x * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
        case .tanh: return Foundation.tanh(x)
        case .sigmoid: return 1 / (1 + Foundation.exp(-x))
        }
    }

    static func check(spec: MLPSpec, head: Head) throws {
        let model = try MLP(spec: spec, seed: 7)
        var rng = SeededGenerator(seed: 99)
        let b = 6
        let x = (0..<b).map { _ in (0..<spec.inputs).map { _ in rng.normal() } }
        let classes = (0..<b).map { _ in rng.int(below: spec.outputs) }
        let labels = (0..<b).map { _ in (0..<spec.outputs).map { _ in Double(rng.int(below: 2)) } }
        let xm = try Matrix(x.map { $0.map(Float.init) })
        let targets: Targets = head == .softmax
            ? .classIndices(classes) : .matrix(try Matrix(labels.map { $0.map(Float.init) }))
        let loss: any TrainingLoss = head == .softmax ? SoftmaxCrossEntropy() : SigmoidBinaryCrossEntropy()

        try model.forwardTraining(xm)
        let last = model.workspace.outputs.count - 1
        let floatLoss = try loss.lossAndGradient(logits: model.workspace.outputs[last], targets: targets,
                                                 gradient: &model.workspace.gradients[last])
        try model.backward(input: xm)

        var weights = model.parameters.map { $0.value.storage.map(Double.init) }
        let base = referenceLoss(model, weights: weights, x: x, head: head, classes: classes, labels: labels)
        #expect(abs(base - Double(floatLoss)) <= 1e-5 * max(1, abs(base)), "Double forward \(base) vs model \(floatLoss)")

        let h = 1e-6
        var worst = 0.0
        for (k, p) in model.parameters.enumerated() {
            for i in 0..<p.count {
                let saved = weights[k][i]
                weights[k][i] = saved + h
                let up = referenceLoss(model, weights: weights, x: x, head: head, classes: classes, labels: labels)
                weights[k][i] = saved - h
                let down = referenceLoss(model, weights: weights, x: x, head: head, classes: classes, labels: labels)
                weights[k][i] = saved
                let numeric = (up - down) / (2 * h)
                let analytic = Double(p.gradient.storage[i])
                let err = abs(analytic - numeric)
                worst = max(worst, err / (2e-5 + 1e-3 * abs(numeric)))
                #expect(err <= 2e-5 + 1e-3 * abs(numeric), "\(p.name)[\(i)]: analytic \(analytic), numeric \(numeric)")
            }
        }
        #expect(worst <= 1)
    }

    @Test("2 hidden layers, tanh (fused into Dense), softmax cross-entropy")
    func softmaxTanh() throws {
        try Self.check(spec: MLPSpec(inputs: 5, hidden: [7, 6], outputs: 4, activation: .tanh), head: .softmax)
    }

    @Test("2 hidden layers, tanh (fused into Dense), sigmoid BCE")
    func sigmoidTanh() throws {
        try Self.check(spec: MLPSpec(inputs: 5, hidden: [7, 6], outputs: 4, activation: .tanh), head: .sigmoid)
    }

    @Test("2 hidden layers, LayerNorm + GELU (separate stages), softmax cross-entropy")
    func softmaxLayerNormGELU() throws {
        try Self.check(spec: MLPSpec(inputs: 5, hidden: [7, 6], outputs: 3, activation: .gelu, layerNorm: true), head: .softmax)
    }

    @Test("2 hidden layers, sigmoid and tanh-GELU activations, sigmoid BCE")
    func sigmoidOtherActivations() throws {
        try Self.check(spec: MLPSpec(inputs: 4, hidden: [6, 5], outputs: 3, activation: .sigmoid), head: .sigmoid)
        try Self.check(spec: MLPSpec(inputs: 4, hidden: [6, 5], outputs: 3, activation: .geluTanh), head: .sigmoid)
    }

    /// ReLU and leaky ReLU (fused, backward from the output): kinks at 0 are met with probability ~0
    /// by random data and a 1e-6 step.
    @Test("2 hidden layers, ReLU and leaky ReLU (fused), both heads")
    func reluHeads() throws {
        try Self.check(spec: MLPSpec(inputs: 5, hidden: [9, 7], outputs: 4, activation: .relu), head: .softmax)
        try Self.check(spec: MLPSpec(inputs: 5, hidden: [9, 7], outputs: 4, activation: .leakyReLU(slope: 0.1)), head: .sigmoid)
    }
}
