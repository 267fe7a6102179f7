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

    /// The targets of a labelled data set in the model's output order (see `alignTargets`).
    func targets(of data: Dataset, source: String) throws -> Targets {
        try alignTargets(of: data, to: labelNames, task: task, source: source, against: "the model '\(path)'")
    }
}

/// `data`'s targets re-indexed to `names` (the model's or the training set's classes/labels).
///
/// Files that name their classes/labels by the values present (CSV class columns, LIBSVM label
/// indices) may list fewer of them, or in another order, than the training file: classes are
/// matched by name, and a label the file never mentions has no positive row in it.
/// - Throws: `UserError` when the task kind differs or the file names a class/label the model
///   does not know.
func alignTargets(of data: Dataset, to names: [String], task: ClassificationTask, source: String, against: String) throws -> Targets {
    let dataKind = TaskDescription(data.task).kind, kind = TaskDescription(task).kind
    guard dataKind == kind || (dataKind != "multiclass" && kind != "multiclass") else {
        throw UserError("'\(source)' is a \(dataKind) data set, \(against) is \(kind)")
    }
    if data.labelNames == names { return data.targets }
    let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    let mapping = try data.labelNames.map { name -> Int in
        guard let j = index[name] else {
            throw UserError("'\(source)' has the \(kind == "multiclass" ? "class" : "label") '\(name)' that \(against) does not know (it has \(names.count): \(names.prefix(6).joined(separator: ", "))\(names.count > 6 ? ", ..." : ""))")
        }
        return j
    }
    switch data.targets {
    case .classIndices(let y):
        return .classIndices(y.map { mapping[$0] })
    case .matrix(let m):
        var out = Matrix(rows: m.rows, cols: names.count)
        for r in 0..<m.rows { for c in 0..<m.cols { out[r, mapping[c]] = m[r, c] } }
        return .matrix(out)
    }
}

extension Standardizer {
    var featureStandardization: FeatureStandardization { FeatureStandardization(mean: mean, scale: scale) }
}
