import Foundation
import Logits
import LogitsExport
import Testing

/// Layout inference and errors of `TorchStateDictImport`, on hand-made state dicts.
@Suite struct TorchImportTests {
    /// A state dict with the given `(name, shape)` entries, values 0.01 * index.
    static func tensors(_ entries: [(String, [Int])], dtype: String = "F32") throws -> [SafeTensor] {
        try entries.map { name, shape in
            let values = (0..<shape.reduce(1, *)).map { Float($0) * 0.01 }
            let t = try SafeTensor(name: name, shape: shape, values: values)
            guard dtype == "F64" else { return t }
            let bytes = values.flatMap { v -> [UInt8] in
                let bits = Double(v).bitPattern
                return (0..<8).map { UInt8(truncatingIfNeeded: bits >> (8 * UInt64($0))) }
            }
            return SafeTensor(name: name, dtype: "F64", shape: shape, bytes: bytes)
        }
    }

    static func options(_ task: TaskDescription.Kind = .multiclass, labels: Int = 3, activation: Activation = .relu,
                        hidden: [Int]? = nil, layerNorm: Bool? = nil, dropout: Float? = nil) -> TorchStateDictImport.Options {
        TorchStateDictImport.Options(task: task, activation: activation, hidden: hidden, layerNorm: layerNorm, dropout: dropout,
                                     labelNames: (0..<labels).map { "c\($0)" })
    }

    static func message(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    @Test func infersDropoutLayerNormAndPrefix() throws {
        // model.net = Sequential(Linear(5,4), LayerNorm(4), GELU(), Dropout, Linear(4,3)) as float64.
        let dict = try Self.tensors([("net.0.weight", [4, 5]), ("net.0.bias", [4]), ("net.1.weight", [4]), ("net.1.bias", [4]),
                                     ("net.4.weight", [3, 4]), ("net.4.bias", [3])], dtype: "F64")
        let file = try TorchStateDictImport.modelFile(tensors: dict, options: Self.options(activation: .gelu, dropout: 0.25))
        let spec = try file.mlpSpec()
        #expect(spec == MLPSpec(inputs: 5, hidden: [4], outputs: 3, activation: .gelu, dropout: 0.25, layerNorm: true))
        #expect(file.tensors.map(\.name).sorted() == ["0.bias", "0.weight", "1.bias", "1.weight", "4.bias", "4.weight"])
        #expect(try file.values(of: "4.weight", shape: [3, 4]) == (0..<12).map { Float(Double(Float($0) * 0.01)) })
        #expect(file.task == TaskDescription(.multiClass(classes: 3)))
    }

    @Test func layoutErrorsNameTheProblem() throws {
        let gap = try Self.tensors([("0.weight", [4, 5]), ("0.bias", [4]), ("3.weight", [3, 4]), ("3.bias", [3])])
        #expect(Self.message { _ = try TorchStateDictImport.modelFile(tensors: gap, options: Self.options()) }.contains("--dropout P"))
        let batchNorm = try Self.tensors([("0.weight", [4, 5]), ("0.bias", [4]), ("1.running_mean", [4]), ("2.weight", [3, 4]), ("2.bias", [3])])
        #expect(Self.message { _ = try TorchStateDictImport.modelFile(tensors: batchNorm, options: Self.options()) }.contains("'1.running_mean' belongs to a BatchNorm"))
        let conv = try Self.tensors([("0.weight", [4, 1, 3]), ("0.bias", [4])])
        #expect(Self.message { _ = try TorchStateDictImport.modelFile(tensors: conv, options: Self.options()) }.contains("no convolutions"))
        let noBias = try Self.tensors([("0.weight", [3, 5])])
        #expect(Self.message { _ = try TorchStateDictImport.modelFile(tensors: noBias, options: Self.options()) }.contains("bias=False"))
        let farApart = try Self.tensors([("0.weight", [4, 5]), ("0.bias", [4]), ("5.weight", [3, 4]), ("5.bias", [3])])
        #expect(Self.message { _ = try TorchStateDictImport.modelFile(tensors: farApart, options: Self.options()) }.contains("5 modules apart"))
        let plain = try Self.tensors([("0.weight", [4, 5]), ("0.bias", [4]), ("2.weight", [3, 4]), ("2.bias", [3])])
        #expect(Self.message { _ = try TorchStateDictImport.modelFile(tensors: plain, options: Self.options(layerNorm: true)) }.contains("no LayerNorm"))
        #expect(Self.message { _ = try TorchStateDictImport.modelFile(tensors: plain, options: Self.options(dropout: 0.5)) }.contains("no Dropout"))
        #expect(Self.message { _ = try TorchStateDictImport.modelFile(tensors: plain, options: Self.options(.binary, labels: 1)) }.contains("1 output"))
        let file = try TorchStateDictImport.modelFile(tensors: plain, options: Self.options(hidden: [4]))
        #expect(try file.mlpSpec().hidden == [4])
    }

    @Test func standardizationFromTensors() throws {
        var dict = try Self.tensors([("0.weight", [2, 3]), ("0.bias", [2])])
        dict.append(try SafeTensor(name: "standardization.mean", shape: [3], values: [1, 2, 3]))
        dict.append(try SafeTensor(name: "standardization.scale", shape: [3], values: [2, 2, 4]))
        let file = try TorchStateDictImport.modelFile(tensors: dict, options: Self.options(.multilabel, labels: 2))
        #expect(try file.standardization == Standardizer(mean: [1, 2, 3], scale: [2, 2, 4]))
        var zero = dict
        zero[zero.count - 1] = try SafeTensor(name: "standardization.scale", shape: [3], values: [2, 0, 4])
        #expect(Self.message { _ = try TorchStateDictImport.modelFile(tensors: zero, options: Self.options(.multilabel, labels: 2)) }.contains("standardization"))
    }

    @Test func halfPrecisionWidensExactly() throws {
        // 1.0, -2.0, 0.5, the smallest subnormal, 65504 in binary16.
        let halves: [UInt16] = [0x3c00, 0xc000, 0x3800, 0x0001, 0x7bff, 0x0000]
        let dict = [SafeTensor(name: "0.weight", dtype: "F16", shape: [1, 6], bytes: halves.flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] }),
                    SafeTensor(name: "0.bias", dtype: "BF16", shape: [1], bytes: [0x80, 0x3f])]  // bfloat16 1.0
        let file = try TorchStateDictImport.modelFile(tensors: dict, options: Self.options(.binary, labels: 1))
        #expect(try file.values(of: "0.weight", shape: [1, 6]) == [1, -2, 0.5, 0x1p-24, 65504, 0])
        #expect(try file.values(of: "0.bias", shape: [1]) == [1])
    }
}
