import Foundation

extension ModelFile {
    /// A model file for a trained MLP: its state dict (PyTorch names and shapes), its spec as the
    /// architecture JSON, and the task / names / preprocessing needed to predict.
    /// - Throws: `ModelFileError.invalidTensor` / `.invalidMetadata` when the pieces disagree
    ///   (e.g. label names vs outputs).
    public init(model: MLP, task: ClassificationTask, labelNames: [String], featureNames: [String] = [],
                standardization: Standardizer? = nil, thresholds: [Double]? = nil,
                termWeighting: TermWeighting? = nil) throws {
        let tensors = try model.stateDict().map { try SafeTensor(name: $0.name, shape: $0.shape, values: $0.values) }
        self.init(tensors: tensors, architecture: try Self.json(model.spec), task: TaskDescription(task),
                  labelNames: labelNames, featureNames: featureNames, standardization: standardization,
                  thresholds: thresholds, termWeighting: termWeighting)
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

    /// Rebuilds the MLP and loads its weights. Before anything is allocated, the architecture is
    /// checked against the file: every parameter it implies must be present as an F32 tensor of
    /// exactly its shape (so the metadata cannot claim a size the tensors do not back), no other
    /// tensor may be present, the feature names and standardization must match the inputs, and
    /// the model must fit the memory budget.
    /// - Throws: `ModelFileError` (`.missingTensor`, `.unexpectedTensor`, `.tensorShapeMismatch`,
    ///   `.unsupportedDType`, `.invalidMetadata`, `.exceedsMemoryBudget`) naming the tensor or entry.
    public func makeMLP(path: String? = nil) throws -> MLP {
        let spec = try mlpSpec(path: path)
        func invalid(_ key: String, _ message: String) -> ModelFileError {
            ModelFileError(path: path, .invalidMetadata(key: key, message: message))
        }
        do { try spec.validate() } catch { throw invalid(Key.architecture, "\(error)") }
        guard spec.outputs == task.outputs else {
            throw invalid(Key.architecture, "\(spec.outputs) outputs but the task has \(task.outputs)")
        }
        if let s = standardization, s.mean.count != spec.inputs {
            throw invalid(Key.standardization, "\(s.mean.count) features but the model takes \(spec.inputs)")
        }
        if !featureNames.isEmpty, featureNames.count != spec.inputs {
            throw invalid(Key.featureNames, "\(featureNames.count) names but the model takes \(spec.inputs) features")
        }
        // Metadata against tensors, before any allocation.
        let expected = spec.parameterShapes()
        let byName = Dictionary(tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let expectedNames = Set(expected.map(\.name))
        if let extra = tensors.first(where: { !expectedNames.contains($0.name) }) {
            throw ModelFileError(path: path, .unexpectedTensor(name: extra.name, expected: expected.map(\.name)))
        }
        for (name, shape) in expected {
            guard let t = byName[name] else { throw ModelFileError(path: path, .missingTensor(name)) }
            guard t.shape == shape else {
                throw ModelFileError(path: path, .tensorShapeMismatch(tensor: name, expected: shape, found: t.shape))
            }
            guard t.dtype == "F32" else { throw ModelFileError(path: path, .unsupportedDType(tensor: name, dtype: t.dtype)) }
            guard let bytes = MemoryBudget.product(shape + [4]), bytes == t.bytes.count else {
                throw ModelFileError(path: path, .tensorSizeMismatch(tensor: name, expectedBytes: MemoryBudget.product(shape + [4]) ?? Int.max,
                                                                      foundBytes: t.bytes.count))
            }
        }
        let model: MLP
        do {
            model = try MLP(spec: spec, seed: 0)
        } catch let error as MemoryBudgetError {
            throw ModelFileError(path: path, .exceedsMemoryBudget(error.description))
        } catch {
            throw invalid(Key.architecture, "\(error)")
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
