import Foundation
import Logits

/// The training and test sets of `logits train`: the files given, or the bundled yeast split.
struct TrainingInput {
    var train: Dataset
    var test: Dataset?
    var trainName: String
    var testName: String?
    var isBundled: Bool

    static func load(data: String?, test: String?, options: DataOptions) throws -> TrainingInput {
        guard let data else {
            let (train, test) = try BundledYeast.load()
            return TrainingInput(train: train, test: test, trainName: "yeast-train.arff (bundled)",
                                 testName: "yeast-test.arff (bundled)", isBundled: true)
        }
        let train = try options.load(data)
        let testSet = try test.map { try options.load($0, matching: train.featureNames) }
        return TrainingInput(train: train, test: testSet, trainName: data, testName: test, isBundled: false)
    }
}

/// Warnings about the data that do not stop training (printed on stderr before it starts).
enum DataWarnings {
    static func lines(train: Dataset, test: Dataset?, testName: String?) -> [String] {
        var out: [String] = []
        let counts = train.labelCounts
        let kind: String
        if case .multiClass = train.task { kind = "class" } else { kind = "label" }
        let absent = counts.indices.filter { counts[$0] == 0 }.map { train.labelNames[$0] }
        if !absent.isEmpty {
            out.append("\(absent.count) \(kind)(s) have no positive training row and cannot be learned: \(absent.prefix(8).joined(separator: ", "))\(absent.count > 8 ? ", ..." : "")")
        }
        if case .multiClass = train.task, counts.filter({ $0 > 0 }).count < 2 {
            out.append("the training data have only one class; every prediction will be that class")
        }
        if let test {
            var same = 0
            if test.featureCount == train.featureCount {
                let trainRows = Set((0..<train.count).map { rowKey(train, $0) })
                for r in 0..<test.count where trainRows.contains(rowKey(test, r)) { same += 1 }
            }
            if same > 0 {
                out.append("\(same) of \(test.count) rows of the test file '\(testName ?? "")' also appear in the training data; test metrics will be optimistic")
            }
        }
        return out
    }

    /// Row `r` of `data` as a hashable key: the dense values, or the stored columns and values of a sparse row.
    private static func rowKey(_ data: Dataset, _ r: Int) -> [UInt32] {
        if let s = data.sparseFeatures {
            let (columns, values) = s.row(r)
            return zip(columns, values).filter { $0.1 != 0 }.flatMap { [UInt32(bitPattern: $0.0), $0.1.bitPattern] }
        }
        return data.features.row(r).enumerated().filter { $0.element != 0 }
            .flatMap { [UInt32($0.offset), $0.element.bitPattern] }
    }
}
