import Foundation
import Testing
@testable import Logits

/// The identities the theory promises, checked on random and extreme logits.
@Suite struct LossIdentityTests {
    static func logits(seed: UInt64, rows: Int, cols: Int) -> Matrix {
        var rng = LossTestRNG(seed: seed)
        var z = rng.matrix(rows, cols) { 4 * $0.normal() }
        // Extremes on one row: saturated and wrong-side logits.
        let extremes: [Float] = [1e4, -1e4, 30, -30, 100, -100, 0]
        for j in 0..<cols { z[0, j] = extremes[j % extremes.count] }
        return z
    }

    @Test func softmaxCrossEntropyGradientIsSoftmaxMinusOneHot() throws {
        let b = 6, c = 13
        let z = Self.logits(seed: 11, rows: b, cols: c)
        let y = (0..<b).map { ($0 * 5) % c }
        var grad = Matrix(rows: 0, cols: 0)
        let loss = try SoftmaxCrossEntropy(reduction: .sum).lossAndGradient(logits: z, targets: .classIndices(y), gradient: &grad)
        #expect(loss.isFinite)
        var p = Matrix(rows: 0, cols: 0)
        softmax(rowsOf: z, into: &p)
        for i in 0..<b {
            for j in 0..<c {
                let want = p[i, j] - (j == y[i] ? 1 : 0)
                #expect(Swift.abs(grad[i, j] - want) <= 1e-6, "[\(i)][\(j)] \(grad[i, j]) vs \(want)")
            }
        }
        // Mean divides by B.
        var gm = Matrix(rows: 0, cols: 0)
        let mean = try SoftmaxCrossEntropy().lossAndGradient(logits: z, targets: .classIndices(y), gradient: &gm)
        #expect(Swift.abs(mean - loss / Float(b)) <= 1e-6 * Swift.abs(loss))
        for k in 0..<gm.count { #expect(Swift.abs(gm.storage[k] - grad.storage[k] / Float(b)) <= 1e-7) }
    }

    @Test func sigmoidCrossEntropyGradientIsSigmoidMinusTarget() throws {
        let b = 5, c = 11
        let z = Self.logits(seed: 12, rows: b, cols: c)
        var rng = LossTestRNG(seed: 13)
        let y = rng.matrix(b, c) { $0.uniform() < 0.5 ? 1 : 0 }
        var grad = Matrix(rows: 0, cols: 0)
        let loss = try SigmoidBinaryCrossEntropy(reduction: .sum).lossAndGradient(logits: z, targets: .matrix(y), gradient: &grad)
        #expect(loss.isFinite)
        for k in 0..<z.count {
            let want = sigmoid(z.storage[k]) - y.storage[k]
            #expect(Swift.abs(grad.storage[k] - want) <= 1e-6, "[\(k)] \(grad.storage[k]) vs \(want)")
        }
    }

    @Test func multiLabelSoftMarginEqualsWeightedBCEMean() throws {
        let b = 4, c = 10
        let z = Self.logits(seed: 14, rows: b, cols: c)
        var rng = LossTestRNG(seed: 15)
        let y = rng.matrix(b, c) { $0.uniform() < 0.3 ? 1 : 0 }
        let w: [Float] = (0..<c).map { _ in Float(0.2 + 2 * rng.uniform()) }
        let a = try MultiLabelSoftMargin(weight: w).compute(input: z, targets: .matrix(y))
        let bce = try SigmoidBinaryCrossEntropy(weight: .perLabel(w)).compute(input: z, targets: .matrix(y))
        #expect(Swift.abs(a.loss - bce.loss) <= 1e-6 + 1e-6 * Swift.abs(bce.loss))
        for k in 0..<a.gradient.count { #expect(Swift.abs(a.gradient.storage[k] - bce.gradient.storage[k]) <= 1e-7) }
        // `none`: per sample = mean over the row of BCE's per-element values.
        #expect(a.values.cols == 1 && bce.values.cols == c)
        for i in 0..<b {
            let rowMean = (0..<c).reduce(Float(0)) { $0 + bce.values[i, $1] } / Float(c)
            #expect(Swift.abs(a.values[i, 0] - rowMean) <= 1e-5 * Swift.max(1, rowMean))
        }
    }

    @Test func twoClassSoftmaxEqualsSigmoidOnLogitDifference() throws {
        let b = 7
        var rng = LossTestRNG(seed: 16)
        var z = rng.matrix(b, 2) { 5 * $0.normal() }
        z[0, 0] = 1e4; z[0, 1] = -1e4; z[1, 0] = -30; z[1, 1] = 30
        let y = (0..<b).map { $0 % 2 == 0 ? 1 : 0 }
        let ce = try SoftmaxCrossEntropy(reduction: .sum).compute(input: z, targets: .classIndices(y))
        var d = Matrix(rows: b, cols: 1)
        var t = Matrix(rows: b, cols: 1)
        for i in 0..<b { d[i, 0] = z[i, 1] - z[i, 0]; t[i, 0] = Float(y[i]) }
        let bce = try SigmoidBinaryCrossEntropy(reduction: .sum).compute(input: d, targets: .matrix(t))
        for i in 0..<b {
            #expect(Swift.abs(ce.values[i, 0] - bce.values[i, 0]) <= 1e-6 + 1e-5 * Swift.abs(bce.values[i, 0]))
            // d/dz1 = dBCE/dd, d/dz0 = -dBCE/dd
            #expect(Swift.abs(ce.gradient[i, 1] - bce.gradient[i, 0]) <= 1e-6)
            #expect(Swift.abs(ce.gradient[i, 0] + bce.gradient[i, 0]) <= 1e-6)
        }
        #expect(Swift.abs(ce.loss - bce.loss) <= 1e-5 * Swift.abs(bce.loss))
    }

    /// Extreme logits never give NaN or inf.
    @Test func extremeLogitsStayFinite() throws {
        let z = try Matrix([[1e4, -1e4, 0], [-1e4, -1e4, 1e4], [1e30, -1e30, 0]])
        let y = try Matrix([[0, 1, 1], [1, 0, 0], [0, 1, 0]])
        let losses: [any LossFunction] = [
            SigmoidBinaryCrossEntropy(posWeight: [3, 0.5, 2]), MultiLabelSoftMargin(), SigmoidFocal(), Asymmetric(),
        ]
        for loss in losses {
            let out = try loss.compute(input: z, targets: .matrix(y))
            #expect(out.loss.isFinite && out.gradient.storage.allSatisfy { $0.isFinite }, "\(loss)")
        }
        let ce = try SoftmaxCrossEntropy(labelSmoothing: 0.1).compute(input: z, targets: .classIndices([1, 0, 1]))
        #expect(ce.loss.isFinite && ce.gradient.storage.allSatisfy { $0.isFinite })
        #expect(Swift.abs(ce.values[0, 0] - 0.9 * 2e4 - 0.1 / 3 * (2e4 + 0 + 1e4)) <= 1)
    }

    /// Large batches cross the row blocks of the softmax losses, the SIMD row paths (C >= 16) and
    /// the periodic Double flush of the flat sigmoid kernel: compare with a Double reference.
    @Test func largeBatchesMatchDoubleReference() throws {
        let b = 300, c = 37
        var rng = LossTestRNG(seed: 17)
        let z = rng.matrix(b, c) { 6 * $0.normal() }
        let y = (0..<b).map { $0 % 7 == 3 ? -100 : ($0 * 11) % c }
        let ce = try SoftmaxCrossEntropy().compute(input: z, targets: .classIndices(y))
        var total = 0.0, counted = 0.0
        for i in 0..<b {
            let row = (0..<c).map { Double(z[i, $0]) }
            let m = row.max() ?? 0
            let s = row.reduce(0) { $0 + Foundation.exp($1 - m) }
            for j in 0..<c {
                let want = y[i] < 0 ? 0 : (Foundation.exp(row[j] - m) / s - (j == y[i] ? 1 : 0))
                #expect(Swift.abs(Double(ce.gradient[i, j]) * Double(b - b / 7 - 1) - want) <= 1e-5)
            }
            if y[i] >= 0 {
                let l = m + Foundation.log(s) - row[y[i]]
                total += l
                counted += 1
                #expect(Swift.abs(Double(ce.values[i, 0]) - l) <= 1e-6 + 1e-5 * l)
            } else {
                #expect(ce.values[i, 0] == 0)
            }
        }
        #expect(counted == Double(b - b / 7 - 1))
        #expect(Swift.abs(Double(ce.loss) - total / counted) <= 1e-5 * total / counted)

        let t = rng.matrix(b, c) { $0.uniform() }
        let bce = try SigmoidBinaryCrossEntropy().compute(input: z, targets: .matrix(t))
        var sum = 0.0
        for k in 0..<(b * c) {
            let x = Double(z.storage[k]), tt = Double(t.storage[k])
            let sp = Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x)))
            let l = tt * (sp - x) + (1 - tt) * sp
            sum += l
            #expect(Swift.abs(Double(bce.values.storage[k]) - l) <= 1e-6 + 1e-5 * l)
            let g = (1 / (1 + Foundation.exp(-x)) - tt) / Double(b * c)
            #expect(Swift.abs(Double(bce.gradient.storage[k]) - g) <= 1e-9 + 1e-5 * Swift.abs(g))
        }
        #expect(Swift.abs(Double(bce.loss) - sum / Double(b * c)) <= 1e-6 * sum / Double(b * c))
    }

    /// The hot path reuses the caller's gradient buffer: no reallocation for the same or a
    /// smaller batch once the capacity is reserved.
    @Test func hotPathReusesGradientBuffer() throws {
        var rng = LossTestRNG(seed: 18)
        let big = rng.matrix(64, 20) { $0.normal() }
        let small = rng.matrix(17, 20) { $0.normal() }
        let labels = rng.matrix(64, 20) { $0.uniform() < 0.5 ? 1 : 0 }
        let smallLabels = try Matrix(rows: 17, cols: 20, storage: Array(labels.storage.prefix(17 * 20)))
        var grad = Matrix(rows: 0, cols: 0)
        grad.reserveCapacity(rows: 64, cols: 20)
        let base = grad.withUnsafeMutableBufferPointer { $0.baseAddress }
        let ce = SoftmaxCrossEntropy()
        let bce = SigmoidBinaryCrossEntropy()
        _ = try ce.lossAndGradient(logits: big, targets: .classIndices((0..<64).map { $0 % 20 }), gradient: &grad)
        _ = try bce.lossAndGradient(logits: small, targets: .matrix(smallLabels), gradient: &grad)
        #expect(grad.rows == 17 && grad.cols == 20)
        _ = try bce.lossAndGradient(logits: big, targets: .matrix(labels), gradient: &grad)
        #expect(grad.withUnsafeMutableBufferPointer { $0.baseAddress } == base)
    }
}
