import Foundation
import Testing
@testable import Logits

/// LIBSVM and ARFF files loaded as CSR equal their dense loads; the storage choice follows
/// `LoadOptions.storage` and the density threshold; sparse scaling never centres.
@Suite struct SparseLoadingTests {
    static func options(_ storage: FeatureStorage, labels: LabelSpec = .automatic) -> LoadOptions {
        var o = LoadOptions(labels: labels)
        o.storage = storage
        return o
    }

    @Test func libsvmLoadsCSREqualToDense() throws {
        let dir = try DataTestSupport.tempDirectory()
        let path = try DataTestSupport.write("0,2 1:0.5 4:2\n1 3:-1.25\n 2:7\n", "a.svm", in: dir)
        let sparse = try Dataset.load(from: path, options: Self.options(.sparse))
        let dense = try Dataset.load(from: path, options: Self.options(.dense))
        let x = try #require(sparse.sparseFeatures)
        #expect(x.rowOffsets == [0, 2, 3, 4] && x.columnIndices == [0, 3, 2, 1] && x.values == [0.5, 2, -1.25, 7])
        #expect(try x.toDense() == dense.features)
        #expect(dense.features == (try Matrix([[0.5, 0, 0, 2], [0, 0, -1.25, 0], [0, 7, 0, 0]])))
        #expect(sparse.targets == dense.targets && sparse.featureNames == dense.featureNames && sparse.count == 3)
        #expect(sparse.features.rows == 0 && sparse.featureCount == 4)
        // Automatic: a tiny file stays dense; a sparse one past the size floor becomes CSR.
        #expect(!(try Dataset.load(from: path)).isSparse)
        var auto = LoadOptions()
        auto.sparseMinimumElements = 1
        auto.sparseDensityThreshold = 0.5
        #expect(try Dataset.load(from: path, options: auto).isSparse)
        auto.sparseDensityThreshold = 0.2
        #expect(!(try Dataset.load(from: path, options: auto)).isSparse)
    }

    @Test func sparseARFFLoadsCSREqualToDense() throws {
        let dir = try DataTestSupport.tempDirectory()
        let text = """
        @relation t
        @attribute a numeric
        @attribute b {x,y,z}
        @attribute c numeric
        @attribute l1 {0,1}
        @attribute l2 {0,1}
        @data
        {0 1.5,3 1}
        {}
        {1 z,2 -2,4 1}
        0,y,0,1,1
        """
        let path = try DataTestSupport.write(text, "s.arff", in: dir)
        let sparse = try Dataset.load(from: path, options: Self.options(.sparse, labels: .trailing(2)))
        let dense = try Dataset.load(from: path, options: Self.options(.dense, labels: .trailing(2)))
        let x = try #require(sparse.sparseFeatures)
        #expect(try x.toDense() == dense.features)
        // The nominal attribute b is one-hot encoded (b=x, b=y, b=z); an omitted value is the first one, x.
        #expect(dense.featureNames == ["a", "b=x", "b=y", "b=z", "c"])
        #expect(dense.features == (try Matrix([[1.5, 1, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 0, 1, -2], [0, 0, 1, 0, 0]])))
        #expect(x.nnz == 6)
        #expect(sparse.targets == dense.targets && sparse.labelNames == ["l1", "l2"])
        // Subsets, splits and task conversions keep the CSR rows.
        let sub = sparse.subset(rows: [2, 0])
        #expect(try sub.denseFeatures() == dense.features.gatherRows([2, 0]))
        #expect(try sparse.densified() == dense)
        #expect(try dense.sparsified().sparseFeatures == x)
    }

    @Test func badSparseRowsNameTheLine() throws {
        let dir = try DataTestSupport.tempDirectory()
        let path = try DataTestSupport.write("@relation t\n@attribute a numeric\n@attribute l {0,1}\n@data\n{0 1,1 1}\n{1 1,0 2}\n", "bad.arff", in: dir)
        let error = DataTestSupport.dataError { try Dataset.load(from: path, options: Self.options(.sparse, labels: .trailing(1))) }
        #expect(error?.line == 6)
    }

