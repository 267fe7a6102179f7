import Foundation
import LogitsTestSupport
import Testing
@testable import Logits

/// `TermWeighting` (TF-IDF) against scikit-learn's `TfidfTransformer`
/// (`Tests/Fixtures/preprocessing/tfidf.json`, written by `scripts/generate_tfidf_cases.py`; a
/// missing file fails the suite), on dense and CSR input, and through training, the model file
/// and inference.
@Suite("TF-IDF term weighting")
struct TermWeightingTests {
    static var fixture: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/preprocessing/tfidf.json")
    }

    static func matrix(_ rows: [[Double]]) throws -> Matrix {
        try Matrix(rows.map { $0.map { Float($0) } })
    }

    static func maxDifference(_ a: Matrix, _ b: [[Double]]) -> Double {
        var worst = 0.0
        for r in 0..<a.rows { for c in 0..<a.cols { worst = max(worst, abs(Double(a[r, c]) - b[r][c])) } }
        return worst
    }

    @Test("idf and transformed rows equal scikit-learn's TfidfTransformer (dense and CSR, sublinear or not)")
    func scikitLearnReference() throws {
        let cases = try ReferenceFixtures.load(Self.fixture)["cases"]?.array ?? []
        #expect(cases.count == 4)
        for c in cases {
            let name = c["name"]?.string ?? "?"
            guard case .bool(let sublinear)? = c["params"]?["sublinear_tf"] else {
                Issue.record("\(name): params.sublinear_tf missing")
                continue
            }
            let train = try Self.matrix(c["inputs"]!["train"]!.matrix)
            let test = try Self.matrix(c["inputs"]!["test"]!.matrix)
            let expected = c["expected"]!
            let dense = try TermWeighting(fitting: train, sublinearTF: sublinear)
            let sparse = try TermWeighting(fitting: try SparseMatrix(dense: train), sublinearTF: sublinear)
            #expect(dense == sparse, "\(name)")
            let idf = expected["idf"]!.doubles
            #expect(idf.count == dense.featureCount)
            for (g, w) in zip(dense.idf, idf) { #expect(abs(Double(g) - w) <= 1e-6 * w, "\(name): idf \(g) vs \(w)") }
            for (input, key) in [(train, "train"), (test, "test")] {
                let want = expected[key]!.matrix
                var x = input
                try dense.apply(to: &x)
                #expect(Self.maxDifference(x, want) <= 1e-6, "\(name) \(key) dense")
                var s = try SparseMatrix(dense: input)
                try dense.apply(to: &s)
                #expect(s.nnz == (try SparseMatrix(dense: input)).nnz, "\(name): zeros stay zeros")
                #expect(Self.maxDifference(try s.toDense(), want) <= 1e-6, "\(name) \(key) CSR")
            }
        }
    }

    @Test("negative or non-finite counts, a wrong width and no rows are errors naming the cell")
    func badInput() throws {
        let bad = try Matrix([[1, 0], [0, -2]])
        #expect {
            try TermWeighting(fitting: bad)
        } throws: { error in
            "\(error)".contains("row 1, feature 1") && "\(error)".contains("non-negative")
        }
        #expect(throws: LogitsError.self) { try TermWeighting(fitting: try Matrix([[Float.nan, 1]])) }
        #expect(throws: LogitsError.self) { try TermWeighting(fitting: Matrix(rows: 0, cols: 3)) }
        let w = try TermWeighting(fitting: try Matrix([[1, 0], [0, 2]]))
        var wide = Matrix(rows: 1, cols: 3)
        #expect(throws: LogitsError.self) { try w.apply(to: &wide) }
        var negative = try SparseMatrix(dense: try Matrix([[0, -1]]))
        #expect(throws: LogitsError.self) { try w.apply(to: &negative) }
        #expect(throws: LogitsError.self) { try TermWeighting(idf: [1, 0.5]) }
    }

    /// Poisson-like counts whose labels depend on the features (label j: feature j occurs).
    static func countData(rows: Int, features: Int, labels: Int, seed: UInt64) throws -> Dataset {
        var rng = SeededGenerator(seed: seed)
        var x = Matrix(rows: rows, cols: features), y = Matrix(rows: rows, cols: labels)
        for r in 0..<rows {
            for c in 0..<features where rng.next() % 4 == 0 { x[r, c] = Float(1 + rng.next() % 5) }
            for j in 0..<labels { y[r, j] = x[r, j] > 0 ? 1 : 0 }
        }
        return try Dataset(features: x, targets: .matrix(y), featureNames: (0..<features).map { "w\($0)" },
                           labelNames: (0..<labels).map { "l\($0)" })
    }

    @Test("--tfidf training: stored in the model, applied at inference (dense = CSR = manual), survives the file")
    func trainingAndModelFile() throws {
        let data = try Self.countData(rows: 300, features: 40, labels: 4, seed: 7)
        var options = TrainingOptions()
        options.tfidf = true
        options.sublinearTF = true
        options.epochs = 5
        options.hidden = [16]
        let trained = try TrainingRecipe(options: options).train(data)
        let classifier = trained.classifier
        #expect(trained.plan.termWeighting == "tfidf-sublinear" && !trained.plan.standardize)
        #expect(classifier.standardizer == nil)
        let weighting = try #require(classifier.termWeighting)
        #expect(weighting == (try TermWeighting(fitting: data.features, sublinearTF: true)))

        // Inference applies the weighting: the network on manually weighted rows gives the same logits.
        var manual = data.features
        try weighting.apply(to: &manual)
        let z = try classifier.logits(data.features)
        #expect(SparseAgreementTests.relative(z, try classifier.network.logits(manual)) == 0)
        let zs = try classifier.logits(FeatureMatrix.sparse(try SparseMatrix(dense: data.features)))
        #expect(SparseAgreementTests.relative(zs, z) <= 1e-5)

        // The model file keeps it.
        let url = try DataTestSupport.tempDirectory().appendingPathComponent("tfidf.safetensors")
        try classifier.write(to: url)
        let read = try Classifier.read(from: url)
        #expect(read.termWeighting == weighting)
        #expect(try read.logits(data.features) == z)
        // A weight below 1 is rejected naming the metadata entry (the check that reading runs too).
        var file = try classifier.modelFile()
        file.termWeighting?.idf[0] = 0.25
        let bad = try DataTestSupport.tempDirectory().appendingPathComponent("bad.safetensors")
        #expect {
            try file.write(to: bad)
        } throws: { error in
            "\(error)".contains(ModelFile.Key.termWeighting) && "\(error)".contains("0.25")
        }
        #expect(!FileManager.default.fileExists(atPath: bad.path))
    }
}
