import Foundation
import Logits
@testable import LogitsExport
import Testing

/// The exported graph's structure, read back from the serialized protobuf.
@Suite struct ONNXGraphTests {
    static func file(_ spec: MLPSpec, task: ClassificationTask, thresholds: [Double]? = nil,
                     standardization: Standardizer? = nil) throws -> ModelFile {
        let mlp = try MLP(spec: spec, seed: 11)
        return try ModelFile(model: mlp, task: task, labelNames: (0..<spec.outputs).map { "label\($0)" },
                             featureNames: (0..<spec.inputs).map { "f\($0)" }, standardization: standardization, thresholds: thresholds)
    }

    /// Exports and parses the bytes back (so the test sees what a reader sees).
    static func roundTrip(_ file: ModelFile) throws -> Onnx_ModelProto {
        let bytes = try ONNXExport.export(file, sourceChecksum: "abc123")
        return try Onnx_ModelProto(serializedBytes: bytes)
    }

    static func attribute(_ node: Onnx_NodeProto, _ name: String) -> Onnx_AttributeProto? {
        node.attribute.first { $0.name == name }
    }

    static func floats(_ t: Onnx_TensorProto) -> [Float] {
        let b = [UInt8](t.rawData)
        return stride(from: 0, to: b.count, by: 4).map {
            Float(bitPattern: UInt32(b[$0]) | UInt32(b[$0 + 1]) << 8 | UInt32(b[$0 + 2]) << 16 | UInt32(b[$0 + 3]) << 24)
        }
    }

