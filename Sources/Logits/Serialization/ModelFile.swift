import Foundation

/// A trained Logits model as stored on disk: a safetensors file whose tensors are the network's
/// state dict (PyTorch names and layouts, e.g. `0.weight` of shape `[out, in]`, so that
/// `torch.nn.Sequential(...).load_state_dict(safetensors.torch.load_file(path))` works) and whose
/// `__metadata__` holds everything else needed to predict, as strings (JSON-encoded where
/// structured):
///
/// | key | value |
/// | --- | --- |
/// | `format` | `"pt"` (what `transformers` / `safetensors.torch` expect) |
/// | `logits.format_version` | `ModelFile.formatVersion` |
/// | `logits.version` | the Logits library version that wrote the file |
/// | `logits.architecture` | JSON of the architecture (opaque here; the model type decodes it) |
/// | `logits.task` | JSON `{"kind": "multilabel" / "multiclass" / "binary", "outputs": n}` |
/// | `logits.label_names` | JSON array of label / class names (one per output) |
/// | `logits.feature_names` | JSON array of input feature names (may be empty) |
/// | `logits.standardization` | JSON `{"mean": [...], "scale": [...]}`, absent if none |
/// | `logits.thresholds` | JSON array of per-output decision thresholds on the logit scale, absent if none |
/// | `logits.term_weighting` | JSON `{"idf": [...], "sublinear_tf": false}` (TF-IDF, applied before the standardization), absent if none |
public struct ModelFile: Sendable, Equatable {
    /// The model-file format version this library writes and reads.
    public static let formatVersion = "1"

    /// Metadata keys.
    public enum Key {
        public static let format = "format"
        public static let formatVersion = "logits.format_version"
        public static let version = "logits.version"
        public static let architecture = "logits.architecture"
        public static let task = "logits.task"
        public static let labelNames = "logits.label_names"
        public static let featureNames = "logits.feature_names"
        public static let standardization = "logits.standardization"
        public static let thresholds = "logits.thresholds"
        public static let termWeighting = "logits.term_weighting"
    }

    /// The state dict, one tensor per parameter.
    public var tensors: [SafeTensor]
    /// JSON text describing the architecture (e.g. an encoded MLP spec).
    public var architecture: String
    /// The classification task the outputs solve.
    public var task: TaskDescription
    /// One name per output (class or label).
    public var labelNames: [String]
    /// Names of the input features (empty when unknown).
    public var featureNames: [String]
    /// Feature standardization fitted on the training data, applied before the network.
    public var standardization: Standardizer?
    /// Per-output decision thresholds on the **logit** scale, tuned on validation data, if any:
    /// output `j` is predicted when `z_j > thresholds[j]` (probability `p` corresponds to the logit
    /// `log(p / (1 - p))`; logits avoid the float32 saturation of probabilities).
    public var thresholds: [Double]?
    /// TF-IDF weighting of the raw term counts fitted on the training data, applied before
    /// `standardization`, if any.
    public var termWeighting: TermWeighting?
    /// The Logits version that wrote the file.
    public var logitsVersion: String

    public init(tensors: [SafeTensor], architecture: String, task: TaskDescription, labelNames: [String],
                featureNames: [String] = [], standardization: Standardizer? = nil,
                thresholds: [Double]? = nil, termWeighting: TermWeighting? = nil,
                logitsVersion: String = LogitsLibrary.version) {
        self.tensors = tensors
        self.architecture = architecture
        self.task = task
        self.labelNames = labelNames
        self.featureNames = featureNames
        self.standardization = standardization
        self.thresholds = thresholds
        self.termWeighting = termWeighting
        self.logitsVersion = logitsVersion
    }

    /// The `__metadata__` strings for this model.
    public func metadata() throws -> [String: String] {
        var m: [String: String] = [
            Key.format: "pt",
            Key.formatVersion: Self.formatVersion,
            Key.version: logitsVersion,
            Key.architecture: architecture,
            Key.task: try Self.json(task),
            Key.labelNames: try Self.json(labelNames),
            Key.featureNames: try Self.json(featureNames),
        ]
        if let standardization { m[Key.standardization] = try Self.json(standardization) }
        if let thresholds { m[Key.thresholds] = try Self.json(thresholds) }
        if let termWeighting { m[Key.termWeighting] = try Self.json(termWeighting) }
        return m
    }

    /// Serializes the model to safetensors bytes.
    public func encode() throws -> [UInt8] {
        try validate(path: nil)
        return try SafeTensors.encode(tensors, metadata: metadata())
    }

    /// Writes the model to `url` atomically (temporary file + rename).
    public func write(to url: URL) throws {
        try validate(path: url.path)
        try SafeTensors.write(tensors, metadata: metadata(), to: url)
    }

