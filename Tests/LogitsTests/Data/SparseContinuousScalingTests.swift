import Testing
import Logits

/// The divisor of continuous columns in a fit on sparse data (`FeatureScaling.SparseContinuousScale`),
/// on a hand-made CSR matrix; reference values from numpy (float32 data read as float64).
@Suite struct SparseContinuousScalingTests {
    /// 4 x 4: column 0 continuous {0.5, 0, 0, 0.2}, column 1 binary, column 2 continuous
    /// {0.1, 0, 0.3, 0}, column 3 all zero (constant).
    static func matrix() throws -> SparseMatrix {
        try SparseMatrix(rows: 4, cols: 4, rowOffsets: [0, 2, 3, 4, 5], columnIndices: [0, 2, 1, 2, 0],
                         values: [0.5, 0.1, 1, 0.3, 0.2])
    }

    @Test("Default: one common scale, the root mean square of the continuous block; binary kept, constant dropped")
    func commonRootMeanSquare() throws {
        let s = try FeatureScaling(fitting: Self.matrix())
        #expect(s.kinds == [.continuous, .binary, .continuous, .constant])
        #expect(s.kept == [0, 1, 2])
        #expect(s.shift == [0, 0, 0])
        // numpy: np.sqrt((X[:, [0, 2]] ** 2).mean()) = 0.2207940241046714
        let rms: Float = 0.22079402
        #expect(abs(s.scale[0] - rms) <= 1e-7 && abs(s.scale[2] - rms) <= 1e-7)
        #expect(s.scale[1] == 1)  // binary, max-abs policy: unchanged
        #expect(s.sparseSummaryLines().contains { $0.hasPrefix("continuous: 2 features divided by one common scale") })
        // Dividing the stored values: each continuous value becomes v / rms, the zeros stay implicit.
        var x = try Self.matrix()
        try RecipeScaling.fullWidth(s).divide(&x)
        #expect(x.nnz == 5)
        x.withUnsafeBuffers { _, _, values in
            for (got, want) in zip(Array(values), [Float(0.5) / rms, Float(0.1) / rms, 1, Float(0.3) / rms, Float(0.2) / rms]) {
                #expect(abs(got - want) <= 1e-6 * abs(want))
            }
        }
    }

    @Test("standardDeviation: each continuous column by its population std (StandardScaler(with_mean=False))")
    func perColumnStd() throws {
        let s = try FeatureScaling(fitting: Self.matrix(), policy: .init(sparseContinuous: .standardDeviation))
        // numpy: X[:, 0].std() = 0.2046338193878346, X[:, 2].std() = 0.12247449200585778
        #expect(abs(Double(s.scale[0]) - 0.2046338193878346) <= 1e-6)
        #expect(abs(Double(s.scale[2]) - 0.12247449200585778) <= 1e-6)
        #expect(s.sparseSummaryLines().contains { $0.hasPrefix("continuous: 2 features divided by their std") })
    }

    @Test("No continuous column: the common scale plays no part (binary and count columns as before)")
    func noContinuous() throws {
        let x = try SparseMatrix(rows: 3, cols: 2, rowOffsets: [0, 1, 2, 3], columnIndices: [0, 1, 1], values: [1, 2, 3])
        let s = try FeatureScaling(fitting: x)
        #expect(s.kinds == [.binary, .count])
        #expect(s.scale[0] == 1)
        // counts {0, 2, 3}: population std = sqrt(38/9) (numpy: 1.247219128924647)
        #expect(abs(Double(s.scale[1]) - 1.247219128924647) <= 1e-6)
    }
}

/// The full-width `Standardizer` of a fit, as the recipe builds it (kept columns get shift and
/// scale; dropped ones scale `Float.greatestFiniteMagnitude`).
enum RecipeScaling {
    static func fullWidth(_ s: FeatureScaling) throws -> Standardizer {
        var shift = [Float](repeating: 0, count: s.inputCount)
        var scale = [Float](repeating: .greatestFiniteMagnitude, count: s.inputCount)
        for (k, c) in s.kept.enumerated() { (shift[c], scale[c]) = (s.shift[k], s.scale[k]) }
        return try Standardizer(mean: shift, scale: scale)
    }
}
