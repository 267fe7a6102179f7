import Foundation

/// Reading and writing the model file (safetensors with the PyTorch state dict and metadata).
extension Classifier {
    /// Opens a model file written by `write(to:)` (or `logits train`).
    /// - Throws: `ModelFileError` naming the file and the tensor or metadata entry at fault.
    public static func read(from url: URL) throws -> Classifier {
        try Classifier(file: try ModelFile.read(from: url), path: url.path)
    }

    /// Builds a classifier from a decoded model file.
    /// - Throws: `ModelFileError` when the file's parts disagree.
    public convenience init(file: ModelFile, path: String? = nil) throws {
        let network = try file.makeMLP(path: path)
        do {
            // Rebuilt to check it: decoding does not validate the statistics.
            let standardizer = try file.standardization.map { try Standardizer(mean: $0.mean, scale: $0.scale) }
            try self.init(network: network, task: file.task.classificationTask, labelNames: file.labelNames,
                          featureNames: file.featureNames.isEmpty ? nil : file.featureNames,
                          standardizer: standardizer, logitThresholds: file.thresholds,
                          termWeighting: try file.termWeighting.map { try TermWeighting(idf: $0.idf, sublinearTF: $0.sublinearTF) })
        } catch let error as ModelFileError {
            throw error
        } catch {
            throw ModelFileError(path: path, .invalidMetadata(key: ModelFile.Key.task, message: "\(error)"))
        }
    }

    /// The model file of this classifier (thresholds stored only when not all 0).
    public func modelFile() throws -> ModelFile {
        try ModelFile(model: network, task: task, labelNames: labelNames, featureNames: featureNames,
                      standardization: standardizer,
                      thresholds: hasDefaultThresholds ? nil : logitThresholds, termWeighting: termWeighting)
    }

    /// Writes the model file atomically (a temporary file renamed into place).
    public func write(to url: URL) throws {
        try modelFile().write(to: url)
    }
}
