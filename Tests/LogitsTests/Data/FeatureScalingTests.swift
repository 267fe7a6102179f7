import Foundation
import Testing
@testable import Logits

@Suite struct FeatureScalingTests {
    /// Columns: binary, count, constant 2, continuous, constant 0.
    static let fixture: [[Float]] = [
        [0, 0, 2, -1.5, 0],
        [1, 3, 2, 0.25, 0],
        [0, 1, 2, 3.0, 0],
        [0, 0, 2, 2.0, 0],
        [1, 7, 2, -0.5, 0],
    ]

    @Test func kindsAreDecidedFromTheValues() throws {
        #expect(FeatureKind.classify(try Matrix(Self.fixture)) == [.binary, .count, .constant, .continuous, .constant])
        let odd = try Matrix([[0, -1, 0.5, 1, .nan], [1, 2, 1, 1, .nan]])
        #expect(FeatureKind.classify(odd) == [.binary, .continuous, .continuous, .constant, .continuous])
        #expect(FeatureKind.classify(Matrix(rows: 0, cols: 2)) == [.constant, .constant])
    }

    @Test func fitsLikeScikitLearn() throws {
        let x = try Matrix(Self.fixture)
        let scaling = try FeatureScaling(fitting: x)
        #expect(scaling.kept == [0, 1, 3] && scaling.dropped == [2, 4])
        #expect(scaling.inputCount == 5 && scaling.outputCount == 3)
        // Reference values from scikit-learn 1.x on this fixture (float32 input):
        //   StandardScaler().fit(X[:, [3]]): mean_ 0.65, scale_ 1.64012195
        //   StandardScaler(with_mean=False).fit(X[:, [1]]): scale_ 2.63818119
        #expect(scaling.shift == [0, 0, 0.65])
        #expect(abs(scaling.scale[1] - 2.63818119) < 1e-6 && abs(scaling.scale[2] - 1.64012195) < 1e-6)
        #expect(scaling.scale[0] == 1)  // binary: max-abs 1, unchanged

        let y = try scaling.apply(to: x)
        #expect(y.rows == 5 && y.cols == 3)
        // Binary column: zeros stay zeros, ones stay ones.
        #expect((0..<5).map { y[$0, 0] } == [0, 1, 0, 0, 1])
        // Count column: not centred (zeros stay zeros), divided by the population std.
        let counts: [Float] = [0.0, 1.137147068977356, 0.37904903292655945, 0.0, 2.6533432006835938]
        // Continuous column: StandardScaler().transform.
        let continuous: [Float] = [-1.3108781576156616, -0.24388429522514343, 1.432820200920105, 0.8231095671653748, -0.7011673450469971]
        for r in 0..<5 {
            #expect(abs(y[r, 1] - counts[r]) < 1e-6, "count row \(r)")
            #expect(abs(y[r, 2] - continuous[r]) < 1e-6, "continuous row \(r)")
        }
        #expect(y[0, 1] == 0 && y[3, 1] == 0)
        // New data: sklearn gives 0.21339878 (continuous 1.0) and 3.7904902 (count 10).
        let t = try scaling.apply(to: Matrix([[1, 10, 2, 1.0, 0]]))
        #expect(t[0, 0] == 1 && abs(t[0, 1] - 3.7904902) < 1e-5 && abs(t[0, 2] - 0.21339878) < 1e-6)
    }

