import Foundation
import Testing
@testable import Logits

/// Loads the real benchmark files in ../shared/data (skipped when absent) and checks shapes,
/// label cardinality and exact values against the data README and the files' first rows.
@Suite(.enabled(if: DataTestSupport.hasSharedData, "needs ../shared/data"))
struct RealDataTests {
    func labelMatrix(_ ds: Dataset) -> Matrix {
        if case .matrix(let m) = ds.targets { return m }
        Issue.record("expected a label matrix")
        return Matrix(rows: 0, cols: 0)
    }

    func emptyRows(_ y: Matrix) -> Int {
        (0..<y.rows).filter { r in !y.row(r).contains(1) }.count
    }

    @Test func yeast() throws {
        let train = try Dataset.load(from: DataTestSupport.shared("yeast/yeast-train.arff"))
        let test = try Dataset.load(from: DataTestSupport.shared("yeast/yeast-test.arff"))
        #expect(train.features.rows == 1500 && train.features.cols == 103)
        #expect(test.features.rows == 917 && test.features.cols == 103)
        #expect(train.task == .multiLabel(labels: 14))
        #expect(train.labelNames == (1...14).map { "Class\($0)" })  // ARFF order, not yeast.xml's
        #expect(train.featureNames.first == "Att1" && train.featureNames.last == "Att103")
        #expect(abs(train.labelCardinality - 4.228) < 0.0005)
        #expect(abs(test.labelCardinality - 4.252) < 0.0005)
        // First data row of yeast-train.arff.
        #expect(train.features[0, 0] == Float("0.0937")!)
        #expect(train.features[0, 1] == Float("0.139771")!)
        #expect(train.features[0, 5] == Float("-0.119156")!)
        #expect(train.features[0, 102] == Float("0.125632")!)
        #expect(Array(labelMatrix(train).row(0)) == [0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(test.features[0, 0] == Float("0.004168")!)
        let all = train.features.storage
        #expect(all.min()! > -0.81 && all.max()! < 0.74)
    }

    @Test func bibtex() throws {
        let train = try Dataset.load(from: DataTestSupport.shared("bibtex/bibtex-train.arff"))
        let test = try Dataset.load(from: DataTestSupport.shared("bibtex/bibtex-test.arff"))
        #expect(train.count == 4880 && test.count == 2515)
        #expect(train.featureCount == 1836 && train.labelNames.count == 159)
        #expect(train.labelNames.first == "TAG_2005" && train.labelNames.last == "TAG_wiki")
        #expect(abs(train.labelCardinality - 2.380) < 0.0005)
        #expect(abs(test.labelCardinality - 2.444) < 0.0005)
        let y = labelMatrix(train)
        #expect(emptyRows(y) == 0)
        // Density 0.037: held as CSR by default (docs/data.md, "Sparse data").
        let x = try #require(train.sparseFeatures)
        #expect(test.isSparse && abs(x.density - 0.0373) < 0.0005)
        // First row: {0 1,5 1,...,1839 1,1859 1,1897 1,1899 1,1912 1}
        #expect(x[0, 0] == 1 && x[0, 1] == 0 && x[0, 5] == 1)
        let positives = (0..<159).filter { y[0, $0] == 1 }
        #expect(positives == [3, 23, 61, 63, 76])
    }

    @Test func delicious() throws {
        let train = try Dataset.load(from: DataTestSupport.shared("delicious/delicious-train.arff"))
        let test = try Dataset.load(from: DataTestSupport.shared("delicious/delicious-test.arff"))
        #expect(train.count == 12920 && test.count == 3185)
        #expect(train.featureCount == 500 && train.labelNames.count == 983)
        #expect(train.featureNames.first == "_qacct" && train.featureNames.last == "zur")
        #expect(train.labelNames.first == "TAG_.imported" && train.labelNames.last == "TAG_youtube")
        #expect(train.labelNames.contains("TAG_c++") && train.labelNames.contains("TAG_m\\'usica"))
        #expect(abs(train.labelCardinality - 19.047) < 0.0005)
        #expect(abs(test.labelCardinality - 18.910) < 0.0005)
        #expect(emptyRows(labelMatrix(train)) == 10)
        #expect(emptyRows(labelMatrix(test)) == 4)
        // First row: {60 1,248 1,279 1,316 1,490 1,577 1,591 1,...}
        let x = try #require(train.sparseFeatures)
        let features = (0..<500).filter { x[0, $0] == 1 }
        #expect(features == [60, 248, 279, 316, 490])
        let y = labelMatrix(train)
        let labels = (0..<983).filter { y[0, $0] == 1 }
        #expect(labels == [77, 91, 315, 544, 575, 621, 718, 818, 819, 834, 908])
    }

    func distinctLabelSets(_ ds: Dataset) -> Int {
        let y = labelMatrix(ds)
        return Set((0..<y.rows).map { Array(y.row($0)) }).count
    }

    @Test func unionFilesMatchTheReadme() throws {
        let yeast = try Dataset.load(from: DataTestSupport.shared("yeast/yeast.arff"))
        #expect(yeast.count == 2417 && yeast.featureCount == 103 && yeast.labelNames.count == 14)
        #expect(abs(yeast.labelCardinality - 4.237) < 0.0005)
        #expect(abs(yeast.labelCardinality / 14 - 0.303) < 0.0005)  // density
        #expect(distinctLabelSets(yeast) == 198)
        let bibtex = try Dataset.load(from: DataTestSupport.shared("bibtex/bibtex.arff"))
        #expect(bibtex.count == 7395 && abs(bibtex.labelCardinality - 2.402) < 0.0005)
        #expect(distinctLabelSets(bibtex) == 2856)
        guard DataTestSupport.slowTestsEnabled else { return }
        let delicious = try Dataset.load(from: DataTestSupport.shared("delicious/delicious.arff"))
        #expect(delicious.count == 16105 && abs(delicious.labelCardinality - 19.020) < 0.0005)
        #expect(distinctLabelSets(delicious) == 15806)
    }
}
