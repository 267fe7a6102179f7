import Foundation
import Logits
import SwiftProtobuf

/// Export of a trained Logits model to ONNX, computing exactly what `logits predict` computes.
///
/// The graph (opset `opsetVersion`, IR `irVersion`), for `F` input features, `L` outputs and a
/// dynamic batch dimension `N`:
///
/// | step | ONNX | shape |
/// | --- | --- | --- |
/// | input `features` | FP32 | `[N, F]` |
/// | TF-IDF (if stored; `ONNXTermWeighting`) | `Mul(tf, idf)`, `Div(_, ReduceL2(_, axes=[1]))`, sublinear tf via `Log`/`Where` | `[N, F]` |
/// | standardization (if stored) | `Sub(x, mean)`, `Div(_, scale)` | `[N, F]` |
/// | each `Linear` (`<i>.weight [out, in]`, `<i>.bias [out]`) | `Gemm(x, W, b, transB=1)` | `[N, out]` |
/// | each `LayerNorm` | `LayerNormalization(axis=-1, epsilon=1e-5)` | same |
/// | activations | `Relu`, `LeakyRelu(alpha)`, `Tanh`, `Sigmoid`; GELU as `x/2 (1 + Erf(x/√2))`, GELU(tanh) as `x/2 (1 + Tanh(√(2/π)(x + 0.044715 x³)))` | same |
/// | `Dropout` | omitted (identity at inference) | |
/// | output `logits` | the last Gemm | `[N, L]` |
/// | output `probabilities` | `Softmax(axis=1)` (multi-class) or `Sigmoid` (multi-label, binary) | `[N, L]` |
/// | output `decisions` | multi-class: `ArgMax(axis=1, keepdims=0)` INT64 (first maximum on ties); multi-label / binary: `Greater(logits, t)` BOOL | `[N]` / `[N, L]` |
///
/// The multi-label rule is `logit_j > threshold_j` with the model's logit thresholds (0, i.e.
/// probability 0.5, when it has none). Each threshold `t` (a `Double`) is stored as the largest
/// float32 `≤ t`, which makes the float32 comparison agree with `Double(logit) > t` for every float32 logit.
///
/// `metadata_props` holds the `MetadataKey` entries: the task, label and feature names, the logit
/// thresholds, the Logits version and the SHA-256 of the source model file.
public enum ONNXExport {
    /// The ONNX operator set the graph is written for (LayerNormalization needs 17).
    public static let opsetVersion: Int64 = 17
    /// The ONNX IR version matching `opsetVersion` (IR 8 came with opset 17).
    public static let irVersion: Int64 = 8
    /// The `onnx` release whose `onnx.proto` generated the protobuf code.
    public static let onnxProtoRelease = "1.23.2"

    /// Input and output names.
    public enum Name {
        public static let features = "features"
        public static let logits = "logits"
        public static let probabilities = "probabilities"
        public static let decisions = "decisions"
    }

    /// `metadata_props` keys (values are strings; JSON where structured).
    public enum MetadataKey {
        /// JSON `{"kind": "multiclass" | "multilabel" | "binary", "outputs": L}`.
        public static let task = ModelFile.Key.task
        /// JSON array of the `L` class / label names, in output order.
        public static let labelNames = ModelFile.Key.labelNames
        /// JSON array of the `F` feature names (may be empty).
        public static let featureNames = ModelFile.Key.featureNames
        /// JSON array of the `L` logit thresholds of `decisions` (multi-label, binary), or `null` (multi-class: argmax).
        public static let thresholds = ModelFile.Key.thresholds
        /// The decision rule in words.
        public static let decisionRule = "logits.decision_rule"
        /// The Logits version that exported the file.
        public static let version = ModelFile.Key.version
        /// The Logits version that wrote the source model file.
        public static let sourceVersion = "logits.source_version"
        /// SHA-256 (hex) of the source model file's bytes.
        public static let sourceSHA256 = "logits.source_sha256"
    }

