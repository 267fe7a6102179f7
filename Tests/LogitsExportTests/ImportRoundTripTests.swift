import Foundation
import Logits
import Testing

/// PyTorch-layout MLPs made by tests/python/torch_import_roundtrip.py (numpy: one trained with
/// Adam, one LayerNorm + GELU saved as float64 under a `net.` prefix, one binary Tanh model),
/// imported with `logits import`, predicted with `logits predict` and exported to ONNX: the
/// logits equal the script's PyTorch-definition reference within 1e-5 on 1000 rows.
@Suite struct ImportRoundTripTests {
    struct Manifest: Decodable {
        struct Case: Decodable {
            var name: String
            var args: [String]
            var inputs: Int
            var outputs: Int
            var task: TaskDescription.Kind
        }
        var cases: [Case]
    }

    @Test func importedModelsPredictLikePyTorch() throws {
        try ExportTestSupport.requirePython("numpy, safetensors, onnx, onnxruntime")
        let dir = try ExportTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = ExportTestSupport.script("torch_import_roundtrip.py")
        let make = try ExportTestSupport.python([script, "make", dir.path])
        try #require(make.status == 0, "make: \(make.all)")
        print(make.stdout)
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: dir.appendingPathComponent("manifest.json")))
        #expect(manifest.cases.count == 3)
        for c in manifest.cases {
            let input = dir.appendingPathComponent("\(c.name).safetensors").path
            let model = dir.appendingPathComponent("\(c.name).logits.safetensors")
            let imported = try ExportTestSupport.logits(["import", "--format", "torch-state-dict", input, "--out", model.path] + c.args)
            try #require(imported.status == 0, "\(c.name) import: \(imported.all)")
            let file = try ModelFile.read(from: model)
            #expect(file.task.kind == c.task && file.task.outputs == c.outputs)
            #expect(try file.mlpSpec().inputs == c.inputs)
            let predict = try ExportTestSupport.logits(["predict", "--model", model.path, "--data", dir.appendingPathComponent("\(c.name).features.csv").path])
            try #require(predict.status == 0, "\(c.name) predict: \(predict.stderr)")
            let csv = dir.appendingPathComponent("\(c.name).predict.csv")
            try predict.stdout.write(to: csv, atomically: true, encoding: .utf8)
            let onnx = dir.appendingPathComponent("\(c.name).onnx")
            let export = try ExportTestSupport.logits(["export", "--model", model.path, "--out", onnx.path])
            try #require(export.status == 0, "\(c.name) export: \(export.all)")
            let compare = try ExportTestSupport.python([script, "compare", dir.appendingPathComponent("\(c.name).ref.npy").path, csv.path,
                                                        onnx.path, dir.appendingPathComponent("\(c.name).features.f32").path])
            print("\(c.name): \(compare.stdout)")
            #expect(compare.status == 0, "\(c.name): \(compare.all)")
            #expect(compare.stdout.contains("1000 rows"), "\(c.name) compared \(compare.stdout)")
        }
        // The trained case's standardization came from tensors in the state dict, the LayerNorm
        // case's from the JSON file; the binary case has none.
        let standardized = try manifest.cases.map {
            try ModelFile.read(from: dir.appendingPathComponent("\($0.name).logits.safetensors")).standardization != nil
        }
        #expect(standardized == [true, true, false])
    }
}
