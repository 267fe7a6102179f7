import Foundation

/// Layer normalisation over each row's features, with an affine transform (= `nn.LayerNorm(n)`,
/// `eps = 1e-5`, biased variance):
///
///     μ = mean(x),  σ² = mean((x - μ)²),  r = 1/√(σ² + eps),  x̂ = (x - μ) r,  y = γ ⊙ x̂ + β
///     dγ = Σ_rows dy ⊙ x̂,  dβ = Σ_rows dy,
///     dx = r (g - mean(g) - x̂ mean(g ⊙ x̂))  with g = dy ⊙ γ
///
/// Row statistics are accumulated in `Double`; training keeps μ and r per row for backward.
public final class LayerNorm: Layer {
    public let inputCount: Int
    public var outputCount: Int { inputCount }
    public let epsilon: Float
    /// `γ`, `1 x n`, initialised to 1 (`<index>.weight`).
    public let scale: Parameter
    /// `β`, `1 x n`, initialised to 0 (`<index>.bias`).
    public let shift: Parameter
    public var parameters: [Parameter] { [scale, shift] }
    private var means: [Float] = []
    private var inverseStd: [Float] = []

    public init(features: Int, epsilon: Float = 1e-5, namePrefix: String = "") {
        self.inputCount = features
        self.epsilon = epsilon
        self.scale = Parameter(name: namePrefix + "weight", value: Matrix(rows: 1, cols: features, repeating: 1), isVector: true)
        self.shift = Parameter(name: namePrefix + "bias", value: Matrix(rows: 1, cols: features), isVector: true)
    }

    public func forward(_ x: Matrix, into y: inout Matrix, training: Bool) throws {
        try checkInput(x, "LayerNorm")
        let rows = x.rows, n = x.cols
        y.resize(rows: rows, cols: n)
        if training {
            if means.count < rows {
                means = [Float](repeating: 0, count: rows)
                inverseStd = [Float](repeating: 0, count: rows)
            }
        }
        let eps = Double(epsilon)
        let g = scale.value.storage, b = shift.value.storage
        for r in 0..<rows {
            let base = r * n
            var sum = 0.0
            for c in 0..<n { sum += Double(x.storage[base + c]) }
            let mean = sum / Double(n)
            var sq = 0.0
            for c in 0..<n { let d = Double(x.storage[base + c]) - mean; sq += d * d }
            let rstd = 1 / (sq / Double(n) + eps).squareRoot()
            let m = Float(mean), rs = Float(rstd)
            for c in 0..<n { y.storage[base + c] = (x.storage[base + c] - m) * rs * g[c] + b[c] }
            if training { means[r] = m; inverseStd[r] = rs }
        }
    }

    public func backward(
        input x: Matrix, output y: Matrix, outputGradient dy: inout Matrix,
        inputGradient dx: inout Matrix, computeInputGradient: Bool
    ) throws {
        let rows = x.rows, n = x.cols
        scale.gradient.fill(0)
        shift.gradient.fill(0)
        if computeInputGradient { dx.resize(rows: rows, cols: n) }
        let g = scale.value.storage
        for r in 0..<rows {
            let base = r * n
            let m = means[r], rs = inverseStd[r]
            var sumG = 0.0, sumGX = 0.0
            for c in 0..<n {
                let xh = (x.storage[base + c] - m) * rs
                let d = dy.storage[base + c]
                scale.gradient.storage[c] += d * xh
                shift.gradient.storage[c] += d
                let gc = Double(d * g[c])
                sumG += gc
                sumGX += gc * Double(xh)
            }
            guard computeInputGradient else { continue }
            let meanG = Float(sumG / Double(n)), meanGX = Float(sumGX / Double(n))
            for c in 0..<n {
                let xh = (x.storage[base + c] - m) * rs
                dx.storage[base + c] = rs * (dy.storage[base + c] * g[c] - meanG - xh * meanGX)
            }
        }
    }
}