    /// Serialized ONNX `ModelProto` bytes of the model in `file`.
    /// - Parameter sourceChecksum: recorded as `logits.source_sha256`; pass `SHA256.hex(bytes)`
    ///   of the file the model was read from.
    /// - Throws: `ONNXExportError` for an unsupported layer / activation / architecture field, or
    ///   `ModelFileError` when the model file's tensors do not match its architecture.
    public static func export(_ file: ModelFile, sourceChecksum: String) throws -> [UInt8] {
        try serialize(model(of: file, sourceChecksum: sourceChecksum))
    }

    /// The ONNX model of `file` as a protobuf message.
    static func model(of file: ModelFile, sourceChecksum: String) throws -> Onnx_ModelProto {
        try ArchitectureCheck.check(file.architecture)
        let mlp = try file.makeMLP()
        let source = Source(
            stages: mlp.stages, inputs: mlp.inputCount, task: file.task, labelNames: file.labelNames,
            featureNames: file.featureNames, termWeighting: file.termWeighting,
            standardization: file.standardization, thresholds: file.thresholds,
            sourceVersion: file.logitsVersion, sourceChecksum: sourceChecksum)
        return try model(of: source)
    }

    /// Everything the graph is built from: the network's stages and the classifier's metadata.
    struct Source {
        var stages: [any Layer]
        var inputs: Int
        var task: TaskDescription
        var labelNames: [String]
        var featureNames: [String]
        var termWeighting: TermWeighting? = nil
        var standardization: Standardizer?
        var thresholds: [Double]?
        var sourceVersion: String
        var sourceChecksum: String
    }

    static func serialize(_ model: Onnx_ModelProto) throws -> [UInt8] {
        do {
            return try model.serializedBytes()
        } catch {
            throw ONNXExportError.serialization("\(error)")
        }
    }

