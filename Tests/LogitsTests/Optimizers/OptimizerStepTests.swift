import Testing
@testable import Logits

/// Optimizer updates against values computed by hand from PyTorch's update rules
/// (torch.optim.SGD / Adam / AdamW, see the doc comments of `SGD` and `Adam`). The multi-step
/// numbers were evaluated from those formulas in float64 and agree with torch 2.15 to all printed
/// digits; the implementation runs in Float, hence the 2e-6 tolerance.
@Suite("Optimizer steps")
struct OptimizerStepTests {
    static let start: [Float] = [1.0, -2.0]
    static let grads: [[Float]] = [[0.5, 0.25], [-0.1, 0.25], [0.3, -0.4]]

    static func run(_ opt: any Optimizer, lr: Float, steps: Int) throws -> [Float] {
        let p = Parameter(name: "w", value: try Matrix(rows: 1, cols: 2, storage: start), isVector: true)
        for s in 0..<steps {
            p.gradient = try Matrix(rows: 1, cols: 2, storage: grads[s])
            opt.step([p], learningRate: lr)
        }
        return p.value.storage
    }

    static func close(_ a: [Float], _ b: [Double], tol: Double = 2e-6) -> Bool {
        zip(a, b).allSatisfy { abs(Double($0) - $1) <= tol * max(1, abs($1)) }
    }

    @Test("SGD momentum 0.9, weight decay 0.01: one step, then two")
    func sgdMomentum() throws {
        // Step 1: g = [0.5 + 0.01·1, 0.25 + 0.01·(−2)] = [0.51, 0.23]; buffer = g;
        //         p = [1 − 0.1·0.51, −2 − 0.1·0.23] = [0.949, −2.023].
        let one = try Self.run(SGD(momentum: 0.9, weightDecay: 0.01), lr: 0.1, steps: 1)
        #expect(Self.close(one, [0.949, -2.023]))
        // Step 2: g = [−0.1 + 0.00949, 0.25 − 0.02023] = [−0.09051, 0.22977];
        //         buffer = 0.9·[0.51, 0.23] + g = [0.36849, 0.43677]; p = [0.949 − 0.036849, −2.023 − 0.043677].
        let two = try Self.run(SGD(momentum: 0.9, weightDecay: 0.01), lr: 0.1, steps: 2)
        #expect(Self.close(two, [0.912151, -2.066677]))
    }

    @Test("SGD Nesterov momentum")
    func sgdNesterov() throws {
        // Step 1: g = [0.51, 0.23], buffer = g, g ← g + 0.9·buffer = [0.969, 0.437], p = [0.9031, −2.0437].
        let one = try Self.run(SGD(momentum: 0.9, nesterov: true, weightDecay: 0.01), lr: 0.1, steps: 1)
        #expect(Self.close(one, [0.9031, -2.0437]))
        let two = try Self.run(SGD(momentum: 0.9, nesterov: true, weightDecay: 0.01), lr: 0.1, steps: 2)
        #expect(Self.close(two, [0.87907411, -2.10594697]))
    }

    @Test("Adam: first step moves each weight by lr·sign(g); three steps")
    func adam() throws {
        // Step 1: m = 0.1 g, v = 0.001 g², m̂ = g, v̂ = g² ⇒ p −= 0.1 · g / (|g| + 1e-8) ≈ p − 0.1 sign(g).
        let one = try Self.run(Adam(), lr: 0.1, steps: 1)
        #expect(Self.close(one, [0.9, -2.1]))
        let three = try Self.run(Adam(), lr: 0.1, steps: 3)
        #expect(Self.close(three, [0.7824417742, -2.2032917452]))
    }

    @Test("Adam with L2 weight decay (added to the gradient)")
    func adamL2() throws {
        let three = try Self.run(Adam(weightDecay: 0.1), lr: 0.1, steps: 3)
        #expect(Self.close(three, [0.7570041508, -2.1431107329]))
    }

