import Foundation
import Testing
@testable import Logits

/// ARFF `?` in a label column: a missing label, carried as `Dataset.labelMask` and skipped by the losses.
@Suite struct MissingLabelTests {
    static let arff = """
        @relation missing
        @attribute a numeric
        @attribute b numeric
        @attribute L1 {0,1}
        @attribute L2 numeric
        @attribute L3 {0,1}
        @data
        0.5,1,1,?,0
        -1,2,?,1,1
        {0 3,2 1,3 ?}
        2,0,0,0,1

        """

    func load(_ text: String) throws -> Dataset {
        let dir = try DataTestSupport.tempDirectory()
        let path = try DataTestSupport.write(text, "missing.arff", in: dir)
        return try Dataset.load(from: path, options: LoadOptions(labels: .trailing(3)))
    }

    @Test func questionMarkLabelsBecomeMasked() throws {
        let ds = try load(Self.arff)
        let mask = try #require(ds.labelMask)
        #expect(mask == (try Matrix([[1, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])))
        #expect(ds.targets == .matrix(try Matrix([[1, 0, 0], [0, 1, 1], [1, 0, 0], [0, 0, 1]])))
        #expect(ds.features == (try Matrix([[0.5, 1], [-1, 2], [3, 0], [2, 0]])))
        // A row gather carries the mask.
        let sub = ds.subset(rows: [3, 1])
        #expect(sub.labelMask == (try Matrix([[1, 1, 1], [0, 1, 1]])))
        // The masked loss ignores the placeholders: equal to the loss on the observed cells alone.
        guard case .matrix(let y) = ds.targets else { throw LogitsError.invalidValue("expected a label matrix") }
        let logits = try Matrix([[0.3, -2, 1], [4, 0.5, -1], [-0.2, 9, 2], [1, -1, 0]])
        let loss = SigmoidBinaryCrossEntropy(labelSmoothing: 0.1)
        let masked = try loss.compute(input: logits, targets: ds.targets, mask: mask)
        var total = 0.0, count = 0.0
        for k in 0..<mask.count where mask.storage[k] == 1 {
            let x = Double(logits.storage[k]), t = Double(y.storage[k]) * (1 - Double(Float(0.1))) + Double(Float(0.1)) / 2
            total += t * softplusD(-x) + (1 - t) * softplusD(x)
            count += 1
        }
        #expect(Swift.abs(Double(masked.loss) - total / count) <= 1e-6)
        #expect(masked.gradient[0, 1] == 0 && masked.gradient[1, 0] == 0 && masked.values[2, 1] == 0)
        // A data set without `?` has no mask.
        #expect(try load(Self.arff.replacingOccurrences(of: "?", with: "1")).labelMask == nil)
    }

    func softplusD(_ x: Double) -> Double { Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x))) }

    @Test func questionMarkElsewhereIsStillAnError() throws {
        let dir = try DataTestSupport.tempDirectory()
        let path = try DataTestSupport.write(Self.arff.replacingOccurrences(of: "0.5,1,1,?,0", with: "?,1,1,0,0"), "bad.arff", in: dir)
        let e = DataTestSupport.dataError { try Dataset.load(from: path, options: LoadOptions(labels: .trailing(3))) }
        #expect(e?.message.contains("missing value") == true)
        // A multi-class view of masked labels is refused.
        let ok = try DataTestSupport.write(Self.arff, "ok.arff", in: dir)
        let m = DataTestSupport.dataError {
            try Dataset.load(from: ok, options: LoadOptions(labels: .trailing(3), task: .multiClass(classes: 3)))
        }
        #expect(m?.message.contains("missing labels") == true)
    }

    @Test func datasetInitChecksTheMask() throws {
        let x = try Matrix([[1], [2]]), y = try Matrix([[1, 0], [0, 1]])
        let ds = try Dataset(features: x, targets: .matrix(y), labelMask: try Matrix([[1, 0], [1, 1]]))
        #expect(ds.labelMask?.storage == [1, 0, 1, 1])
        #expect(throws: LogitsError.self) { try Dataset(features: x, targets: .matrix(y), labelMask: try Matrix([[1, 0]])) }
        #expect(throws: LogitsError.self) { try Dataset(features: x, targets: .matrix(y), labelMask: try Matrix([[1, 2], [1, 1]])) }
        #expect(throws: LogitsError.self) { try Dataset(features: x, targets: .classIndices([0, 1]), labelMask: y) }
    }
}
