import Foundation

// The one place where the elementwise losses are checked, smoothed, masked, weighted and reduced
// (formulas: `ElementwiseLoss`). The fused sigmoid-BCE kernel (`SigmoidBCEKernel`) is the Float
// fast path of the unmasked sigmoid BCE and soft margin; everything else runs `run`, per element
// in `Double`.

enum ElementwiseDriver {
    /// Checks shapes, weights, parameters, smoothing, the mask and (when `checkTargets`) every
    /// observed target; returns the target matrix.
    static func validate<L: ElementwiseLoss>(
        _ loss: L, input: Matrix, targets: Targets, mask: Matrix?, checkTargets: Bool
    ) throws -> Matrix {
        let name = loss.lossName
        let b = input.rows, c = input.cols
        let y = try LossCheck.targetMatrix(targets, loss: name)
        try LossCheck.targetShape(y, rows: b, cols: c, loss: name)
        if let mask { try LossCheck.targetMask(mask, rows: b, cols: c, loss: name) }
        try LossCheck.elementWeight(loss.elementWeights, rows: b, cols: c, loss: name)
        try LossCheck.classWeight(loss.positiveWeights, classes: c, loss: name, name: "posWeight")
        try loss.checkParameters()
        let eps = loss.labelSmoothing
        guard eps >= 0 && eps <= 1 else {
            throw LogitsError.invalidValue("\(name): labelSmoothing = \(eps), expected a value in [0, 1]")
        }
        if loss.inputIsProbability, let k = input.storage.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw LogitsError.invalidValue(
                "\(name): input[\(k / c)][\(k % c)] = \(input.storage[k]) is not a probability in [0, 1] "
                    + "(pass logits to SigmoidBinaryCrossEntropy instead)")
        }
        if checkTargets {
            if let mask {
                for k in 0..<y.storage.count where mask.storage[k] != 0 && !(y.storage[k] >= 0 && y.storage[k] <= 1) {
                    let v = y.storage[k]
                    throw LogitsError.invalidValue(
                        "\(name): target[\(k / c)][\(k % c)] = \(v) \(v.isNaN ? "is NaN" : "is outside [0, 1]")")
                }
            } else {
                try LossCheck.targetsInUnitInterval(y, loss: name)
            }
        }
        return y
    }

    /// `y (1 - ε) + ε / 2` in `Float` (the kernel's input); `y` itself when `ε = 0`.
    static func smoothed(_ y: Matrix, _ eps: Float) -> Matrix {
        guard eps != 0 else { return y }
        var m = y
        let keep = 1 - eps, half = eps / 2
        for k in 0..<m.storage.count { m.storage[k] = y.storage[k] * keep + half }
        return m
    }

    /// The shared loop (inputs validated): smoothing, mask, weights, positive weights and the
    /// reduction around `loss.element`, in `Double`. `gradient` is resized to `B x C`.
    static func run<L: ElementwiseLoss>(
        _ loss: L, input x: Matrix, targets y: Matrix, mask: Matrix?, reduction: Reduction,
        values: inout [Float]?, gradient: inout Matrix
    ) -> Double {
        let b = x.rows, c = x.cols
        gradient.resize(rows: b, cols: c)
        let eps = Double(loss.labelSmoothing)
        let keep = 1 - eps, half = eps / 2
        let perSample = loss.valuesArePerSample
        let weight = loss.elementWeights
        let posWeight = loss.positiveWeights
        let wantValues = values != nil
        var vals = [Float](repeating: 0, count: wantValues ? (perSample ? b : b * c) : 0)
        // The mean's denominator: observed entries (per element) or rows with an observed label (per sample).
        var observed = b * c, observedRows = b
        if let mask {
            observed = 0
            observedRows = 0
            for i in 0..<b {
                var n = 0
                for j in 0..<c where mask.storage[i * c + j] != 0 { n += 1 }
                observed += n
                if n > 0 { observedRows += 1 }
            }
        }
        let denominator = perSample ? observedRows : observed
        let meanScale = reduction == .mean ? (denominator > 0 ? 1 / Double(denominator) : 0) : 1
        var total: Double = 0
        for i in 0..<b {
            var rowCount = c
            if perSample, let mask {
                rowCount = 0
                for j in 0..<c where mask.storage[i * c + j] != 0 { rowCount += 1 }
            }
            let rowScale = perSample ? (rowCount > 0 ? 1 / Double(rowCount) : 0) : 1
            let gradScale = meanScale * rowScale
            var rowSum: Double = 0
            for j in 0..<c {
                let k = i * c + j
                if let mask, mask.storage[k] == 0 {
                    gradient.storage[k] = 0
                    continue
                }
                let t = Double(y.storage[k]) * keep + half
                let e = loss.element(Double(x.storage[k]), target: t, posWeight: posWeight.map { Double($0[j]) } ?? 1)
                let w = weight.map { Double($0.value(row: i, col: j, cols: c)) } ?? 1
                let l = w * e.value
                rowSum += l
                if wantValues && !perSample { vals[k] = Float(l) }
                gradient.storage[k] = Float(w * e.derivative * gradScale)
            }
            if perSample {
                let v = rowSum * rowScale
                total += v
                if wantValues { vals[i] = Float(v) }
            } else {
                total += rowSum
            }
        }
        if wantValues { values = vals }
        return reduction == .mean ? total / Double(denominator) : total
    }
}

extension LossCheck {
    /// A target mask: the input's shape, every entry 0 (missing) or 1 (observed).
    static func targetMask(_ m: Matrix, rows: Int, cols: Int, loss: String) throws {
        guard m.rows == rows, m.cols == cols else {
            throw LogitsError.shapeMismatch("\(loss): mask is \(m.rows)x\(m.cols), expected \(rows)x\(cols) like the input")
        }
        if let k = m.storage.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw LogitsError.invalidValue("\(loss): mask[\(k / cols)][\(k % cols)] = \(m.storage[k]), expected 0 (missing) or 1 (observed)")
        }
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
