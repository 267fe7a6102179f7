import Foundation

// Input checks shared by the losses. Each throws a `LogitsError` that says what was found and
// what was expected; none of them traps.

enum LossCheck {
    /// A per-class weight vector must have one finite entry per column.
    static func classWeight(_ w: [Float]?, classes: Int, loss: String, name: String = "weight") throws {
        guard let w else { return }
        guard w.count == classes else {
            throw LogitsError.shapeMismatch("\(loss): \(name) has \(w.count) entries, expected one per class/label (\(classes))")
        }
        if let k = w.firstIndex(where: { !$0.isFinite }) {
            throw LogitsError.invalidValue("\(loss): \(name)[\(k)] = \(w[k]) is not finite")
        }
    }

    /// An element weight must broadcast to `rows x cols` and be finite.
    static func elementWeight(_ w: ElementWeight?, rows: Int, cols: Int, loss: String) throws {
        guard let w else { return }
        switch w {
        case .perLabel(let v):
            try classWeight(v, classes: cols, loss: loss)
        case .perSample(let v):
            guard v.count == rows else {
                throw LogitsError.shapeMismatch("\(loss): per-sample weight has \(v.count) entries, expected one per row (\(rows))")
            }
            if let k = v.firstIndex(where: { !$0.isFinite }) {
                throw LogitsError.invalidValue("\(loss): weight[\(k)] = \(v[k]) is not finite")
            }
        case .perElement(let m):
            guard m.rows == rows, m.cols == cols else {
                throw LogitsError.shapeMismatch("\(loss): weight is \(m.rows)x\(m.cols), expected \(rows)x\(cols) like the input")
            }
            if let k = m.storage.firstIndex(where: { !$0.isFinite }) {
                throw LogitsError.invalidValue("\(loss): weight[\(k / cols)][\(k % cols)] = \(m.storage[k]) is not finite")
            }
        }
    }

    /// Class indices: one per row, each in `0..<classes` or equal to `ignoreIndex`.
    static func classIndices(_ y: [Int], rows: Int, classes: Int, ignoreIndex: Int?, loss: String) throws {
        guard y.count == rows else {
            throw LogitsError.shapeMismatch("\(loss): \(y.count) class indices for \(rows) rows of input")
        }
        for (i, v) in y.enumerated() where v != ignoreIndex && (v < 0 || v >= classes) {
            let ignored = ignoreIndex.map { " (ignore_index is \($0))" } ?? ""
            throw LogitsError.invalidValue("\(loss): class index \(v) at row \(i) is outside 0..<\(classes)\(ignored)")
        }
    }

    /// A target matrix with the input's shape.
    static func targetShape(_ t: Matrix, rows: Int, cols: Int, loss: String) throws {
        guard t.rows == rows, t.cols == cols else {
            throw LogitsError.shapeMismatch("\(loss): targets are \(t.rows)x\(t.cols), expected \(rows)x\(cols) like the input")
        }
    }

    /// The first target outside `[0, 1]` (NaN included), as an error.
    static func targetRangeError(_ t: Matrix, loss: String) -> LogitsError {
        let cols = max(t.cols, 1)
        if let k = t.storage.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            let v = t.storage[k]
            let what = v.isNaN ? "is NaN" : "is outside [0, 1]"
            return LogitsError.invalidValue("\(loss): target[\(k / cols)][\(k % cols)] = \(v) \(what)")
        }
        return LogitsError.invalidValue("\(loss): a target is outside [0, 1]")
    }

    /// Every target in `[0, 1]` (a NaN fails).
    static func targetsInUnitInterval(_ t: Matrix, loss: String) throws {
        for v in t.storage where !(v >= 0 && v <= 1) { throw targetRangeError(t, loss: loss) }
    }

    static func targetMatrix(_ targets: Targets, loss: String) throws -> Matrix {
        guard case .matrix(let t) = targets else {
            throw LogitsError.invalidValue("\(loss) expects a B x C target matrix, got class indices")
        }
        return t
    }

    static func classIndexTargets(_ targets: Targets, loss: String) throws -> [Int] {
        guard case .classIndices(let y) = targets else {
            throw LogitsError.invalidValue("\(loss) expects class indices, got a target matrix")
        }
        return y
    }
}

/// Stable pieces of a sigmoid in `Double`, for the per-element losses computed in `Double`.
struct SigmoidParts {
    /// `sigmoid(x)`, `sigmoid(-x)` (= 1 - sigmoid(x), without cancellation).
    var pos: Double, neg: Double
    /// `softplus(x) = -log sigmoid(-x)`, `softplus(-x) = -log sigmoid(x)`.
    var softplusPos: Double, softplusNeg: Double

    init(_ x: Double) {
        let e = Foundation.exp(-Swift.abs(x))
        let l = Foundation.log1p(e)
        let r = 1 / (1 + e)
        if x >= 0 {
            pos = r; neg = e * r
        } else {
            pos = e * r; neg = r
        }
        if x.isNaN { pos = x; neg = x }
        softplusPos = (x > 0 ? x : 0) + l
        softplusNeg = (x < 0 ? -x : 0) + l
        if x.isNaN { softplusPos = x; softplusNeg = x }
    }
}
