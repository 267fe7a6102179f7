import Foundation
import Logits
import LogitsExport
import Testing

/// `logits export` / `logits import` failures: one `error:` line, exit 1 (2 for usage errors),
/// nothing written.
@Suite struct CLIErrorTests {
    /// A small trained-looking model file (random weights) written with the library.
    static func writeModel(_ spec: MLPSpec, task: ClassificationTask, to url: URL, architecture: String? = nil) throws {
        let mlp = try MLP(spec: spec, seed: 3)
        var file = try ModelFile(model: mlp, task: task, labelNames: (0..<spec.outputs).map { "c\($0)" })
        if let architecture { file.architecture = architecture }
        try file.write(to: url)
    }

    static func leftovers(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") || $0.contains(".tmp") }
    }

    @Test func exportToAMissingDirectoryFailsFirst() throws {
        let dir = try ExportTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The model does not exist either: the output check comes first, before any reading.
        let r = try ExportTestSupport.logits(["export", "--model", dir.appendingPathComponent("absent.safetensors").path,
                                              "--out", dir.appendingPathComponent("no/such/m.onnx").path])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("error: --out '") && r.stderr.contains("does not exist"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        let onDirectory = try ExportTestSupport.logits(["export", "--model", "x.safetensors", "--out", dir.path])
        #expect(onDirectory.status == 1 && onDirectory.stderr.contains("is a directory"), "\(onDirectory.stderr)")
    }

    @Test func unsupportedArchitectureIsNamedAndNothingIsWritten() throws {
        let dir = try ExportTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = MLPSpec(inputs: 4, hidden: [5], outputs: 3)
        let model = dir.appendingPathComponent("m.safetensors")
        // A field from a future architecture (e.g. residual connections) the exporter does not know.
        var json = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
        json.removeLast()
        try Self.writeModel(spec, task: .multiClass(classes: 3), to: model, architecture: json + #","residual":true}"#)
        let out = dir.appendingPathComponent("m.onnx")
        let r = try ExportTestSupport.logits(["export", "--model", model.path, "--out", out.path])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("error: ") && r.stderr.contains("'residual'"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // An activation this exporter does not know.
        let swish = json.replacingOccurrences(of: #""relu":{}"#, with: #""swish":{}"#)
        #expect(swish != json)
        try Self.writeModel(spec, task: .multiClass(classes: 3), to: model, architecture: swish + "}")
        let r2 = try ExportTestSupport.logits(["export", "--model", model.path, "--out", out.path])
        #expect(r2.status == 1 && r2.stderr.contains("activation 'swish'"), "\(r2.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(try Self.leftovers(dir).isEmpty)
    }

    @Test func exportWritesAtomicallyAndRecordsTheChecksum() throws {
        let dir = try ExportTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("m.safetensors")
        try Self.writeModel(MLPSpec(inputs: 4, hidden: [5], outputs: 2), task: .multiLabel(labels: 2), to: model)
        let out = dir.appendingPathComponent("m.onnx")
        try Data("old".utf8).write(to: out)
        let r = try ExportTestSupport.logits(["export", "--model", model.path, "--format", "onnx", "--out", out.path])
        #expect(r.status == 0, "\(r.all)")
        let bytes = [UInt8](try Data(contentsOf: out))
        #expect(ONNXExport.looksLikeONNX(bytes))
        let checksum = SHA256.hex([UInt8](try Data(contentsOf: model)))
        #expect(bytes.count > 200 && String(decoding: bytes, as: UTF8.self).contains(checksum))
        #expect(try Self.leftovers(dir).isEmpty)
        // Default output name: the model's with .onnx.
        try FileManager.default.removeItem(at: out)
        let d = try ExportTestSupport.logits(["export", "--model", model.path])
        #expect(d.status == 0 && FileManager.default.fileExists(atPath: out.path), "\(d.all)")
    }

    @Test func importRejectsONNXAndDamagedFiles() throws {
        let dir = try ExportTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("m.safetensors")
        try Self.writeModel(MLPSpec(inputs: 4, hidden: [5], outputs: 2), task: .multiLabel(labels: 2), to: model)
        let onnx = dir.appendingPathComponent("m.onnx")
        #expect(try ExportTestSupport.logits(["export", "--model", model.path, "--out", onnx.path]).status == 0)
        let good = [UInt8](try Data(contentsOf: onnx))
        let out = dir.appendingPathComponent("imported.safetensors")
        let common = ["--format", "torch-state-dict", "--out", out.path, "--task", "multilabel", "--activation", "relu", "--labels", "a,b"]
        // A valid ONNX file under another name, a truncated one, and one with flipped bytes.
        var flipped = good
        for i in stride(from: 10, to: flipped.count, by: 7) { flipped[i] ^= 0x5a }
        let files: [(String, [UInt8])] = [("model.bin", good), ("cut.onnx", Array(good.prefix(good.count / 2))), ("flipped.onnx", flipped)]
        for (name, bytes) in files {
            let path = dir.appendingPathComponent(name)
            try Data(bytes).write(to: path)
            let r = try ExportTestSupport.logits(["import", path.path] + common)
            #expect(r.status == 1, "\(name): \(r.all)")
            #expect(r.stderr.hasPrefix("error: '\(path.path)' is an ONNX file") && r.stderr.contains("ONNX import is not supported"), "\(name): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
        // Garbage that is neither: the safetensors reader's reason.
        let garbage = dir.appendingPathComponent("garbage.safetensors")
        try Data((0..<100).map { UInt8(truncatingIfNeeded: $0 &* 37) }).write(to: garbage)
        let g = try ExportTestSupport.logits(["import", garbage.path] + common)
        #expect(g.status == 1 && g.stderr.contains("is not a valid safetensors state dict"), "\(g.stderr)")
        // A torch.save zip checkpoint.
        let zip = dir.appendingPathComponent("model.pt")
        try Data([0x50, 0x4b, 0x03, 0x04] + [UInt8](repeating: 0, count: 60)).write(to: zip)
        let z = try ExportTestSupport.logits(["import", zip.path] + common)
        #expect(z.status == 1 && z.stderr.contains("torch.save checkpoint"), "\(z.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func importErrorsNameTheTensorOrFlag() throws {
        let dir = try ExportTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A Logits model file is itself a valid state dict (0.weight, 0.bias, 2.weight, 2.bias).
        let model = dir.appendingPathComponent("m.safetensors")
        try Self.writeModel(MLPSpec(inputs: 4, hidden: [5], outputs: 2), task: .multiLabel(labels: 2), to: model)
        let out = dir.appendingPathComponent("out.safetensors")
        func run(_ extra: [String]) throws -> ExportTestSupport.Result {
            try ExportTestSupport.logits(["import", "--format", "torch-state-dict", model.path, "--out", out.path, "--activation", "relu"] + extra)
        }
        let labels = try run(["--task", "multilabel", "--labels", "a,b,c"])
        #expect(labels.status == 1 && labels.stderr.contains("3 label names for 2 outputs"), "\(labels.stderr)")
        let hidden = try run(["--task", "multilabel", "--labels", "a,b", "--hidden", "8"])
        #expect(hidden.status == 1 && hidden.stderr.contains("--hidden 8 does not match"), "\(hidden.stderr)")
        let binary = try run(["--task", "binary", "--labels", "a,b"])
        #expect(binary.status == 1 && binary.stderr.contains("binary task needs 1 output"), "\(binary.stderr)")
        let noLabels = try run(["--task", "multilabel"])
        #expect(noLabels.status == 2 && noLabels.stderr.contains("--labels"), "\(noLabels.stderr)")
        let badDir = try ExportTestSupport.logits(["import", "--format", "torch-state-dict", model.path, "--out", dir.appendingPathComponent("x/y.safetensors").path,
                                                   "--activation", "relu", "--task", "multilabel", "--labels", "a,b"])
        #expect(badDir.status == 1 && badDir.stderr.contains("does not exist"), "\(badDir.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let ok = try run(["--task", "multilabel", "--labels", "a,b"])
        #expect(ok.status == 0, "\(ok.all)")
        let original = try ModelFile.read(from: model), imported = try ModelFile.read(from: out)
        #expect(imported.tensors == original.tensors && imported.architecture == original.architecture)
    }
}
