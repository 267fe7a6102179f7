import Foundation
import Logits

/// A model file opened for prediction: the network, its task, names, preprocessing and thresholds.
struct LoadedModel {
    let path: String
    let file: ModelFile
    let mlp: MLP
    let task: ClassificationTask
    let standardizer: Standardizer?

    var labelNames: [String] { file.labelNames }
    var inputCount: Int { mlp.inputCount }

    init(path: String) throws {
        try DataOptions.checkReadable(path, what: "model file")
        self.path = path
        file = try ModelFile.read(from: URL(fileURLWithPath: path))
        mlp = try file.makeMLP(path: path)
        do {
            task = try file.task.classificationTask()
            standardizer = try file.standardization.map { try Standardizer(mean: $0.mean, scale: $0.scale) }
        } catch {
            throw ModelFileError(path: path, .invalidMetadata(key: ModelFile.Key.standardization, message: "\(error)"))
        }
    }

    /// Logits (`N x outputs`) of raw (unstandardized) features, computed in batches.
    func logits(of features: Matrix, source: String) throws -> Matrix {
        guard features.cols == inputCount else {
            throw UserError("'\(source)' has \(features.cols) features, the model '\(path)' expects \(inputCount)")
        }
        let x = try standardizer.map { try $0.transform(features) } ?? features
        var out = Matrix(rows: x.rows, cols: mlp.outputCount)
        var workspace = ModelWorkspace()
        var batchOut = Matrix(rows: 0, cols: 0)
        let batch = 1024
        var start = 0
        while start < x.rows {
            let end = min(x.rows, start + batch)
            let slice = try Matrix(rows: end - start, cols: x.cols, storage: Array(x.storage[(start * x.cols)..<(end * x.cols)]))
            try mlp.logits(slice, into: &batchOut, workspace: &workspace)
            out.storage.replaceSubrange((start * out.cols)..<(end * out.cols), with: batchOut.storage)
            start = end
        }
        return out
    }

    /// Checks that a labelled data set matches the model's outputs.
    func checkTargets(of data: Dataset, source: String) throws {
        guard data.task.outputCount == task.outputCount, TaskDescription(data.task).kind == file.task.kind else {
            throw UserError("'\(source)' is a \(TaskDescription(data.task).kind) set with \(data.task.outputCount) outputs, the model '\(path)' is \(file.task.kind) with \(task.outputCount)")
        }
    }
}

extension Standardizer {
    var featureStandardization: FeatureStandardization { FeatureStandardization(mean: mean, scale: scale) }
}
