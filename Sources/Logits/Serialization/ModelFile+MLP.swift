import Foundation

extension ModelFile {
    /// A model file for a trained MLP: its state dict (PyTorch names and shapes), its spec as the
    /// architecture JSON, and the task / names / preprocessing needed to predict.
    /// - Throws: `ModelFileError.invalidTensor` / `.invalidMetadata` when the pieces disagree
    ///   (e.g. label names vs outputs).
    public init(model: MLP, task: ClassificationTask, labelNames: [String], featureNames: [String] = [],
                standardization: FeatureStandardization? = nil, thresholds: [Double]? = nil) throws {
        let tensors = try model.stateDict().map { try SafeTensor(name: $0.name, shape: $0.shape, values: $0.values) }
        self.init(tensors: tensors, architecture: try Self.json(model.spec), task: TaskDescription(task),
                  labelNames: labelNames, featureNames: featureNames, standardization: standardization,
                  thresholds: thresholds)
        guard model.spec.outputs == task.outputCount else {
            throw ModelFileError(.invalidMetadata(key: Key.task, message: "task has \(task.outputCount) outputs, the model \(model.spec.outputs)"))
        }
        try validate(path: nil)
    }

    /// The architecture decoded as an `MLPSpec`.
    public func mlpSpec(path: String? = nil) throws -> MLPSpec {
        do {
            return try JSONDecoder().decode(MLPSpec.self, from: Data(architecture.utf8))
        } catch {
            throw ModelFileError(path: path, .invalidMetadata(key: Key.architecture, message: "not an MLP spec: \(architecture.prefix(120))"))
        }
    }

    /// Rebuilds the MLP and loads its weights, checking every tensor's presence and shape.
    /// - Throws: `ModelFileError` (`.missingTensor`, `.tensorShapeMismatch`, `.unsupportedDType`,
    ///   `.invalidMetadata`) naming the tensor or entry.
    public func makeMLP(path: String? = nil) throws -> MLP {
        let spec = try mlpSpec(path: path)
        guard spec.outputs == task.outputs else {
            throw ModelFileError(path: path, .invalidMetadata(key: Key.architecture, message: "\(spec.outputs) outputs but the task has \(task.outputs)"))
        }
        if let s = standardization, s.mean.count != spec.inputs {
            throw ModelFileError(path: path, .invalidMetadata(key: Key.standardization, message: "\(s.mean.count) features but the model takes \(spec.inputs)"))
        }
        let model: MLP
        do {
            model = try MLP(spec: spec, seed: 0)
        } catch {
            throw ModelFileError(path: path, .invalidMetadata(key: Key.architecture, message: "\(error)"))
        }
        var state: [NamedTensor] = []
        for p in model.parameters {
            state.append(NamedTensor(name: p.name, shape: p.shape, values: try values(of: p.name, shape: p.shape, path: path)))
        }
        do {
            try model.load(stateDict: state)
        } catch {
            throw ModelFileError(path: path, .invalidTensor("\(error)"))
        }
        return model
    }
}
