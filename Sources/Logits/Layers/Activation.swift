import Foundation

/// A pointwise hidden-layer activation, with PyTorch's definitions:
///
/// | case | forward `y = f(x)` | derivative `f'(x)` | PyTorch |
/// | --- | --- | --- | --- |
/// | `relu` | `max(x, 0)` | `x > 0 ? 1 : 0` | `nn.ReLU` |
/// | `leakyReLU(slope)` | `x > 0 ? x : slope x` | `x > 0 ? 1 : slope` | `nn.LeakyReLU(slope)` (0.01) |
/// | `gelu` | `x Φ(x) = x/2 (1 + erf(x/√2))` | `Φ(x) + x φ(x)` | `nn.GELU()` |
/// | `geluTanh` | `x/2 (1 + tanh(√(2/π)(x + 0.044715 x³)))` | its derivative | `nn.GELU(approximate="tanh")` |
/// | `tanh` | `tanh(x)` | `1 - y²` | `nn.Tanh` |
/// | `sigmoid` | `1 / (1 + e^{-x})` | `y (1 - y)` | `nn.Sigmoid` |
///
/// All but the two GELUs have derivatives computable from the output `y` alone, which lets `Dense`
/// fuse them with its bias add (see `derivableFromOutput`).
public enum Activation: Codable, Sendable, Equatable, Hashable {
    case relu
    case leakyReLU(slope: Float)
    case gelu
    case geluTanh
    case tanh
    case sigmoid

    /// Short name for summaries and for the PyTorch module (`ReLU`, `LeakyReLU`, `GELU`, ...).
    public var moduleName: String {
        switch self {
        case .relu: return "ReLU"
        case .leakyReLU: return "LeakyReLU"
        case .gelu, .geluTanh: return "GELU"
        case .tanh: return "Tanh"
        case .sigmoid: return "Sigmoid"
        }
    }

    /// Whether `f'(x)` is a function of `y = f(x)` (so the input need not be kept for backward).
    public var derivableFromOutput: Bool {
        switch self {
        case .relu, .tanh, .sigmoid: return true
        case .leakyReLU(let s): return s >= 0
        case .gelu, .geluTanh: return false
        }
    }

    /// `y = f(x)` for one value.
    @inlinable public func apply(_ x: Float) -> Float {
        switch self {
        case .relu: return x < 0 ? 0 : x
        case .leakyReLU(let s): return x > 0 ? x : s * x
        case .gelu: return 0.5 * x * (1 + erf(x * 0.70710678118654752))
        case .geluTanh:
            let inner: Float = 0.7978845608028654 * (x + 0.044715 * x * x * x)
            return 0.5 * x * (1 + Foundation.tanh(inner))
        case .tanh: return Foundation.tanh(x)
        case .sigmoid: return Logits.sigmoid(x)
        }
    }

    /// `f'(x)` from the input `x` and the output `y = f(x)`.
    @inlinable public func derivative(input x: Float, output y: Float) -> Float {
        switch self {
        case .relu: return x > 0 ? 1 : 0
        case .leakyReLU(let s): return x > 0 ? 1 : s
        case .gelu:
            let cdf = 0.5 * (1 + erf(x * 0.70710678118654752))
            let pdf = 0.3989422804014327 * Foundation.exp(-0.5 * x * x)
            return cdf + x * pdf
        case .geluTanh:
            let k: Float = 0.7978845608028654
            let x2 = x * x
            let inner = k * (x + 0.044715 * x2 * x)
            let t = Foundation.tanh(inner)
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x2)
        case .tanh: return 1 - y * y
        case .sigmoid: return y * (1 - y)
        }
    }

    /// Forward in place over `count` values: `x[i] = f(x[i])`.
    public func forward(_ x: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .relu: Elementwise.map(x, count: count) { $0 < 0 ? 0 : $0 }
        case .leakyReLU(let s): Elementwise.map(x, count: count) { $0 > 0 ? $0 : s * $0 }
        default: for i in 0..<count { x[i] = apply(x[i]) }
        }
    }

    /// `m = f(m + bias row)` in one pass (bias of `cols` values added to each of `rows` rows).
    public func forwardAddingBias(
        _ bias: UnsafePointer<Float>, to m: UnsafeMutablePointer<Float>, rows: Int, cols: Int
    ) {
        if case .relu = self {
            Elementwise.addRowVectorReLU(bias, to: m, rows: rows, cols: cols)
            return
        }
        for r in 0..<rows {
            let row = m + r * cols
            for c in 0..<cols { row[c] = apply(row[c] + bias[c]) }
        }
    }

    /// Backward in place: `g[i] *= f'(x[i])`, using the output `y` only (requires `derivableFromOutput`).
    public func backwardFromOutput(
        output y: UnsafePointer<Float>, gradient g: UnsafeMutablePointer<Float>, count: Int
    ) {
        switch self {
        case .relu: Elementwise.reluBackward(output: y, gradient: g, count: count, slope: 0)
        case .leakyReLU(let s): Elementwise.reluBackward(output: y, gradient: g, count: count, slope: s)
        case .tanh: for i in 0..<count { g[i] *= 1 - y[i] * y[i] }
        case .sigmoid: for i in 0..<count { g[i] *= y[i] * (1 - y[i]) }
        case .gelu, .geluTanh:
            preconditionFailure("GELU backward needs its input")  // trap-ok: internal, callers check derivableFromOutput
        }
    }

    /// Backward: `dx[i] = dy[i] * f'(x[i])` from input and output.
    public func backward(
        input x: UnsafePointer<Float>, output y: UnsafePointer<Float>,
        outputGradient dy: UnsafePointer<Float>, inputGradient dx: UnsafeMutablePointer<Float>, count: Int
    ) {
        for i in 0..<count { dx[i] = dy[i] * derivative(input: x[i], output: y[i]) }
    }
}