    @Test("AdamW: decoupled decay p(1 − lr·wd) before the Adam step")
    func adamW() throws {
        // Step 1: p = [1, −2]·(1 − 0.1·0.1) = [0.99, −1.98], then −0.1·sign(g) ⇒ [0.89, −2.08].
        let one = try Self.run(Adam(weightDecay: 0.1, decoupled: true), lr: 0.1, steps: 1)
        #expect(Self.close(one, [0.89, -2.08]))
        let three = try Self.run(Adam(weightDecay: 0.1, decoupled: true), lr: 0.1, steps: 3)
        #expect(Self.close(three, [0.7552418002, -2.1408997453]))
    }

    @Test("OptimizerConfig builds the right optimizer and rejects bad options")
    func config() throws {
        #expect(try OptimizerConfig.adamW().makeOptimizer() is Adam)
        #expect(try OptimizerConfig.sgd(momentum: 0.5).makeOptimizer() is SGD)
        #expect(throws: LogitsError.self) { try OptimizerConfig.adam(beta1: 1.2).makeOptimizer() }
        #expect(throws: LogitsError.self) { try OptimizerConfig.sgd(momentum: 0, nesterov: true).makeOptimizer() }
    }

    @Test("Global-norm clipping scales every gradient by maxNorm / (norm + 1e-6)")
    func clipping() throws {
        let a = Parameter(name: "a", value: Matrix(rows: 1, cols: 2), isVector: true)
        let b = Parameter(name: "b", value: Matrix(rows: 1, cols: 1), isVector: true)
        a.gradient = try Matrix(rows: 1, cols: 2, storage: [3, 0])
        b.gradient = try Matrix(rows: 1, cols: 1, storage: [4])
        let norm = GradientClipping.clipGlobalNorm([a, b], maxNorm: 1)
        #expect(norm == 5)
        let c = Float(1 / (5 + 1e-6))
        #expect(abs(a.gradient.storage[0] - 3 * c) < 1e-6 && abs(b.gradient.storage[0] - 4 * c) < 1e-6)
        // Below the limit nothing changes.
        #expect(GradientClipping.clipGlobalNorm([a, b], maxNorm: 10) < 1.0001)
        #expect(abs(b.gradient.storage[0] - 4 * c) < 1e-6)
    }

    @Test("Learning-rate schedules: step, cosine, warm-up composed with cosine")
    func schedules() {
        #expect(LearningRateSchedule.constant.learningRate(base: 0.1, step: 50, epoch: 3, totalSteps: 100) == 0.1)
        let step = LearningRateSchedule.step(everyEpochs: 2, gamma: 0.5)
        #expect(step.learningRate(base: 0.1, step: 0, epoch: 1, totalSteps: 100) == 0.1)
        #expect(abs(step.learningRate(base: 0.1, step: 0, epoch: 4, totalSteps: 100) - 0.025) < 1e-8)
        let cos = LearningRateSchedule.cosine(minimum: 0)
        #expect(cos.learningRate(base: 0.1, step: 0, epoch: 0, totalSteps: 100) == 0.1)
        #expect(abs(cos.learningRate(base: 0.1, step: 50, epoch: 0, totalSteps: 100) - 0.05) < 1e-7)
        #expect(abs(cos.learningRate(base: 0.1, step: 100, epoch: 0, totalSteps: 100)) < 1e-8)
        let warm = LearningRateSchedule.warmup(steps: 10, then: .cosine(minimum: 0))
        #expect(abs(warm.learningRate(base: 0.1, step: 0, epoch: 0, totalSteps: 110) - 0.01) < 1e-8)
        #expect(abs(warm.learningRate(base: 0.1, step: 9, epoch: 0, totalSteps: 110) - 0.1) < 1e-8)
        #expect(abs(warm.learningRate(base: 0.1, step: 60, epoch: 0, totalSteps: 110) - 0.05) < 1e-7)
    }
}
