import Foundation

/// Binary cross-entropy on probabilities (= `torch.nn.BCELoss`), for models whose output already
/// went through a sigmoid.
///
/// **Prefer `SigmoidBinaryCrossEntropy` on logits.** A probability has already lost information:
/// in `Float`, `sigmoid(x)` rounds to exactly 1 for `x >= 16.6` (and to tiny or zero values for
/// very negative `x`), so `log(p)` / `log(1 - p)` of the rounded value is `-inf` or badly rounded,
/// and the gradient through the sigmoid `p (1 - p)` vanishes exactly where the model is most
/// wrong. The logits form computes `softplus` directly and its gradient `σ(x) - y` never
/// saturates. This loss exists for compatibility and mirrors PyTorch's safeguards exactly:
///
///     loss_ij = -w [y max(log p, -100) + (1 - y) max(log(1 - p), -100)]     (so p = 0 or 1 costs at most 100 w)
///     d loss_ij / d p_ij = w (p - y) / max(p (1 - p), ε)      ε = Float(1e-12) = 9.999999960041972e-13 (the clamp is ignored, as in PyTorch)
///     mean = sum_ij loss_ij / (B C)
///
/// Computed in `Double` per element. Input outside [0, 1] (or NaN) is an error, as in PyTorch.
/// `reduction: .none` gives `[B][C]`.
public struct BinaryCrossEntropy: LossFunction {
    public var reduction: Reduction
    /// Element weights broadcast to `B x C`, or `nil`.
    public var weight: ElementWeight?

    public var valuesArePerSample: Bool { false }

    /// PyTorch's `EPSILON = 1e-12` of the backward pass, a `float` constant even in float64.
    public static let gradientEpsilon = Double(Float(1e-12))

    public init(weight: ElementWeight? = nil, reduction: Reduction = .mean) {
        self.weight = weight
        self.reduction = reduction
    }

    static let name = "BinaryCrossEntropy"

    public func evaluate(
        input p: Matrix, targets: Targets, reduction: Reduction,
        values: inout [Float]?, gradient: inout Matrix
    ) throws -> Double {
        let b = p.rows, c = p.cols
        let y = try LossCheck.targetMatrix(targets, loss: Self.name)
        try LossCheck.targetShape(y, rows: b, cols: c, loss: Self.name)
        try LossCheck.elementWeight(weight, rows: b, cols: c, loss: Self.name)
        if let k = p.storage.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw LogitsError.invalidValue(
                "\(Self.name): input[\(k / c)][\(k % c)] = \(p.storage[k]) is not a probability in [0, 1] "
                    + "(pass logits to SigmoidBinaryCrossEntropy instead)")
        }
        try LossCheck.targetsInUnitInterval(y, loss: Self.name)
        let n = b * c
        let scale: Double = reduction == .mean ? (n > 0 ? 1 / Double(n) : 0) : 1
        gradient.resize(rows: b, cols: c)
        let wantValues = values != nil
        var vals = [Float](repeating: 0, count: wantValues ? n : 0)
        var total: Double = 0
        for i in 0..<b {
            for j in 0..<c {
                let k = i * c + j
                let pk = Double(p.storage[k]), yk = Double(y.storage[k])
                let w = Double(weight?.value(row: i, col: j, cols: c) ?? 1)
                let logP = Swift.max(log(pk), -100)
                let log1mP = Swift.max(log1p(-pk), -100)
                let l = -w * (yk * logP + (1 - yk) * log1mP)
                total += l
                if wantValues { vals[k] = Float(l) }
                let g = w * (pk - yk) / Swift.max(pk * (1 - pk), Self.gradientEpsilon)
                gradient.storage[k] = Float(g * scale)
            }
        }
        if wantValues { values = vals }
        return reduction == .mean ? total / Double(n) : total
    }
}

extension ElementWeight {
    /// The broadcast weight of element `(row, col)` of a `? x cols` matrix (shapes checked before).
    @inline(__always) func value(row: Int, col: Int, cols: Int) -> Float {
        switch self {
        case .perLabel(let v): return v[col]
        case .perSample(let v): return v[row]
        case .perElement(let m): return m.storage[row * cols + col]
        }
    }
}
