import Foundation
import Logits
import Testing

/// End to end: `logits train` (or the library) -> `logits export` -> ONNX Runtime, compared by
/// tests/python/check_onnx.py with `logits predict` on every row of the yeast and Fashion-MNIST
/// test sets (whole set, batches of 1000, batch 1). Needs python3 with numpy, onnx and
/// onnxruntime: without them the tests fail.
@Suite(.serialized) struct ONNXRuntimeTests {
    struct Case: Encodable {
        var name: String
        var onnx: String
        var model: String
        var features: String
        var rows: Int
        var cols: Int
        var predict_csv: String
        var task: String
        var batch1_rows: Int
    }

    /// Exports `model` and predicts `data` with the CLI; returns the check case.
    static func exportAndPredict(name: String, model: URL, data: String, labels: [String], features: URL,
                                 rows: Int, cols: Int, task: String, batch1Rows: Int, in dir: URL) throws -> Case {
        let onnx = dir.appendingPathComponent("\(name).onnx")
        let export = try ExportTestSupport.logits(["export", "--model", model.path, "--format", "onnx", "--out", onnx.path])
        #expect(export.status == 0, "\(name) export: \(export.all)")
        let predict = try ExportTestSupport.logits(["predict", "--model", model.path, "--data", data] + labels)
        #expect(predict.status == 0, "\(name) predict: \(predict.stderr)")
        let csv = dir.appendingPathComponent("\(name).predict.csv")
        try predict.stdout.write(to: csv, atomically: true, encoding: .utf8)
        return Case(name: name, onnx: onnx.path, model: model.path, features: features.path, rows: rows, cols: cols,
                    predict_csv: csv.path, task: task, batch1_rows: batch1Rows)
    }

