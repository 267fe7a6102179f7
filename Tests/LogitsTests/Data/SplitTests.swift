import Foundation
import Testing
@testable import Logits

@Suite struct SplitTests {
    func multiClass(_ y: [Int], classes: Int) throws -> Dataset {
        let x = try Matrix(rows: y.count, cols: 1, storage: y.indices.map(Float.init))
        return try Dataset(features: x, targets: .classIndices(y), labelNames: (0..<classes).map(String.init))
    }

    @Test func randomSplitIsSeededAndPartitions() throws {
        let ds = try multiClass((0..<100).map { $0 % 3 }, classes: 3)
        let a = try ds.splitIndices(validationFraction: 0.25, seed: 7, stratified: false)
        let b = try ds.splitIndices(validationFraction: 0.25, seed: 7, stratified: false)
        let c = try ds.splitIndices(validationFraction: 0.25, seed: 8, stratified: false)
        #expect(a == b && a != c)
        #expect(a.validation.count == 25 && a.train.count == 75)
        #expect(Set(a.train).isDisjoint(with: a.validation) && Set(a.train + a.validation) == Set(0..<100))
        let (train, validation) = try ds.split(validationFraction: 0.25, seed: 7, stratified: false)
        #expect(validation.features.storage == a.validation.map(Float.init) && train.count == 75)
    }

    @Test func stratifiedMultiClassKeepsProportions() throws {
        // 60 / 30 / 10 samples.
        let y = (0..<100).map { $0 < 60 ? 0 : ($0 < 90 ? 1 : 2) }
        let ds = try multiClass(y, classes: 3)
        let (train, validation) = try ds.split(validationFraction: 0.2, seed: 3)
        #expect(validation.count == 20 && train.count == 80)
        #expect(validation.labelCounts == [12, 6, 2])
        #expect(train.labelCounts == [48, 24, 8])
        // 11/10/10 samples, 16 wanted: floors 5/5/5, the one left over goes to the largest remainder.
        let even = try multiClass((0..<31).map { $0 % 3 }, classes: 3)
        let parts = try even.split(validationFraction: 0.5, seed: 1)
        #expect(parts.validation.count == 16 && parts.validation.labelCounts == [6, 5, 5])
    }

    @Test func badArguments() throws {
        let ds = try multiClass([0, 1, 0], classes: 2)
        #expect(throws: LogitsError.self) { try ds.split(validationFraction: 0, seed: 1) }
        #expect(throws: LogitsError.self) { try ds.split(validationFraction: 1, seed: 1) }
        let one = try multiClass([0], classes: 1)
        #expect(throws: LogitsError.self) { try one.split(validationFraction: 0.5, seed: 1) }
        let tiny = try ds.split(validationFraction: 0.01, seed: 1)
        #expect(tiny.validation.count == 1 && tiny.train.count == 2)
    }

    @Test func iterativeStratificationOnSyntheticLabels() throws {
        // 200 samples, 6 labels with counts 100, 50, 20, 10, 5, 2 (+ some unlabelled rows).
        let counts = [100, 50, 20, 10, 5, 2]
        var g = SeededGenerator(seed: 11)
        var y = Matrix(rows: 200, cols: 6)
        for (k, c) in counts.enumerated() { for i in g.permutation(200).prefix(c) { y[i, k] = 1 } }
        let x = Matrix(rows: 200, cols: 2)
        let ds = try Dataset(features: x, targets: .matrix(y))
        let (train, validation) = try ds.split(validationFraction: 0.2, seed: 5)
        #expect(train.count + validation.count == 200)
        #expect(abs(validation.count - 40) <= 2)
        let vc = validation.labelCounts
        let tc = train.labelCounts
        for k in 0..<6 {
            #expect(vc[k] + tc[k] == counts[k])
            #expect(abs(Double(vc[k]) - 0.2 * Double(counts[k])) <= 1.0, "label \(k): \(vc[k]) of \(counts[k])")
        }
        #expect(vc[4] >= 1 && tc[4] >= 1)  // a label of 5 is in both parts
        let again = try ds.splitIndices(validationFraction: 0.2, seed: 5)
        #expect(again.validation.count == validation.count)
    }

    @Test(.enabled(if: DataTestSupport.hasSharedData)) func iterativeStratificationBeatsRandomOnBibtex() throws {
        let ds = try Dataset.load(from: DataTestSupport.shared("bibtex/bibtex-train.arff"))
        let counts = ds.labelCounts
        func deviation(_ validation: Dataset) -> Double {
            let vc = validation.labelCounts
            return zip(vc, counts).map { abs(Double($0) - 0.2 * Double($1)) }.reduce(0, +) / Double(counts.count)
        }
        let strat = try ds.split(validationFraction: 0.2, seed: 1)
        let random = try ds.split(validationFraction: 0.2, seed: 1, stratified: false)
        #expect(abs(strat.validation.count - 976) <= 10)
        #expect(deviation(strat.validation) < 0.5 * deviation(random.validation))
        // Every label with at least 5 samples appears in both parts.
        let vc = strat.validation.labelCounts
        let tc = strat.train.labelCounts
        for k in counts.indices where counts[k] >= 5 { #expect(vc[k] >= 1 && tc[k] >= 1, "label \(ds.labelNames[k])") }
    }
}
