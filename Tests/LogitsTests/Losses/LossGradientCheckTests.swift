import Foundation
import Testing
@testable import Logits

/// A small deterministic generator for the random test cases (SplitMix64).
struct LossTestRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func normal() -> Double {
        let u = Swift.max(uniform(), 1e-300), v = uniform()
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
    }
    mutating func index(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func matrix(_ rows: Int, _ cols: Int, _ f: (inout LossTestRNG) -> Double) -> Matrix {
        var m = Matrix(rows: rows, cols: cols)
        for k in 0..<m.count { m.storage[k] = Float(f(&self)) }
        return m
    }
}

/// Central finite differences in Double of an independent Double forward pass, compared with the
/// gradient the fused Float implementation returns (so the check exercises the real backward code).
@Suite struct LossGradientCheckTests {
    typealias Forward = ([Double]) -> Double

    func dsoftplus(_ x: Double) -> Double { Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x))) }
    func dsigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

    /// Checks `loss` (for `.mean` and `.sum`) against `forward(z, reduction)` by central differences.
    func check(
        _ loss: any LossFunction, input: Matrix, targets: Targets, _ label: String,
        forward: (_ z: [Double], _ reduction: Reduction) -> Double
    ) throws {
        for reduction in [Reduction.mean, .sum] {
            var values: [Float]? = nil
            var grad = Matrix(rows: 0, cols: 0)
            let value = try loss.evaluate(input: input, targets: targets, reduction: reduction, values: &values, gradient: &grad)
            let z0 = input.storage.map(Double.init)
            let f0 = forward(z0, reduction)
            #expect(Swift.abs(value - f0) <= 1e-5 * Swift.max(1, Swift.abs(f0)), "\(label) \(reduction): value \(value) vs Double \(f0)")
            let h = 1e-5
            for k in 0..<z0.count {
                var zp = z0, zm = z0
                zp[k] += h
                zm[k] -= h
                let fd = (forward(zp, reduction) - forward(zm, reduction)) / (2 * h)
                let g = Double(grad.storage[k])
                #expect(Swift.abs(g - fd) <= 2e-5 + 1e-4 * Swift.abs(fd),
                        "\(label) \(reduction) d/dz[\(k)]: analytic \(g), finite difference \(fd)")
            }
        }
    }

    @Test func softmaxCrossEntropy() throws {
        var rng = LossTestRNG(seed: 1)
        let b = 4, c = 5
        let z = rng.matrix(b, c) { 2 * $0.normal() }
        let w: [Float] = (0..<c).map { _ in Float(0.5 + rng.uniform() * 2) }
        let y = [2, 0, 4, 1]
        for (weight, eps, ignore) in [(nil, Float(0), -100), (w, 0, -100), (nil, 0.2, -100), (w, 0.15, 1)] as [([Float]?, Float, Int)] {
            let loss = SoftmaxCrossEntropy(weight: weight, ignoreIndex: ignore, labelSmoothing: eps)
            try check(loss, input: z, targets: .classIndices(y), "CE w=\(weight != nil) eps=\(eps) ii=\(ignore)") { zz, red in
                var total = 0.0, denom = 0.0
                let ww = (weight ?? [Float](repeating: 1, count: c)).map(Double.init)
                for i in 0..<b where y[i] != ignore {
                    let row = Array(zz[(i * c)..<((i + 1) * c)])
                    let m = row.max()!
                    let lse = m + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - m) })
                    var smooth = 0.0
                    for j in 0..<c { smooth += ww[j] * (lse - row[j]) }
                    total += (1 - Double(eps)) * ww[y[i]] * (lse - row[y[i]]) + Double(eps) / Double(c) * smooth
                    denom += ww[y[i]]
                }
                return red == .mean ? total / denom : total
            }
        }
        // Probability targets (rows of a softmax), with weights and smoothing: mean divides by B.
        let t = rng.matrix(b, c) { $0.uniform() }
        var tp = t
        for i in 0..<b {
            let s = (0..<c).reduce(Float(0)) { $0 + t[i, $1] }
            for j in 0..<c { tp[i, j] = t[i, j] / s }
        }
        let loss = SoftmaxCrossEntropy(weight: w, labelSmoothing: 0.1)
        try check(loss, input: z, targets: .matrix(tp), "CE probabilities") { zz, red in
            var total = 0.0
            for i in 0..<b {
                let row = Array(zz[(i * c)..<((i + 1) * c)])
                let m = row.max()!
                let lse = m + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - m) })
                for j in 0..<c {
                    let tt = 0.9 * Double(tp[i, j]) + 0.1 / Double(c)
                    total += Double(w[j]) * tt * (lse - row[j])
                }
            }
            return red == .mean ? total / Double(b) : total
        }
    }

    @Test func negativeLogLikelihood() throws {
        var rng = LossTestRNG(seed: 2)
        let x = rng.matrix(3, 4) { -3 * $0.uniform() }
        let w: [Float] = [1.5, 0.5, 2, 1]
        let y = [3, 0, 1]
        try check(NegativeLogLikelihood(weight: w, ignoreIndex: 0), input: x, targets: .classIndices(y), "NLL") { zz, red in
            var total = 0.0, denom = 0.0
            for i in 0..<3 where y[i] != 0 {
                total -= Double(w[y[i]]) * zz[i * 4 + y[i]]
                denom += Double(w[y[i]])
            }
            return red == .mean ? total / denom : total
        }
    }

    @Test func sigmoidBinaryCrossEntropyAndSoftMargin() throws {
        var rng = LossTestRNG(seed: 3)
        let b = 3, c = 9  // 9 columns: one full SIMD block and a partial one
        let x = rng.matrix(b, c) { 3 * $0.normal() }
        let y = rng.matrix(b, c) { $0.uniform() }  // soft targets
        let wl: [Float] = (0..<c).map { _ in Float(0.5 + rng.uniform()) }
        let we = rng.matrix(b, c) { 0.5 + $0.uniform() }
        let ws: [Float] = [0.5, 1, 2]
        let pw: [Float] = (0..<c).map { _ in Float(0.2 + 3 * rng.uniform()) }
        let n = Double(b * c)
        for (weight, posWeight) in [(nil, nil), (ElementWeight.perLabel(wl), pw), (.perElement(we), nil), (.perSample(ws), pw)]
            as [(ElementWeight?, [Float]?)] {
            let loss = SigmoidBinaryCrossEntropy(weight: weight, posWeight: posWeight)
            try check(loss, input: x, targets: .matrix(y), "BCE-logits \(String(describing: weight)) pw=\(posWeight != nil)") { zz, red in
                var total = 0.0
                for i in 0..<b {
                    for j in 0..<c {
                        let k = i * c + j
                        let ww = Double(weight?.value(row: i, col: j, cols: c) ?? 1)
                        let p = Double(posWeight?[j] ?? 1), t = Double(y.storage[k])
                        total += ww * (p * t * dsoftplus(-zz[k]) + (1 - t) * dsoftplus(zz[k]))
                    }
                }
                return red == .mean ? total / n : total
            }
        }
        try check(MultiLabelSoftMargin(weight: wl), input: x, targets: .matrix(y), "MultiLabelSoftMargin") { zz, red in
            var total = 0.0
            for k in 0..<(b * c) {
                let t = Double(y.storage[k])
                total += Double(wl[k % c]) * (t * dsoftplus(-zz[k]) + (1 - t) * dsoftplus(zz[k]))
            }
            return red == .mean ? total / n : total / Double(c)
        }
    }

    @Test func binaryCrossEntropyOnProbabilities() throws {
        var rng = LossTestRNG(seed: 4)
        let p = rng.matrix(2, 5) { 0.05 + 0.9 * $0.uniform() }
        let y = rng.matrix(2, 5) { $0.uniform() }
        let w: [Float] = [1, 2, 0.5, 1.5, 3]
        try check(BinaryCrossEntropy(weight: .perLabel(w)), input: p, targets: .matrix(y), "BCE-probabilities") { pp, red in
            var total = 0.0
            for k in 0..<10 {
                let t = Double(y.storage[k])
                total -= Double(w[k % 5]) * (t * Foundation.log(pp[k]) + (1 - t) * Foundation.log(1 - pp[k]))
            }
            return red == .mean ? total / 10 : total
        }
    }

    @Test func sigmoidFocal() throws {
        var rng = LossTestRNG(seed: 5)
        let x = rng.matrix(3, 6) { 3 * $0.normal() }
        let hard = rng.matrix(3, 6) { $0.uniform() < 0.3 ? 1 : 0 }
        let soft = rng.matrix(3, 6) { $0.uniform() }
        for (alpha, gamma) in [(Float(0.25), Float(2)), (-1, 2), (0.6, 0.5), (0.25, 0), (0.4, 1)] {
            for y in [hard, soft] {
                let loss = SigmoidFocal(alpha: alpha, gamma: gamma)
                try check(loss, input: x, targets: .matrix(y), "focal a=\(alpha) g=\(gamma)") { zz, red in
                    var total = 0.0
                    for k in 0..<18 {
                        let t = Double(y.storage[k]), p = dsigmoid(zz[k])
                        let ce = t * dsoftplus(-zz[k]) + (1 - t) * dsoftplus(zz[k])
                        let pt = p * t + (1 - p) * (1 - t)
                        var l = ce * Foundation.pow(1 - pt, Double(gamma))
                        if alpha >= 0 { l *= Double(alpha) * t + (1 - Double(alpha)) * (1 - t) }
                        total += l
                    }
                    return red == .mean ? total / 18 : total
                }
            }
        }
    }

    @Test func asymmetric() throws {
        var rng = LossTestRNG(seed: 6)
        let x = rng.matrix(4, 6) { 3 * $0.normal() }
        let hard = rng.matrix(4, 6) { $0.uniform() < 0.3 ? 1 : 0 }
        let soft = rng.matrix(4, 6) { $0.uniform() }
        let settings: [(Float, Float, Float)] = [(1, 4, 0.05), (0, 4, 0.05), (0, 0, 0), (2, 1, 0), (1, 3, 0.2), (0.5, 2.5, 0.1)]
        for (gp, gn, m) in settings {
            for y in [hard, soft] {
                let loss = Asymmetric(gammaPos: gp, gammaNeg: gn, clip: m)
                try check(loss, input: x, targets: .matrix(y), "ASL g+=\(gp) g-=\(gn) m=\(m)") { zz, red in
                    // The reference code (Alibaba-MIIL/ASL AsymmetricLoss), transcribed in Double.
                    var total = 0.0
                    for k in 0..<24 {
                        let t = Double(y.storage[k])
                        let xsPos = dsigmoid(zz[k])
                        var xsNeg = 1 - xsPos
                        if m > 0 { xsNeg = Swift.min(xsNeg + Double(m), 1) }
                        let los = t * Foundation.log(Swift.max(xsPos, 1e-8)) + (1 - t) * Foundation.log(Swift.max(xsNeg, 1e-8))
                        let pt = xsPos * t + xsNeg * (1 - t)
                        let g = Double(gp) * t + Double(gn) * (1 - t)
                        total += -los * Foundation.pow(1 - pt, g)
                    }
                    return red == .mean ? total / 24 : total
                }
            }
        }
    }

    /// `detachFocusingWeight` drops only the derivative of the focusing weight.
    @Test func asymmetricDetachedWeight() throws {
        let x = try Matrix([[0.3, -1.2, 2.0]]), y = try Matrix([[1, 0, 0]])
        var g = Matrix(rows: 0, cols: 0)
        _ = try Asymmetric(detachFocusingWeight: true, reduction: .sum).lossAndGradient(logits: x, targets: .matrix(y), gradient: &g)
        // Positive at x = 0.3: -(1 - p)^1 * d log p = -(1 - p)^2.
        let p = 1 / (1 + Foundation.exp(-0.3))
        #expect(Swift.abs(Double(g[0, 0]) + (1 - p) * (1 - p)) < 1e-6)
    }
}