    static func model(of source: Source) throws -> Onnx_ModelProto {
        let outputs = source.task.outputs
        guard source.labelNames.count == outputs else {
            throw ONNXExportError.inconsistentModel("\(source.labelNames.count) label names for \(outputs) outputs")
        }
        var g = ONNXGraphBuilder()
        var x = Name.features
        if let w = source.termWeighting {
            x = try ONNXTermWeighting.append(w, input: x, features: source.inputs, to: &g)
        }
        if let s = source.standardization {
            guard s.mean.count == source.inputs, s.scale.count == source.inputs else {
                throw ONNXExportError.inconsistentModel("standardization has \(s.mean.count) means and \(s.scale.count) scales for \(source.inputs) features")
            }
            let mean = try g.floatInitializer("standardization.mean", shape: [source.inputs], values: s.mean)
            let scale = try g.floatInitializer("standardization.scale", shape: [source.inputs], values: s.scale)
            x = g.node("Div", [g.node("Sub", [x, mean], output: g.fresh("centered")), scale], output: g.fresh("standardized"))
        }
        var width = source.inputs
        for (i, stage) in source.stages.enumerated() {
            guard stage.inputCount == width else {
                throw ONNXExportError.inconsistentModel("stage \(i) takes \(stage.inputCount) features, the previous one gives \(width)")
            }
            x = try LayerTranslation.append(stage, input: x, to: &g, isLast: i == source.stages.count - 1)
            width = stage.outputCount
        }
        guard width == outputs else {
            throw ONNXExportError.inconsistentModel("the network gives \(width) outputs, the task has \(outputs)")
        }
        // The last node (the output Linear's Gemm) writes `logits`.
        guard g.renameLastOutput(from: x, to: Name.logits) else {
            throw ONNXExportError.inconsistentModel("the network has no layers")
        }
        let logits = Name.logits
        let multiClass = source.task.kind == .multiclass
        let decisionThresholds = try thresholds(source, outputs: outputs)
        if multiClass {
            g.node("Softmax", [logits], output: Name.probabilities, attributes: [ONNX.attribute("axis", int: 1)])
            g.node("ArgMax", [logits], output: Name.decisions, attributes: [
                ONNX.attribute("axis", int: 1), ONNX.attribute("keepdims", int: 0), ONNX.attribute("select_last_index", int: 0),
            ])
        } else {
            g.node("Sigmoid", [logits], output: Name.probabilities)
            let cut = try g.floatInitializer("decision.logit_thresholds", shape: [outputs],
                                             values: decisionThresholds.map(Self.largestFloat(notAbove:)))
            g.node("Greater", [logits, cut], output: Name.decisions)
        }

        var graph = Onnx_GraphProto()
        graph.name = "logits_mlp"
        graph.docString = "Logits MLP classifier (\(source.task.kind.rawValue), \(source.inputs) features, \(outputs) outputs)"
        graph.node = g.nodes
        graph.initializer = g.initializers
        graph.input = [ONNX.valueInfo(Name.features, .float, [nil, source.inputs],
                                      doc: "raw (unstandardized) features, dense (sparse data is densified at this boundary); the graph applies the model's TF-IDF weighting and standardization")]
        graph.output = [
            ONNX.valueInfo(logits, .float, [nil, outputs], doc: "raw scores (pre-softmax / pre-sigmoid)"),
            ONNX.valueInfo(Name.probabilities, .float, [nil, outputs],
                           doc: multiClass ? "softmax over the classes" : "independent sigmoid per label"),
            multiClass
                ? ONNX.valueInfo(Name.decisions, .int64, [nil], doc: "index of the largest logit (first on ties)")
                : ONNX.valueInfo(Name.decisions, .bool, [nil, outputs], doc: "logit > logit threshold, per label"),
        ]

        var model = Onnx_ModelProto()
        model.irVersion = irVersion
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = opsetVersion
        model.opsetImport = [opset]
        model.producerName = "logits"
        model.producerVersion = LogitsLibrary.version
        model.docString = "Exported by Logits \(LogitsLibrary.version). Outputs: logits, probabilities, decisions. Metadata keys logits.*."
        model.graph = graph
        model.metadataProps = [
            ONNX.entry(MetadataKey.task, try json(source.task)),
            ONNX.entry(MetadataKey.labelNames, try json(source.labelNames)),
            ONNX.entry(MetadataKey.featureNames, try json(source.featureNames)),
            ONNX.entry(MetadataKey.thresholds, multiClass ? "null" : try json(decisionThresholds)),
            ONNX.entry(MetadataKey.decisionRule, multiClass
                ? "decisions = argmax(logits, axis 1), the first maximum on ties"
                : "decisions[:, j] = logits[:, j] > thresholds[j] (thresholds on the logit scale; 0 is probability 0.5)"),
            ONNX.entry(MetadataKey.version, LogitsLibrary.version),
            ONNX.entry(MetadataKey.sourceVersion, source.sourceVersion),
            ONNX.entry(MetadataKey.sourceSHA256, source.sourceChecksum),
        ]
        return model
    }

    /// The `L` logit thresholds of the multi-label rule: the model's (one shared value or one per
    /// output), or 0 (probability 0.5) when it has none.
    static func thresholds(_ source: Source, outputs: Int) throws -> [Double] {
        guard let t = source.thresholds else { return [Double](repeating: 0, count: outputs) }
        if t.count == 1 { return [Double](repeating: t[0], count: outputs) }
        guard t.count == outputs else {
            throw ONNXExportError.inconsistentModel("\(t.count) thresholds for \(outputs) outputs")
        }
        if let bad = t.first(where: \.isNaN) { throw ONNXExportError.inconsistentModel("threshold \(bad) is not a number") }
        return t
    }

    /// The largest float32 `f` with `Double(f) <= t`: for every float32 `z`, `z > f` exactly when
    /// `Double(z) > t` (no float32 lies in `(f, t]`).
    public static func largestFloat(notAbove t: Double) -> Float {
        let f = Float(t)
        return Double(f) > t ? f.nextDown : f
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw ONNXExportError.serialization("cannot encode \(T.self) as JSON: \(error)")
        }
    }
}

extension ONNXExport {
    /// Whether `bytes` parse as an ONNX `ModelProto` with a graph (used to name the mistake when an
    /// ONNX file is given where a state dict is expected).
    public static func looksLikeONNX(_ bytes: [UInt8]) -> Bool {
        guard let m = try? Onnx_ModelProto(serializedBytes: bytes) else { return false }
        return m.irVersion > 0 && m.hasGraph
    }
}