    @Test func multiClassLayerNormGELUGraph() throws {
        let spec = MLPSpec(inputs: 6, hidden: [5, 4], outputs: 3, activation: .gelu, dropout: 0.3, layerNorm: true)
        let stats = try Standardizer(mean: [1, 2, 3, 4, 5, 6], scale: [1, 2, 1, 2, 1, 2])
        let file = try Self.file(spec, task: .multiClass(classes: 3), standardization: stats)
        let m = try Self.roundTrip(file)
        #expect(m.irVersion == 8)
        #expect(m.opsetImport.map(\.version) == [17] && m.opsetImport.map(\.domain) == [""])
        #expect(m.producerName == "logits" && m.producerVersion == LogitsLibrary.version)
        let ops = m.graph.node.map(\.opType)
        let gelu = ["Mul", "Erf", "Add", "Mul", "Mul"]
        #expect(ops == ["Sub", "Div", "Gemm", "LayerNormalization"] + gelu + ["Gemm", "LayerNormalization"] + gelu
                + ["Gemm", "Softmax", "ArgMax"])
        #expect(!ops.contains("Dropout"))
        // PyTorch names: Linear 0, LayerNorm 1, GELU 2, Dropout 3, Linear 4, LayerNorm 5, GELU 6, Dropout 7, Linear 8.
        let names = m.graph.initializer.map(\.name)
        for n in ["standardization.mean", "standardization.scale", "0.weight", "0.bias", "1.weight", "1.bias",
                  "4.weight", "4.bias", "5.weight", "5.bias", "8.weight", "8.bias"] {
            #expect(names.contains(n), "initializer \(n)")
        }
        #expect(Set(names).count == names.count)
        let w0 = try #require(m.graph.initializer.first { $0.name == "0.weight" })
        #expect(w0.dims == [5, 6] && w0.dataType == Int32(Onnx_TensorProto.DataType.float.rawValue))
        #expect(Self.floats(w0) == (try file.values(of: "0.weight", shape: [5, 6])))
        let gemms = m.graph.node.filter { $0.opType == "Gemm" }
        #expect(gemms.allSatisfy { Self.attribute($0, "transB")?.i == 1 })
        #expect(gemms.map { $0.input[1] } == ["0.weight", "4.weight", "8.weight"])
        #expect(gemms.last?.output == ["logits"])
        let ln = try #require(m.graph.node.first { $0.opType == "LayerNormalization" })
        #expect(Self.attribute(ln, "epsilon")?.f == 1e-5 && Self.attribute(ln, "axis")?.i == -1)
        let argmax = try #require(m.graph.node.last)
        #expect(argmax.output == ["decisions"] && Self.attribute(argmax, "axis")?.i == 1
                && Self.attribute(argmax, "keepdims")?.i == 0 && Self.attribute(argmax, "select_last_index")?.i == 0)
        #expect(Self.attribute(m.graph.node[m.graph.node.count - 2], "axis")?.i == 1)  // Softmax over classes

        #expect(m.graph.input.map(\.name) == ["features"])
        let inDims = m.graph.input[0].type.tensorType.shape.dim
        #expect(inDims.map(\.dimParam) == ["N", ""] && inDims.map(\.dimValue) == [0, 6])
        #expect(m.graph.output.map(\.name) == ["logits", "probabilities", "decisions"])
        #expect(m.graph.output.map(\.type.tensorType.elemType) == [1, 1, 7])  // FLOAT, FLOAT, INT64
        #expect(m.graph.output[2].type.tensorType.shape.dim.count == 1)
        let meta = Dictionary(uniqueKeysWithValues: m.metadataProps.map { ($0.key, $0.value) })
        #expect(meta["logits.task"] == #"{"kind":"multiclass","outputs":3}"#)
        #expect(meta["logits.label_names"] == #"["label0","label1","label2"]"#)
        #expect(meta["logits.feature_names"] == #"["f0","f1","f2","f3","f4","f5"]"#)
        #expect(meta["logits.thresholds"] == "null")
        #expect(meta["logits.version"] == LogitsLibrary.version && meta["logits.source_sha256"] == "abc123")
    }

    @Test func multiLabelThresholdsAndActivations() throws {
        for (activation, expected) in [(Activation.relu, ["Relu"]), (.leakyReLU(slope: 0.2), ["LeakyRelu"]),
                                       (.tanh, ["Tanh"]), (.sigmoid, ["Sigmoid"]),
                                       (.geluTanh, ["Mul", "Mul", "Mul", "Add", "Mul", "Tanh", "Add", "Mul", "Mul"])] {
            let spec = MLPSpec(inputs: 3, hidden: [4], outputs: 2, activation: activation)
            let m = try Self.roundTrip(try Self.file(spec, task: .multiLabel(labels: 2), thresholds: [0.1, -2.5]))
            #expect(m.graph.node.map(\.opType) == ["Gemm"] + expected + ["Gemm", "Sigmoid", "Greater"], "\(activation)")
            if case .leakyReLU = activation {
                #expect(Self.attribute(m.graph.node[1], "alpha")?.f == 0.2)
            }
            let cut = try #require(m.graph.initializer.first { $0.name == "decision.logit_thresholds" })
            #expect(Self.floats(cut) == [ONNXExport.largestFloat(notAbove: 0.1), -2.5])
            #expect(m.graph.output[2].type.tensorType.elemType == 9)  // BOOL
            #expect(m.graph.output[2].type.tensorType.shape.dim.map(\.dimValue) == [0, 2])
            let meta = Dictionary(uniqueKeysWithValues: m.metadataProps.map { ($0.key, $0.value) })
            #expect(meta["logits.thresholds"] == "[0.1,-2.5]")
        }
    }

    @Test func defaultThresholdsAreZeroAndBinaryIsSigmoid() throws {
        let m = try Self.roundTrip(try Self.file(MLPSpec(inputs: 3, hidden: [], outputs: 1), task: .binary))
        #expect(m.graph.node.map(\.opType) == ["Gemm", "Sigmoid", "Greater"])
        let cut = try #require(m.graph.initializer.first { $0.name == "decision.logit_thresholds" })
        #expect(Self.floats(cut) == [0])
        #expect(m.metadataProps.first { $0.key == "logits.thresholds" }?.value == "[0]")
        #expect(m.metadataProps.first { $0.key == "logits.task" }?.value == #"{"kind":"binary","outputs":1}"#)
    }

    /// `z > largestFloat(notAbove: t)` in float32 decides exactly as `Double(z) > t`.
    @Test func thresholdRounding() {
        for t in [0.1, -0.1, 1.0 / 3, 0, 1e-40, -1e-40, 3.4e38, 1e39, -1e39, 16.635532333438686, -2.5] {
            let f = ONNXExport.largestFloat(notAbove: t)
            #expect(Double(f) <= t, "\(t)")
            #expect(f == .infinity || Double(f.nextUp) > t, "\(t)")
            for z in [f.nextDown, f, f.nextUp, Float(t), Float(t).nextUp, Float(t).nextDown] where z.isFinite {
                #expect((z > f) == (Double(z) > t), "t \(t) z \(z)")
            }
        }
        #expect(ONNXExport.largestFloat(notAbove: 1e39) == .greatestFiniteMagnitude)
        #expect(ONNXExport.largestFloat(notAbove: -1e39) == -.infinity)
    }

    /// A stage type without an ONNX translation.
    final class Conv1D: Layer {
        let inputCount = 4
        let outputCount = 4
        var parameters: [Parameter] { [] }
        func forward(_ x: Matrix, into y: inout Matrix, training: Bool) throws { y = x }
        func backward(input x: Matrix, output y: Matrix, outputGradient dy: inout Matrix,
                      inputGradient dx: inout Matrix, computeInputGradient: Bool) throws {}
    }

    @Test func unsupportedLayerIsNamed() throws {
        let mlp = try MLP(spec: MLPSpec(inputs: 4, hidden: [4], outputs: 2), seed: 1)
        let source = ONNXExport.Source(
            stages: [mlp.stages[0], Conv1D(), mlp.stages[1]], inputs: 4, task: TaskDescription(.multiLabel(labels: 2)),
            labelNames: ["a", "b"], featureNames: [], standardization: nil, thresholds: nil, sourceVersion: "x", sourceChecksum: "y")
        #expect(throws: ONNXExportError.unsupportedLayer("Conv1D")) { try ONNXExport.model(of: source) }
        #expect(ONNXExportError.unsupportedLayer("Conv1D").errorDescription?.contains("'Conv1D'") == true)
    }

    @Test func unsupportedArchitectureFieldsAreNamed() throws {
        #expect(throws: ONNXExportError.unsupportedActivation("mish")) {
            try ArchitectureCheck.check(#"{"inputs":2,"hidden":[],"outputs":1,"activation":{"mish":{}},"dropout":0,"layerNorm":false,"initializer":{"pytorchDefault":{}}}"#)
        }
        #expect(throws: ONNXExportError.self) { try ArchitectureCheck.check(#"{"inputs":2,"batchNorm":true}"#) }
        #expect(throws: ONNXExportError.self) { try ArchitectureCheck.check("[1, 2]") }
        let ok = String(decoding: try JSONEncoder().encode(MLPSpec(inputs: 2, hidden: [3], outputs: 1, activation: .leakyReLU(slope: 0.1),
                                                                   dropout: 0.2, layerNorm: true)), as: UTF8.self)
        try ArchitectureCheck.check(ok)
    }

    @Test func looksLikeONNX() throws {
        let file = try Self.file(MLPSpec(inputs: 3, hidden: [2], outputs: 2), task: .multiLabel(labels: 2))
        #expect(ONNXExport.looksLikeONNX(try ONNXExport.export(file, sourceChecksum: "")))
        #expect(!ONNXExport.looksLikeONNX(try file.encode()))
        #expect(!ONNXExport.looksLikeONNX([]))
    }
}