    /// Reads and validates a model file.
    /// - Throws: `ModelFileError` for a damaged file, a missing or invalid metadata entry, or a
    ///   format version other than `formatVersion`.
    public static func read(from url: URL) throws -> ModelFile {
        let (tensors, metadata) = try SafeTensors.read(from: url)
        return try ModelFile(tensors: tensors, metadata: metadata, path: url.path)
    }

    /// Decodes a model from safetensors bytes.
    public static func decode(_ bytes: [UInt8], path: String? = nil) throws -> ModelFile {
        let (tensors, metadata) = try SafeTensors.decode(bytes, path: path)
        return try ModelFile(tensors: tensors, metadata: metadata, path: path)
    }

    init(tensors: [SafeTensor], metadata: [String: String], path: String?) throws {
        func fail(_ r: ModelFileError.Reason) -> ModelFileError { ModelFileError(path: path, r) }
        guard let version = metadata[Key.formatVersion] else { throw fail(.missingMetadata(Key.formatVersion)) }
        guard version == Self.formatVersion else {
            throw fail(.unsupportedFormatVersion(found: version, supported: Self.formatVersion))
        }
        func required(_ key: String) throws -> String {
            guard let v = metadata[key] else { throw fail(.missingMetadata(key)) }
            return v
        }
        func decoded<T: Decodable>(_ type: T.Type, _ key: String, _ text: String) throws -> T {
            do {
                return try JSONDecoder().decode(T.self, from: Data(text.utf8))
            } catch let error as TaskDescription.UnknownKind {
                throw fail(.invalidMetadata(key: key, message: error.description))
            } catch {
                throw fail(.invalidMetadata(key: key, message: "cannot decode \(T.self) from \(text.prefix(80))"))
            }
        }
        self.tensors = tensors
        self.architecture = try required(Key.architecture)
        self.task = try decoded(TaskDescription.self, Key.task, required(Key.task))
        self.labelNames = try decoded([String].self, Key.labelNames, required(Key.labelNames))
        self.featureNames = try metadata[Key.featureNames].map { try decoded([String].self, Key.featureNames, $0) } ?? []
        self.standardization = try metadata[Key.standardization].map {
            try decoded(Standardizer.self, Key.standardization, $0)
        }
        self.thresholds = try metadata[Key.thresholds].map { try decoded([Double].self, Key.thresholds, $0) }
        self.termWeighting = try metadata[Key.termWeighting].map { try decoded(TermWeighting.self, Key.termWeighting, $0) }
        self.logitsVersion = metadata[Key.version] ?? "unknown"
        try validate(path: path)
    }

    /// Checks the pieces agree: one label name and threshold per output, standardization vectors
    /// of equal length.
    func validate(path: String?) throws {
        func fail(_ key: String, _ m: String) -> ModelFileError { ModelFileError(path: path, .invalidMetadata(key: key, message: m)) }
        guard task.outputs > 0 else { throw fail(Key.task, "needs at least one output, found \(task.outputs)") }
        guard labelNames.count == task.outputs else {
            throw fail(Key.labelNames, "\(labelNames.count) names for \(task.outputs) outputs")
        }
        if let thresholds, thresholds.count != task.outputs {
            throw fail(Key.thresholds, "\(thresholds.count) thresholds for \(task.outputs) outputs")
        }
        if let bad = thresholds?.first(where: { $0.isNaN }) {
            throw fail(Key.thresholds, "threshold \(bad) is not a number")
        }
        if let s = standardization, s.mean.count != s.scale.count {
            throw fail(Key.standardization, "\(s.mean.count) means but \(s.scale.count) scales")
        }
        if let w = termWeighting, let bad = w.idf.firstIndex(where: { !($0.isFinite && $0 >= 1) }) {
            throw fail(Key.termWeighting, "weight \(bad) is \(w.idf[bad]); expected a finite value >= 1")
        }
    }

    /// The float32 values of tensor `name`, checking its shape.
    /// - Throws: `ModelFileError.missingTensor`, `.tensorShapeMismatch` or `.unsupportedDType`.
    public func values(of name: String, shape: [Int], path: String? = nil) throws -> [Float] {
        guard let t = tensors.first(where: { $0.name == name }) else {
            throw ModelFileError(path: path, .missingTensor(name))
        }
        guard t.shape == shape else {
            throw ModelFileError(path: path, .tensorShapeMismatch(tensor: name, expected: shape, found: t.shape))
        }
        do { return try t.floats() } catch var e as ModelFileError {
            e.path = path
            throw e
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw ModelFileError(.invalidTensor("cannot encode \(T.self) as JSON: \(error)"))
        }
    }
}