    @Test func sparseScalingMatchesDenseWithoutCentring() throws {
        // Columns: binary, counts, continuous (negative values), constant zero.
        let dense = try Matrix([[1, 0, -1.5, 0], [0, 3, 0, 0], [1, 1, 2.5, 0], [0, 0, 0, 0], [1, 5, 1, 0]])
        let sparse = try SparseMatrix(dense: dense)
        let a = try FeatureScaling(fitting: dense)
        let b = try FeatureScaling(fitting: sparse, policy: .init(sparseContinuous: .standardDeviation))
        #expect(a.kinds == b.kinds && a.kept == b.kept && a.kept == [0, 1, 2])
        #expect(b.shift == [0, 0, 0])
        for k in 0..<3 { #expect(abs(a.scale[k] - b.scale[k]) <= 1e-6 * a.scale[k]) }  // same std / max-abs divisors
        // The default divides the continuous column by the root mean square of its values
        // (numpy: np.sqrt((x ** 2).mean()) = 1.378404875209022), the others as the dense fit.
        let c = try FeatureScaling(fitting: sparse)
        #expect(abs(Double(c.scale[2]) - 1.378404875209022) <= 1e-6 && c.scale[0] == b.scale[0] && c.scale[1] == b.scale[1])
        #expect(a.shift[2] != 0)  // the dense fit centres the continuous column; the sparse one does not
        #expect(FeatureKind.classify(sparse) == FeatureKind.classify(dense))
        var scaled = sparse
        let standardizer = try Standardizer(mean: [0, 0, 0, 0], scale: [2, 4, 0.5, 1])
        try standardizer.apply(to: &scaled)
        #expect(try scaled.toDense() == standardizer.transform(dense))
        #expect(throws: LogitsError.self) { var s = sparse; try Standardizer(mean: [1, 0, 0, 0], scale: [1, 1, 1, 1]).apply(to: &s) }
        // A centring one divides the stored values and hands the rest over as the input shift.
        let centring = try Standardizer(mean: [0.5, 1, 0, 0], scale: [2, 4, 0.5, 1])
        var divided = sparse
        try centring.divide(&divided)
        #expect(centring.sparseInputShift == [0.25, 0.25, 0, 0])
        #expect(try divided.toDense() == Standardizer(mean: [0, 0, 0, 0], scale: [2, 4, 0.5, 1]).transform(dense))
    }

    @Test func recipeAndClassifierOnSparseData() throws {
        let data = try SparseFixtures.load(SparseFixtures.path("bibtex-256.arff"), labels: 159)
        var options = TrainingOptions()
        options.epochs = 2
        options.hidden = [32]
        options.dropout = 0
        options.weightDecay = 0.01
        let sparse = try TrainingRecipe(options: options).train(data.sparse)
        let dense = try TrainingRecipe(options: options).train(data.dense)
        // The default centres binary columns (x - p) on both paths; CSR applies it inside the first
        // layer, so the two trainings are the same run: same scaling, split, losses and weights.
        let ss = try #require(sparse.classifier.standardizer), ds = try #require(dense.classifier.standardizer)
        #expect(!ss.isUncentred && ss.sparseInputShift != nil)
        for (a, b) in zip(ss.mean + ss.scale, ds.mean + ds.scale) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b))) }
        #expect(sparse.result.history.count == dense.result.history.count && sparse.result.history.count == 2)
        for (a, b) in zip(sparse.result.history, dense.result.history) {
            #expect(abs(a.trainLoss - b.trainLoss) <= 1e-4 * abs(b.trainLoss), "train loss \(a.trainLoss) vs \(b.trainLoss)")
            if let va = a.validationLoss, let vb = b.validationLoss { #expect(abs(va - vb) <= 1e-4 * abs(vb)) }
        }
        for (a, b) in zip(sparse.classifier.network.parameters, dense.classifier.network.parameters) {
            #expect(SparseAgreementTests.relative(a.value, b.value) <= 1e-3, "\(a.name)")  // 2 epochs of Adam amplify rounding
        }
        // Kept as they are (max-abs), the sparse training equals a dense one on the unscaled features.
        var kept = options
        kept.binaryScaling = .maxAbs
        let sparseKept = try TrainingRecipe(options: kept).train(data.sparse)
        #expect(sparseKept.classifier.standardizer?.isUncentred == true)
        var unscaled = options
        unscaled.standardize = false
        let plain = try TrainingRecipe(options: unscaled).train(data.dense)
        for (a, b) in zip(sparseKept.result.history, plain.result.history) {
            #expect(abs(a.trainLoss - b.trainLoss) <= 1e-4 * abs(b.trainLoss))
        }
        let zs = try sparse.classifier.logits(data.sparse.featureMatrix)
        let zd = try sparse.classifier.logits(data.dense.features)
        #expect(SparseAgreementTests.relative(zs, zd) <= 1e-5)
        // A dense-trained model with any centring standardizer: sparse rows centred in the first layer.
        let centring = try dense.classifier.with(logitThresholds: nil)
        let model = try Classifier(network: centring.network, task: centring.task, labelNames: centring.labelNames,
                                   featureNames: centring.featureNames,
                                   standardizer: Standardizer(mean: [Float](repeating: 0.5, count: data.dense.featureCount),
                                                              scale: [Float](repeating: 2, count: data.dense.featureCount)))
        #expect(SparseAgreementTests.relative(try model.logits(data.sparse.featureMatrix), try model.logits(data.dense.features)) <= 1e-5)
        // Alignment by name keeps the CSR form.
        let aligned = try sparse.classifier.align(data.sparse, source: "fixture")
        #expect(aligned.isSparse && aligned.featureMatrix == data.sparse.featureMatrix)
    }
}