    static func check(_ cases: [Case], in dir: URL) throws {
        let manifest = dir.appendingPathComponent("manifest.json")
        try JSONEncoder().encode(["cases": cases]).write(to: manifest)
        let r = try ExportTestSupport.python([ExportTestSupport.script("check_onnx.py"), manifest.path])
        print(r.stdout)
        #expect(r.status == 0, "check_onnx.py: \(r.all.suffix(4000))")
        for c in cases { #expect(r.stdout.contains("\(c.name) batch1:"), "case \(c.name) was not checked") }
    }

    @Test func yeastModelsMatchPredict() throws {
        try ExportTestSupport.requirePython("numpy, onnx, onnxruntime")
        let dir = try ExportTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let testFile = ExportTestSupport.yeast("yeast-test.arff")
        let test = try Dataset.load(from: testFile)
        #expect(test.count == 917 && test.featureCount == 103)
        let features = dir.appendingPathComponent("yeast-test.f32")
        try ExportTestSupport.writeFloat32(test.features, to: features)
        // Every activation, LayerNorm, Dropout, tuned thresholds, no standardization, a linear model.
        let variants: [(String, [String])] = [
            ("yeast-relu-tuned", ["--hidden", "32", "--epochs", "6", "--tune-thresholds", "--no-refit"]),
            ("yeast-layernorm-gelu", ["--hidden", "32,16", "--layer-norm", "--activation", "gelu", "--dropout", "0.2", "--epochs", "4"]),
            ("yeast-gelu-tanh-raw", ["--hidden", "24", "--activation", "gelu-tanh", "--no-standardize", "--epochs", "3"]),
            ("yeast-leaky-relu", ["--hidden", "16,16", "--activation", "leaky-relu", "--epochs", "3"]),
            ("yeast-tanh", ["--hidden", "16", "--activation", "tanh", "--epochs", "3"]),
            ("yeast-sigmoid", ["--hidden", "16", "--activation", "sigmoid", "--epochs", "3"]),
            ("yeast-linear", ["--hidden", "none", "--epochs", "3"]),
        ]
        var cases: [Case] = []
        for (name, args) in variants {
            let model = dir.appendingPathComponent("\(name).safetensors")
            let train = try ExportTestSupport.logits(["train", "--data", ExportTestSupport.yeast("yeast-train.arff"), "--out", model.path] + args)
            try #require(train.status == 0, "\(name) train: \(train.stderr)")
            cases.append(try Self.exportAndPredict(name: name, model: model, data: testFile, labels: [], features: features,
                                                   rows: test.count, cols: 103, task: "multilabel", batch1Rows: test.count, in: dir))
        }
        // The tuned model really has non-zero thresholds (so the Greater constants are exercised).
        let tuned = try ModelFile.read(from: URL(fileURLWithPath: cases[0].model))
        #expect(tuned.thresholds.map { $0.contains { $0 != 0 } } == true)
        try Self.check(cases, in: dir)
    }

    /// A model trained with `--tfidf` (plain and sublinear tf) on the sparse bibtex fixture: the
    /// graph's TF-IDF nodes (Mul, ReduceL2, Where, Log) give what `logits predict` gives.
    @Test func tfidfModelsMatchPredict() throws {
        try ExportTestSupport.requirePython("numpy, onnx, onnxruntime")
        let dir = try ExportTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = ExportTestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/sparse/bibtex-256.arff").path
        var options = LoadOptions(labels: .trailing(159))
        options.storage = .dense
        let set = try Dataset.load(from: data, options: options)
        let features = dir.appendingPathComponent("bibtex-256.f32")
        try ExportTestSupport.writeFloat32(set.features, to: features)
        var cases: [Case] = []
        for (name, flags) in [("bibtex-tfidf", ["--tfidf"]), ("bibtex-tfidf-sublinear", ["--tfidf", "--sublinear-tf"])] {
            let model = dir.appendingPathComponent("\(name).safetensors")
            let train = try ExportTestSupport.logits(["train", "--data", data, "--labels", "159", "--out", model.path,
                                                      "--hidden", "32", "--epochs", "3"] + flags)
            try #require(train.status == 0, "\(name) train: \(train.stderr)")
            #expect(try ModelFile.read(from: model).termWeighting != nil)
            cases.append(try Self.exportAndPredict(name: name, model: model, data: data, labels: ["--labels", "159"], features: features,
                                                   rows: set.count, cols: set.featureCount, task: "multilabel", batch1Rows: 64, in: dir))
        }
        try Self.check(cases, in: dir)
    }

    @Test(.enabled(if: ExportTestSupport.fashionMNIST != nil, "needs ../shared/data/fashion-mnist next to the package"))
    func fashionMNISTModelsMatchPredict() throws {
        try ExportTestSupport.requirePython("numpy, onnx, onnxruntime")
        let data = try #require(ExportTestSupport.fashionMNIST)
        let dir = try ExportTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let testPath = data.appendingPathComponent("t10k-images-idx3-ubyte.gz").path
        let test = try Dataset.load(from: testPath)
        #expect(test.count == 10_000 && test.featureCount == 784)
        let features = dir.appendingPathComponent("fashion-test.f32")
        try ExportTestSupport.writeFloat32(test.features, to: features)
        // Trained briefly on the first 3000 training images (enough for a meaningful model; the
        // point is the export, and training all 60 000 in a debug build would be slow).
        let train = try Dataset.load(from: data.appendingPathComponent("train-images-idx3-ubyte.gz").path).subset(rows: Array(0..<3000))
        let standardizer = try Standardizer(fitting: train.features)
        let x = try standardizer.transform(train.features)
        var cases: [Case] = []
        for (name, spec) in [
            ("fashion-relu", MLPSpec(inputs: 784, hidden: [64], outputs: 10, activation: .relu, dropout: 0.1)),
            ("fashion-layernorm-gelu", MLPSpec(inputs: 784, hidden: [48, 32], outputs: 10, activation: .gelu, layerNorm: true)),
        ] {
            let mlp = try MLP(spec: spec, seed: 7)
            _ = try Trainer(config: TrainerConfig(epochs: 2, batchSize: 64, learningRate: 1e-3, loss: SoftmaxCrossEntropy()))
                .fit(mlp, features: x, targets: train.targets)
            let file = try ModelFile(model: mlp, task: train.task, labelNames: train.labelNames, featureNames: train.featureNames,
                                     standardization: standardizer)
            let model = dir.appendingPathComponent("\(name).safetensors")
            try file.write(to: model)
            cases.append(try Self.exportAndPredict(name: name, model: model, data: testPath, labels: [], features: features,
                                                   rows: test.count, cols: 784, task: "multiclass", batch1Rows: 300, in: dir))
        }
        try Self.check(cases, in: dir)
    }
}
