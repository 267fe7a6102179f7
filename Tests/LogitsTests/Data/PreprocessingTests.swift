import Foundation
import Testing
@testable import Logits

@Suite struct PreprocessingTests {
    @Test func standardizerUsesPopulationStdAndHandlesConstantColumns() throws {
        let train = try Matrix([[1, 5, 2], [3, 5, 4], [5, 5, 9]])
        let s = try Standardizer(fitting: train)
        #expect(s.mean == [3, 5, 5])
        // population std of (1,3,5) = sqrt(8/3); constant column -> 1
        #expect(abs(s.scale[0] - Float((8.0 / 3.0).squareRoot())) < 1e-6)
        #expect(s.scale[1] == 1)
        var x = train
        try s.apply(to: &x)
        #expect(x[0, 1] == 0 && x[2, 1] == 0)
        for c in 0..<3 {
            let column = (0..<3).map { x[$0, c] }
            #expect(abs(column.reduce(0, +)) < 1e-5)
        }
        // Applying to another matrix uses the train statistics.
        let other = try s.transform(try Matrix([[3, 6, 5]]))
        #expect(other.nestedRows == [[0, 1, 0]])
        // Inverse.
        try s.invert(&x)
        for (a, b) in zip(x.storage, train.storage) { #expect(abs(a - b) < 1e-5) }
        // Shape mismatch is an error, not a trap.
        var wrong = Matrix(rows: 1, cols: 2)
        #expect(throws: LogitsError.self) { try s.apply(to: &wrong) }
        #expect(throws: LogitsError.self) { try Standardizer(fitting: Matrix(rows: 0, cols: 3)) }
    }

    @Test func standardizerRoundTripsThroughJSON() throws {
        let s = try Standardizer(fitting: try Matrix([[1, 2], [2, 4], [4, 8.5]]))
        let data = try JSONEncoder().encode(s)
        let back = try JSONDecoder().decode(Standardizer.self, from: data)
        #expect(back == s)
    }

    @Test func standardizerMatchesDoubleComputationOnYeast() throws {
        guard let shared = DataTestSupport.sharedData else { print("shared/data absent: skipping"); return }
        let ds = try Dataset.load(from: shared.appendingPathComponent("yeast/yeast-train.arff").path)
        let s = try Standardizer(fitting: ds.features)
        for c in [0, 50, 102] {
            let col = (0..<ds.count).map { Double(ds.features[$0, c]) }
            let mean = col.reduce(0, +) / Double(col.count)
            let std = (col.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(col.count)).squareRoot()
            #expect(s.mean[c] == Float(mean))
            #expect(s.scale[c] == Float(std))
        }
    }

    @Test func labelVocabulary() throws {
        let v = try LabelVocabulary(names: ["cat", "dog", "owl"])
        #expect(v.index(of: "dog") == 1 && v.index(of: "cow") == nil)
        #expect(v.name(at: 2) == "owl" && v.name(at: 3) == nil)
        #expect(throws: LogitsError.self) { try LabelVocabulary(names: ["a", "a"]) }
        #expect(try JSONDecoder().decode(LabelVocabulary.self, from: JSONEncoder().encode(v)) == v)
    }

    @Test func seededGeneratorIsDeterministic() {
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        var c = SeededGenerator(seed: 43)
        let sa = (0..<8).map { _ in a.next() }
        #expect(sa == (0..<8).map { _ in b.next() })
        #expect(sa != (0..<8).map { _ in c.next() })
        var g = SeededGenerator(seed: 1)
        var counts = [Int](repeating: 0, count: 5)
        for _ in 0..<50_000 { counts[g.int(below: 5)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
        let p = g.permutation(100)
        #expect(p.sorted() == Array(0..<100) && p != Array(0..<100))
        let f = g.unitFloat()
        #expect(f >= 0 && f < 1)
    }

    @Test func datasetInitValidatesAndSubsets() throws {
        let x = try Matrix([[1, 2], [3, 4], [5, 6]])
        let ds = try Dataset(features: x, targets: .classIndices([0, 2, 1]), labelNames: ["a", "b", "c"])
        #expect(ds.task == .multiClass(classes: 3) && ds.featureNames == ["f0", "f1"])
        let sub = ds.subset(rows: [2, 0])
        #expect(sub.features.nestedRows == [[5, 6], [1, 2]] && sub.targets == .classIndices([1, 0]))
        #expect(throws: LogitsError.self) { try Dataset(features: x, targets: .classIndices([0, 3, 1]), labelNames: ["a", "b", "c"]) }
        #expect(throws: LogitsError.self) { try Dataset(features: x, targets: .classIndices([0, 1])) }
        let y = try Matrix([[1, 0], [0, 0], [1, 1]])
        let ml = try Dataset(features: x, targets: .matrix(y))
        #expect(ml.task == .multiLabel(labels: 2) && abs(ml.labelCardinality - 1) < 1e-12)
        #expect(ml.subset(rows: [2]).targets == .matrix(try Matrix([[1, 1]])))
        #expect(throws: LogitsError.self) { try Dataset(features: x, targets: .matrix(try Matrix([[2, 0], [0, 0], [1, 1]]))) }
    }
}
