import Foundation

/// Softmax cross-entropy on logits for mutually exclusive classes (= `torch.nn.CrossEntropyLoss`),
/// fused with its softmax: logits in, loss and `d loss / d logits` out, in one pass per row.
///
/// With `log p_ic = z_ic - logsumexp(z_i)`, class weights `w` (all 1 when `nil`) and label
/// smoothing `ε`:
///
/// **Class-index targets** `y_i` (`Targets.classIndices`, `B` of them):
///
///     loss_i = (1-ε) w[y_i] (-log p_{i,y_i}) + (ε/C) sum_c w_c (-log p_ic)      (0 if y_i == ignoreIndex)
///     d loss_i / d z_ij = p_ij ((1-ε) w[y_i] + (ε/C) sum_c w_c) - (1-ε) w[y_i] [j == y_i] - (ε/C) w_j
///     mean = sum_i loss_i / sum_{i not ignored} w[y_i]     (NaN, with a zero gradient, if every target is ignored)
///
/// Without weights and smoothing the gradient is the familiar `softmax(z_i) - onehot(y_i)`.
///
/// **Probability targets** `t` (`Targets.matrix`, `B x C`, each in [0, 1], rows not renormalised):
///
///     t'_ic = (1-ε) t_ic + ε/C,   loss_i = -sum_c w_c t'_ic log p_ic
///     d loss_i / d z_ij = p_ij sum_c w_c t'_ic - w_j t'_ij
///     mean = sum_i loss_i / B      (B, not the summed weights, exactly as PyTorch)
///
/// `reduction: .none` gives `[B]`. `-log p` is evaluated as `(max_i - z_ic) + log sum exp(z_i - max_i)`,
/// so logits of ±1e4 give exact, finite losses. A NaN logit makes its row NaN (propagated).
public struct SoftmaxCrossEntropy: LossFunction {
    public var reduction: Reduction
    /// Per-class weights `[C]`, or `nil` for all ones.
    public var weight: [Float]?
    /// Class-index targets equal to this are skipped (loss 0, gradient 0, not counted in the mean).
    /// May be a valid class index. Must stay negative for probability targets (as in PyTorch).
    public var ignoreIndex: Int
    /// Label smoothing `ε` in [0, 1].
    public var labelSmoothing: Float

    public var valuesArePerSample: Bool { true }

    public init(weight: [Float]? = nil, ignoreIndex: Int = -100, labelSmoothing: Float = 0, reduction: Reduction = .mean) {
        self.weight = weight
        self.ignoreIndex = ignoreIndex
        self.labelSmoothing = labelSmoothing
        self.reduction = reduction
    }

    static let name = "SoftmaxCrossEntropy"

    public func evaluate(
        input: Matrix, targets: Targets, reduction: Reduction,
        values: inout [Float]?, gradient: inout Matrix
    ) throws -> Double {
        let logits = input
        let c = logits.cols
        guard labelSmoothing >= 0 && labelSmoothing <= 1 else {
            throw LogitsError.invalidValue("\(Self.name): labelSmoothing = \(labelSmoothing), expected a value in [0, 1]")
        }
        try LossCheck.classWeight(weight, classes: c, loss: Self.name)
        switch targets {
        case .classIndices(let y):
            return try indexTargets(logits, y, reduction, &values, &gradient)
        case .matrix(let t):
            return try probabilityTargets(logits, t, reduction, &values, &gradient)
        }
    }

