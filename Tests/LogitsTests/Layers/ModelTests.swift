import Foundation
import Testing
@testable import Logits

@Suite("MLP model, state dict and prediction")
struct ModelTests {
    @Test("Module order and state-dict names follow nn.Sequential (Linear, [LayerNorm], act, [Dropout])")
    func stateDictNames() throws {
        let plain = try MLP(spec: MLPSpec(inputs: 10, hidden: [8, 6], outputs: 3, activation: .relu, dropout: 0.2))
        #expect(plain.stateDict().map(\.name) == ["0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias"])
        #expect(plain.stateDict().map(\.shape) == [[8, 10], [8], [6, 8], [6], [3, 6], [3]])
        #expect(plain.modules.map(\.description) == [
            "Linear(in_features=10, out_features=8)", "ReLU()", "Dropout(p=0.2)",
            "Linear(in_features=8, out_features=6)", "ReLU()", "Dropout(p=0.2)",
            "Linear(in_features=6, out_features=3)"])
        #expect(plain.parameterCount == 10 * 8 + 8 + 8 * 6 + 6 + 6 * 3 + 3)

        let ln = try MLP(spec: MLPSpec(inputs: 4, hidden: [5], outputs: 2, activation: .gelu, layerNorm: true))
        #expect(ln.stateDict().map(\.name) == ["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"])
        #expect(ln.summary.contains("Total params: \(ln.parameterCount)"))
        #expect(ln.summary.contains("LayerNorm((5,), eps=1e-05):1"))
    }

    @Test("load(stateDict:) round-trips and rejects missing, unknown, mis-shaped or non-finite tensors")
    func loadStateDict() throws {
        let spec = MLPSpec(inputs: 3, hidden: [4], outputs: 2)
        let a = try MLP(spec: spec, seed: 1), b = try MLP(spec: spec, seed: 2)
        #expect(a.stateDict() != b.stateDict())
        try b.load(stateDict: a.stateDict().reversed())
        #expect(a.stateDict() == b.stateDict())
        var missing = a.stateDict(); missing.removeLast()
        #expect(throws: LogitsError.self) { try b.load(stateDict: missing) }
        var wrongShape = a.stateDict(); wrongShape[0].shape = [3, 4]
        #expect(throws: LogitsError.self) { try b.load(stateDict: wrongShape) }
        var extra = a.stateDict(); extra.append(NamedTensor(name: "9.weight", shape: [1], values: [0]))
        #expect(throws: LogitsError.self) { try b.load(stateDict: extra) }
        var nan = a.stateDict(); nan[1].values[0] = .nan
        #expect(throws: LogitsError.self) { try b.load(stateDict: nan) }
        #expect(a.stateDict() == b.stateDict(), "a failed load changes nothing")
    }

    @Test("Dense forward is X Wᵀ + b and the PyTorch default init is U(±1/√fan_in)")
    func denseForward() throws {
        var rng = SeededGenerator(seed: 3)
        let d = Dense(inputs: 3, outputs: 2, initializer: .pytorchDefault, rng: &rng)
        let bound = 1 / Float(3).squareRoot()
        #expect((d.weight.value.storage + d.bias.value.storage).allSatisfy { abs($0) <= bound })
        d.weight.value = try Matrix([[1, 2, 3], [-1, 0, 0.5]])
        d.bias.value = try Matrix([[0.5, -1]])
        var y = Matrix(rows: 0, cols: 0)
        try d.forward(try Matrix([[1, 1, 1], [2, 0, -2]]), into: &y, training: false)
        #expect(y == (try Matrix([[6.5, -1.5], [-3.5, -4]])))
        #expect(throws: LogitsError.self) { try d.forward(Matrix(rows: 1, cols: 4), into: &y, training: false) }
    }

    @Test("Initializers have the documented spread")
    func initializers() {
        for (initializer, std) in [(Initializer.kaimingNormal, (2.0 / 400).squareRoot()),
                                   (.xavierUniform, (2.0 / 600).squareRoot()),
                                   (.lecunNormal, (1.0 / 400).squareRoot())] {
            var w = Matrix(rows: 200, cols: 400), b = Matrix(rows: 1, cols: 200)
            var rng = SeededGenerator(seed: 5)
            initializer.initialize(weight: &w, bias: &b, rng: &rng)
            let mean = w.storage.reduce(0.0) { $0 + Double($1) } / Double(w.count)
            let sd = (w.storage.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(w.count)).squareRoot()
            #expect(abs(sd - std) < 0.03 * std, "\(initializer): sd \(sd), expected \(std)")
            #expect(b.storage.allSatisfy { $0 == 0 })
        }
    }

    @Test("Dropout: identity in evaluation, inverted scaling in training, backward uses the same mask")
    func dropout() throws {
        let d = Dropout(probability: 0.25, features: 1000, seed: 1)
        let x = Matrix(rows: 4, cols: 1000, repeating: 2)
        var y = Matrix(rows: 0, cols: 0)
        try d.forward(x, into: &y, training: false)
        #expect(y == x)
        try d.forward(x, into: &y, training: true)
        #expect(y.storage.allSatisfy { $0 == 0 || abs($0 - 2 / 0.75) < 1e-6 })
        let dropped = Double(y.storage.filter { $0 == 0 }.count) / Double(y.count)
        #expect(abs(dropped - 0.25) < 0.03)
        var dy = Matrix(rows: 4, cols: 1000, repeating: 1), dx = Matrix(rows: 0, cols: 0)
        try d.backward(input: x, output: y, outputGradient: &dy, inputGradient: &dx, computeInputGradient: true)
        for i in 0..<y.count { #expect((dx.storage[i] == 0) == (y.storage[i] == 0)) }
    }

    @Test("Probabilities: softmax rows sum to 1; sigmoid per label; decisions argmax, thresholds, top-k")
    func prediction() throws {
        let model = try MLP(spec: MLPSpec(inputs: 3, hidden: [5], outputs: 4), seed: 9)
        let x = try Matrix([[0.1, -1, 2], [3, 0.5, -0.5]])
        let z = try model.logits(x)
        let pm = try model.probabilities(x, task: .multiClass(classes: 4))
        for r in 0..<2 { #expect(abs(pm.row(r).reduce(0, +) - 1) < 1e-6) }
        #expect(Prediction.argmax(pm) == Prediction.argmax(z))
        let ps = try model.probabilities(x, task: .multiLabel(labels: 4))
        for i in 0..<z.count { #expect(abs(ps.storage[i] - 1 / (1 + exp(-z.storage[i]))) < 1e-6) }
        #expect(throws: LogitsError.self) { try model.probabilities(x, task: .binary) }
        // Single example equals the batch row.
        #expect(try model.logits(example: [0.1, -1, 2]) == Array(z.row(0)))
        // The workspace path reuses buffers and gives the same numbers.
        var ws = ModelWorkspace(), out = Matrix(rows: 0, cols: 0)
        try model.logits(x, into: &out, workspace: &ws)
        #expect(out == z)

        let scores = try Matrix([[0.1, 0.9, 0.3, 0.9], [0.5, 0.2, 0.7, 0.1]])
        #expect(Prediction.argmax(scores) == [1, 2])
        #expect(Prediction.topK(scores, k: 2) == [[1, 3], [2, 0]])
        // The one decision rule: z > t on the logit, strictly.
        let task = ClassificationTask.multiLabel(labels: 4)
        #expect(try task.decide(logits: scores, logitThresholds: [0.5, 0.5, 0.5, 0.5]) == .matrix(try Matrix([[0, 1, 0, 1], [0, 0, 1, 0]])))
        #expect(try task.decide(logits: scores, logitThresholds: [0, 1, 1, 1]) == .matrix(try Matrix([[1, 0, 0, 0], [1, 0, 0, 0]])))
        #expect(throws: LogitsError.self) { try task.decide(logits: scores, logitThresholds: [0.1, 0.2]) }
    }

    @Test("Invalid specs are rejected with an error")
    func invalidSpec() {
        #expect(throws: LogitsError.self) { try MLP(spec: MLPSpec(inputs: 0, hidden: [], outputs: 2)) }
        #expect(throws: LogitsError.self) { try MLP(spec: MLPSpec(inputs: 2, hidden: [0], outputs: 2)) }
        #expect(throws: LogitsError.self) { try MLP(spec: MLPSpec(inputs: 2, hidden: [3], outputs: 2, dropout: 1)) }
    }

    @Test("MLPSpec is Codable")
    func specCodable() throws {
        let spec = MLPSpec(inputs: 103, hidden: [256, 128], outputs: 14, activation: .leakyReLU(slope: 0.01),
                           dropout: 0.2, layerNorm: true, initializer: .xavierUniform)
        let data = try JSONEncoder().encode(spec)
        #expect(try JSONDecoder().decode(MLPSpec.self, from: data) == spec)
    }
}
