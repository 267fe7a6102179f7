import Foundation
import Testing
@testable import Logits

@Suite struct DataDiagnosticsTests {
    @Test func multiLabelDiagnostics() throws {
        // 6 rows; features: binary, constant 3, continuous, constant 0; labels: 3, 1, 0, 2 positives.
        let x = try Matrix([[0, 3, 0.5, 0], [1, 3, 1.5, 0], [1, 3, -2, 0], [0, 3, 0, 0], [0, 3, 1, 0], [1, 3, 2, 0]])
        let y = try Matrix([[1, 0, 0, 1], [1, 0, 0, 0], [1, 1, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]])
        let ds = try Dataset(features: x, targets: .matrix(y), featureNames: ["b", "k", "c", "z"], labelNames: ["A", "B", "C", "D"])
        let d = ds.diagnostics
        #expect(d.task == "multi-label" && d.rows == 6 && d.features == 4 && d.outputs == 4)
        #expect(d.positives == [3, 1, 0, 2])
        #expect(d.labelsWithoutPositives == [.init(index: 2, name: "C", positives: 0)])
        #expect(d.rareLabels.map(\.name) == ["B", "D"])
        #expect(d.constantFeatures == [.init(index: 1, name: "k", value: 3), .init(index: 3, name: "z", value: 0)])
        #expect(d.labelCardinality == 1 && d.labelDensity == 0.25)
        #expect(d.minPositiveRate == 0 && d.maxPositiveRate == 0.5 && d.imbalanceRatio == 3)
        #expect(d.featureKinds == ["binary": 1, "constant": 2, "continuous": 1, "count": 0])
        #expect(d.binaryFeatureFraction == 0.25 && d.hasWarnings)
        #expect(d.lines() == [
            "data: 6 rows, 4 features, 4 labels (multi-label)",
            "labels: cardinality 1.000, density 0.250; positive rate 0.000 - 0.500; imbalance (max/min positives) 3.0",
            "warning: 1 labels without any positive row: C",
            "warning: 2 labels with fewer than 3 positive rows: B (1), D (2)",
            "features: 2 constant, 1 binary, 0 count, 1 continuous; binary fraction 0.250",
            "warning: 2 constant features: k, z",
        ])
        let json = try JSONEncoder().encode(d)
        #expect(try JSONDecoder().decode(DataDiagnostics.self, from: json) == d)
    }

    @Test func multiClassDiagnostics() throws {
        let ds = try Dataset(features: Matrix([[1, 5], [2, 5], [3, 5], [4, 5], [5, 5]]),
                             targets: .classIndices([0, 0, 0, 2, 2]), labelNames: ["a", "b", "c"])
        let d = DataDiagnostics(ds)
        #expect(d.labelCardinality == 1 && d.imbalanceRatio == 1.5)
        #expect(d.labelsWithoutPositives.map(\.name) == ["b"] && d.rareLabels.map(\.name) == ["c"])
        #expect(d.featureKinds["count"] == 1 && d.constantFeatures.map(\.index) == [1])
        #expect(d.lines()[1] == "classes: smallest 0, largest 3 rows; imbalance (max/min) 1.50")
        #expect(d.lines(maxNames: 0).contains("warning: 1 classes without any positive row: ... 1 more"))
    }
}