    private func indexTargets(
        _ logits: Matrix, _ y: [Int], _ reduction: Reduction, _ values: inout [Float]?, _ gradient: inout Matrix
    ) throws -> Double {
        let b = logits.rows, c = logits.cols
        try LossCheck.classIndices(y, rows: b, classes: c, ignoreIndex: ignoreIndex, loss: Self.name)
        var denom: Double = 0
        for v in y where v != ignoreIndex { denom += Double(weight?[v] ?? 1) }
        let scale: Float = reduction == .mean ? (denom > 0 ? Float(1 / denom) : 0) : 1
        gradient.resize(rows: b, cols: c)
        let wantValues = values != nil
        var vals = [Float](repeating: 0, count: wantValues ? b : 0)
        let eps = labelSmoothing
        let plain = weight == nil && eps == 0
        let classWeight = weight ?? []
        let wSum = Float(weight.map { $0.reduce(0.0) { $0 + Double($1) } } ?? Double(c))
        var total: Double = 0
        logits.withUnsafeBufferPointer { zb in
            gradient.withUnsafeMutableBufferPointer { gb in
                guard let z0 = zb.baseAddress, let g0 = gb.baseAddress else { return }
                let ignore = ignoreIndex
                forEachShiftedExpRow(z: z0, g: g0, rows: b, cols: c, skip: { y[$0] == ignore }) { i, z, g, m in
                    let yi = y[i]
                    let s = simdRowSum(g, count: c)                  // g_j = exp(z_j - m)
                    let logS = log(s)
                    let nll = (m - z[yi]) + logS                 // -log p_y
                    var rowLoss: Float
                    if plain {
                        rowLoss = nll
                        let a = scale / s
                        for j in 0..<c { g[j] *= a }
                        g[yi] -= scale
                    } else {
                        let wy = weight?[yi] ?? 1
                        let smoothW = eps / Float(c)
                        var smooth: Double = 0
                        if eps > 0 {
                            for j in 0..<c {
                                let nlp = Double((m - z[j]) + logS)
                                smooth += Double(weight?[j] ?? 1) * nlp
                            }
                        }
                        rowLoss = Float(Double((1 - eps) * wy) * Double(nll) + Double(smoothW) * smooth)
                        let a = scale * ((1 - eps) * wy + smoothW * wSum) / s
                        if weight != nil && eps > 0 {
                            for j in 0..<c { g[j] = g[j] * a - scale * smoothW * classWeight[j] }
                        } else {
                            let sub = scale * smoothW
                            for j in 0..<c { g[j] = g[j] * a - sub }
                        }
                        g[yi] -= scale * (1 - eps) * wy
                    }
                    total += Double(rowLoss)
                    if wantValues { vals[i] = rowLoss }
                }
            }
        }
        if wantValues { values = vals }
        return reduction == .mean ? total / denom : total
    }

    private func probabilityTargets(
        _ logits: Matrix, _ t: Matrix, _ reduction: Reduction, _ values: inout [Float]?, _ gradient: inout Matrix
    ) throws -> Double {
        let b = logits.rows, c = logits.cols
        try LossCheck.targetShape(t, rows: b, cols: c, loss: Self.name)
        guard ignoreIndex < 0 else {
            throw LogitsError.invalidValue(
                "\(Self.name): ignoreIndex \(ignoreIndex) is not supported with probability targets (as in PyTorch)")
        }
        try LossCheck.targetsInUnitInterval(t, loss: Self.name)
        let scale: Float = reduction == .mean ? (b > 0 ? 1 / Float(b) : 0) : 1
        gradient.resize(rows: b, cols: c)
        let wantValues = values != nil
        var vals = [Float](repeating: 0, count: wantValues ? b : 0)
        let eps = labelSmoothing
        let smoothT = eps / Float(max(c, 1))
        var total: Double = 0
        logits.withUnsafeBufferPointer { zb in
            t.withUnsafeBufferPointer { tb in
                gradient.withUnsafeMutableBufferPointer { gb in
                    guard let z0 = zb.baseAddress, let t0 = tb.baseAddress, let g0 = gb.baseAddress else { return }
                    forEachShiftedExpRow(z: z0, g: g0, rows: b, cols: c, skip: { _ in false }) { i, z, g, m in
                        let ti = t0 + i * c
                        let s = simdRowSum(g, count: c)
                        let logS = log(s)
                        var rowLoss: Double = 0
                        var tw: Double = 0
                        for j in 0..<c {
                            let wt = (weight?[j] ?? 1) * ((1 - eps) * ti[j] + smoothT)
                            // A zero target weight contributes exactly 0 (also where log p = -inf).
                            if wt != 0 { rowLoss += Double(wt) * Double((m - z[j]) + logS) }
                            tw += Double(wt)
                        }
                        let a = scale * Float(tw) / s
                        for j in 0..<c {
                            let wt = (weight?[j] ?? 1) * ((1 - eps) * ti[j] + smoothT)
                            g[j] = g[j] * a - scale * wt
                        }
                        total += rowLoss
                        if wantValues { vals[i] = Float(rowLoss) }
                    }
                }
            }
        }
        if wantValues { values = vals }
        return reduction == .mean ? total / Double(b) : total
    }
}