    @Test("Binary scaling names round-trip; the defaults: x - p up to 10 000 rows, standardized above, dense or sparse")
    func binaryScalingChoices() throws {
        for s in FeatureScaling.UncenteredScale.allCases { #expect(FeatureScaling.UncenteredScale(name: s.name) == s) }
        #expect(FeatureScaling.UncenteredScale(name: "centered") == .centredStandardDeviation)
        #expect(FeatureScaling.UncenteredScale(name: "minmax") == nil)
        #expect(TrainingDefaults.binaryScaling(rows: 350) == .centredOnly)
        #expect(TrainingDefaults.binaryScaling(rows: 4880) == .centredOnly)
        #expect(TrainingDefaults.binaryScaling(rows: 12_920) == .centredStandardDeviation)
        #expect(TrainingDefaults.binaryScaling(rows: 350, sparse: true) == .centredOnly)
        #expect(TrainingDefaults.binaryScaling(rows: 12_920, sparse: true) == .centredStandardDeviation)
    }

    @Test func policiesAndStoredParts() throws {
        let x = try Matrix(Self.fixture)
        let maxAbs = try FeatureScaling(fitting: x, policy: .init(binary: .standardDeviation, counts: .maxAbs, dropConstant: false))
        #expect(maxAbs.kept == [0, 1, 2, 3, 4])
        #expect(maxAbs.scale[1] == 7 && maxAbs.shift[1] == 0)
        // Binary by std: p = 0.4, std = sqrt(0.24).
        #expect(abs(maxAbs.scale[0] - Float(0.24.squareRoot())) < 1e-7 && maxAbs.shift[0] == 0)
        // Binary centred (sklearn StandardScaler()): p = 0.4 -> shift 0.4, scale sqrt(0.24); a 1
        // becomes 0.6 / 0.4898979 = 1.2247449, a 0 becomes -0.8164966.
        let centred = try FeatureScaling(fitting: x, policy: .init(binary: .centredStandardDeviation))
        #expect(abs(centred.shift[0] - 0.4) < 1e-7 && abs(centred.scale[0] - Float(0.24.squareRoot())) < 1e-7)
        let c = try centred.apply(to: x)
        #expect((0..<5).allSatisfy { abs(c[$0, 0] - (x[$0, 0] == 1 ? 1.2247449 : -0.8164966)) < 1e-6 })
        #expect(centred.summaryLines().contains("binary {0,1}: 1 feature standardized (x - mean) / std"))
        // Centred only (sklearn StandardScaler(with_std=False).fit(X[:, [0]]): mean_ 0.4, transform
        // -0.4 / 0.6); the count column keeps StandardScaler(with_mean=False)'s scale_ 2.63818119.
        let centredOnly = try FeatureScaling(fitting: x, policy: .init(binary: .centredOnly))
        #expect(abs(centredOnly.shift[0] - 0.4) < 1e-7 && centredOnly.scale[0] == 1)
        let co = try centredOnly.apply(to: x)
        #expect((0..<5).allSatisfy { abs(co[$0, 0] - (x[$0, 0] == 1 ? 0.6 : -0.4)) < 1e-7 })
        #expect(centredOnly.shift[1] == 0 && abs(centredOnly.scale[1] - 2.63818119) < 1e-6)
        #expect(centredOnly.summaryLines().contains("binary {0,1}: 1 feature centred, x - mean (divided by their largest |value|)"))
        // A kept constant maps to 0.
        let y = try maxAbs.apply(to: x)
        #expect((0..<5).allSatisfy { y[$0, 2] == 0 && y[$0, 4] == 0 })

        let fitted = try FeatureScaling(fitting: x)
        let rebuilt = try FeatureScaling(inputCount: 5, kinds: fitted.kinds, kept: fitted.kept, shift: fitted.shift, scale: fitted.scale)
        #expect(rebuilt == fitted)
        let decoded = try JSONDecoder().decode(FeatureScaling.self, from: JSONEncoder().encode(fitted))
        #expect(decoded == fitted)
        // The shift/scale arrays as a Standardizer on the gathered columns give the same result.
        var gathered = try Matrix(Self.fixture.map { row in fitted.kept.map { row[$0] } })
        try fitted.standardizer.apply(to: &gathered)
        #expect(gathered == (try fitted.apply(to: x)))

        #expect(throws: LogitsError.self) { try fitted.apply(to: Matrix(rows: 2, cols: 4)) }
        #expect(throws: LogitsError.self) { try FeatureScaling(fitting: Matrix(rows: 0, cols: 3)) }
        #expect(throws: LogitsError.self) {
            try FeatureScaling(inputCount: 5, kinds: fitted.kinds, kept: [1, 0, 3], shift: [0, 0, 0], scale: [1, 1, 1])
        }
        #expect(throws: LogitsError.self) {
            try FeatureScaling(inputCount: 5, kinds: fitted.kinds, kept: [0, 1, 3], shift: [0, 0, 0], scale: [1, 0, 1])
        }
        #expect(throws: LogitsError.self) {
            try FeatureScaling(inputCount: 5, kinds: fitted.kinds, kept: [0, 1, 7], shift: [0, 0, 0], scale: [1, 1, 1])
        }
    }

    @Test func summaryNamesTheDecisions() throws {
        let scaling = try FeatureScaling(fitting: Matrix(Self.fixture))
        let lines = scaling.summaryLines(featureNames: ["word", "count", "two", "height", "zero"])
        #expect(lines == [
            "binary {0,1}: 1 feature kept as they are (not centred)",
            "non-negative counts: 1 feature divided by their std, not centred",
            "continuous: 1 feature standardized (x - mean) / std",
            "constant: 2 features dropped (two, zero)",
        ])
    }

    /// 100 rows: four "pixel" columns in [0, 1] (min 0 and max 1 each), one of them nearly
    /// constant (a single 1), and one continuous column in its own units.
    static func pixels() throws -> Matrix {
        try Matrix((0..<100).map { r -> [Float] in
            let a: Float = r % 2 == 0 ? 1 : 0                        // std 0.5
            let b: Float = r % 4 == 0 ? 1 : (r % 4 == 1 ? 0.5 : 0)    // std about 0.4
            let c: Float = r % 10 == 0 ? 1 : 0.25 * Float(r % 3)      // mixed, in [0, 1]
            let rare: Float = r == 37 ? 1 : 0                         // one 1 (std 0.111 with the 0.5 below)
            return [a, b, c, rare, Float(r) * 3.5 - 20]
        })
    }

    /// `pixels()` with every [0, 1] column continuous (a 0.5 in row 99), and the population std of a column.
    static func continuousPixels() throws -> (x: Matrix, std: (Int) -> Double, mean: (Int) -> Double) {
        var x = try pixels()
        x[99, 0] = 0.5
        x[99, 3] = 0.5
        let frozen = x
        func mean(_ c: Int) -> Double { (0..<frozen.rows).map { Double(frozen[$0, c]) }.reduce(0, +) / Double(frozen.rows) }
        func std(_ c: Int) -> Double {
            let m = mean(c)
            return ((0..<frozen.rows).map { (Double(frozen[$0, c]) - m) * (Double(frozen[$0, c]) - m) }.reduce(0, +) / Double(frozen.rows)).squareRoot()
        }
        return (x, std, mean)
    }

    @Test("Continuous columns sharing one value range share one mean and std by default: those of all their values")
    func sharedRangeCommon() throws {
        let (x, std, mean) = try Self.continuousPixels()
        #expect(FeatureKind.classify(x) == [.continuous, .continuous, .continuous, .continuous, .continuous])
        // numpy: x[:, :4].mean(), x[:, :4].std() over all 400 values.
        let all = (0..<x.rows).flatMap { r in (0..<4).map { Double(x[r, $0]) } }
        let mu = all.reduce(0, +) / Double(all.count)
        let sigma = (all.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(all.count)).squareRoot()
        let common = try FeatureScaling(fitting: x)
        #expect(common.policy.sharedRange == .common)
        for c in 0..<4 {
            #expect(abs(Double(common.shift[c]) - mu) < 1e-6)
            #expect(abs(Double(common.scale[c]) - sigma) < 1e-6)
        }
        // The fifth column has its own range: its own mean and std.
        #expect(abs(Double(common.shift[4]) - mean(4)) < 1e-4 && abs(Double(common.scale[4]) - std(4)) < 1e-4)
        let record = try #require(common.sharedRange)
        #expect(record.groupSize == 4 && record.low == 0 && record.high == 1 && record.scaling == .common)
        let (recordedShift, recordedScale) = (try #require(record.commonShift), try #require(record.commonScale))
        #expect(abs(recordedShift - mu) < 1e-12 && abs(recordedScale - sigma) < 1e-12)
        #expect(common.summaryLines().contains {
            $0.hasPrefix("continuous: 5 features; 4 share one value range [0, 1] and are scaled as one quantity")
                && $0.hasSuffix("; the other 1 standardized (x - mean) / std")
        })
        // The rare pixel's single 1 is (1 - μ) / σ, about 2 units, not (1 - mean) / 0.111 ≈ 8.9.
        let plain = try FeatureScaling(fitting: x, policy: .init(sharedRange: .standardDeviation))
        #expect(try common.apply(to: x)[37, 3] < 3 && plain.apply(to: x)[37, 3] > 8)
        #expect(plain.sharedRange == nil)
        for c in 0..<5 { #expect(abs(Double(plain.scale[c]) - std(c)) < 1e-4 * max(1, std(c))) }
        // Sparse fit with per-column std: the common scale, no shift (its default, one root mean
        // square for all continuous columns, leaves no shared range to treat).
        let sparse = try FeatureScaling(fitting: try SparseMatrix(dense: x), policy: .init(sparseContinuous: .standardDeviation))
        #expect(try FeatureScaling(fitting: try SparseMatrix(dense: x)).sharedRange == nil)
        for c in 0..<4 { #expect(abs(Double(sparse.scale[c]) - sigma) < 1e-5 && sparse.shift[c] == 0) }
    }

    @Test("The floor choice: a shared-range column's std floored at β times the group's median std")
    func sharedRangeFloor() throws {
        let (x, std, _) = try Self.continuousPixels()
        let stds = (0..<5).map(std)
        let median = Array(stds[0..<4]).sorted()[1...2].reduce(0, +) / 2   // the four [0, 1] columns
        #expect(stds[3] < median)                                           // the rare one is below it
        let floored = try FeatureScaling(fitting: x, policy: .init(sharedRange: .flooredStandardDeviation))
        for c in 0..<4 { #expect(abs(Double(floored.scale[c]) - max(stds[c], median)) < 1e-6) }
        #expect(abs(Double(floored.scale[4]) - stds[4]) < 1e-4)             // its own range: plain std
        let plain = try FeatureScaling(fitting: x, policy: .init(sharedRange: .standardDeviation))
        #expect(floored.shift == plain.shift)                               // each column its own mean
        // The fit records the floor, and the summary says what it did (2 of the 4 are below the median).
        let record = try #require(floored.sharedRange)
        let recordedFloor = try #require(record.floor)
        #expect(abs(recordedFloor - median) < 1e-12 && record.raised == 2 && record.groupSize == 4)
        #expect(floored.summaryLines().contains { $0.contains("4 share one value range [0, 1], 2 of them with a std below") })
        // β = 0.5 halves the floor; β = 0 is no floor.
        let half = try FeatureScaling(fitting: x, policy: .init(sharedRange: .flooredStandardDeviation, sharedRangeFloor: 0.5))
        #expect(abs(Double(half.scale[3]) - max(stds[3], 0.5 * median)) < 1e-6)
        let none = try FeatureScaling(fitting: x, policy: .init(sharedRange: .flooredStandardDeviation, sharedRangeFloor: 0))
        #expect(none.scale == plain.scale && none.sharedRange == nil)
        let sparse = try FeatureScaling(fitting: try SparseMatrix(dense: x),
                                        policy: .init(sharedRange: .flooredStandardDeviation, sparseContinuous: .standardDeviation))
        for c in 0..<5 { #expect(abs(sparse.scale[c] - floored.scale[c]) < 1e-5 * max(1, floored.scale[c])) }
    }

    @Test("No shared range: columns in their own units (yeast-like) keep their own mean and std exactly")
    func noSharedRange() throws {
        var rng = SeededGenerator(seed: 3)
        let x = try Matrix((0..<200).map { _ in (0..<6).map { c in Float(rng.normal()) * Float(c + 1) * 0.1 + Float(c) } })
        let common = try FeatureScaling(fitting: x)
        let plain = try FeatureScaling(fitting: x, policy: .init(sharedRange: .standardDeviation))
        #expect(common.scale == plain.scale && common.shift == plain.shift && common.sharedRange == nil)
        // Half of the continuous columns sharing a range is enough; fewer is not.
        let c4 = [FeatureKind](repeating: .continuous, count: 4), c5 = [FeatureKind](repeating: .continuous, count: 5)
        #expect(FeatureScaling.sharedRangeGroup(kinds: c4, low: [0, 0, -1, -2], high: [1, 1, 3, 5], std: [0.5, 0.1, 1, 2])?.columns == [0, 1])
        #expect(FeatureScaling.sharedRangeGroup(kinds: c5, low: [0, 0, -1, -2, -3], high: [1, 1, 3, 5, 7], std: [0.5, 0.1, 1, 2, 3]) == nil)
        // A column inside the shared range joins the group; binary and count columns never do.
        #expect(FeatureScaling.sharedRangeGroup(kinds: [.continuous, .continuous, .continuous, .binary],
                                                low: [0, 0, 0.2, 0], high: [1, 1, 0.6, 1], std: [0.4, 0.2, 0.01, 0.5])?.columns == [0, 1, 2])
    }

    @Test("A policy saved before the shared-range choice existed decodes as it was fitted")
    func oldPolicyDecodes() throws {
        let old = #"{"binary":"maxAbs","counts":"standardDeviation","dropConstant":true}"#
        let p = try JSONDecoder().decode(FeatureScaling.Policy.self, from: Data(old.utf8))
        #expect(p.sharedRangeFloor == 0 && p.sharedRange == .standardDeviation && p.binary == .maxAbs)
        let floored = #"{"binary":"maxAbs","counts":"standardDeviation","dropConstant":true,"sharedRangeFloor":1}"#
        #expect(try JSONDecoder().decode(FeatureScaling.Policy.self, from: Data(floored.utf8)).sharedRange == .flooredStandardDeviation)
        let round = try JSONDecoder().decode(FeatureScaling.Policy.self, from: try JSONEncoder().encode(FeatureScaling.Policy()))
        #expect(round == FeatureScaling.Policy())
    }
}
