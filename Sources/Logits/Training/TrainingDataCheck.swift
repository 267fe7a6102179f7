/// Input checks done once before training or prediction, so that bad user data gets a clear error
/// (naming the row and column) instead of a trap or a silently diverging run.
public enum TrainingDataCheck {
    /// - Throws: `LogitsError.invalidValue` for the first NaN/infinite feature (row, column, value),
    ///   `LogitsError.shapeMismatch` for a wrong feature count.
    /// `checkFeatures` for dense or sparse features (a sparse matrix's stored values must be finite).
    public static func checkFeatures(_ x: FeatureMatrix, expectedColumns: Int, what: String = "features") throws {
        switch x {
        case .dense(let m):
            try checkFeatures(m, expectedColumns: expectedColumns, what: what)
        case .sparse(let s):
            guard s.cols == expectedColumns else {
                throw LogitsError.shapeMismatch("\(what) have \(s.cols) columns, the model expects \(expectedColumns)")
            }
            if let k = s.values.firstIndex(where: { !$0.isFinite }) {
                let row = s.rowOffsets.lastIndex { $0 <= k } ?? 0
                throw LogitsError.invalidValue("\(what) row \(row), column \(s.columnIndices[k]) is \(s.values[k]); every feature must be finite")
            }
        }
    }

    public static func checkFeatures(_ x: Matrix, expectedColumns: Int, what: String = "features") throws {
        guard x.cols == expectedColumns else {
            throw LogitsError.shapeMismatch("\(what) have \(x.cols) columns, the model expects \(expectedColumns)")
        }
        let c = x.cols
        let bad: Int? = x.withUnsafeBufferPointer { p in
            for i in 0..<p.count where !p[i].isFinite { return i }
            return nil
        }
        if let i = bad {
            throw LogitsError.invalidValue("\(what) row \(i / c), column \(i % c) is \(x.storage[i]); every feature must be finite")
        }
    }

    /// - Throws: `LogitsError.shapeMismatch` when `targets` do not have `rows` rows (or `outputs`
    ///   columns); `LogitsError.invalidValue` for a class index outside `0..<outputs` or a target
    ///   value outside `[0, 1]` (row and column named).
    public static func checkTargets(_ t: Targets, rows: Int, outputs: Int, what: String = "targets") throws {
        guard t.count == rows else {
            throw LogitsError.shapeMismatch("\(t.count) \(what) for \(rows) feature rows")
        }
        switch t {
        case .classIndices(let y):
            if let i = y.firstIndex(where: { $0 < 0 || $0 >= outputs }) {
                throw LogitsError.invalidValue("\(what) row \(i) has class \(y[i]), expected 0..<\(outputs)")
            }
        case .matrix(let m):
            guard m.cols == outputs else {
                throw LogitsError.shapeMismatch("\(what) have \(m.cols) columns, the model has \(outputs) outputs")
            }
            if let i = m.storage.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
                throw LogitsError.invalidValue(
                    "\(what) row \(i / outputs), column \(i % outputs) is \(m.storage[i]), expected a value in [0, 1]")
            }
        }
    }

}
