import Foundation
import Testing
@testable import Logits

@Suite struct ModelFileMLPTests {
    static func trainedLikeModel() throws -> (MLP, ModelFile) {
        let spec = MLPSpec(inputs: 5, hidden: [7, 4], outputs: 3, activation: .relu, dropout: 0.1)
        let model = try MLP(spec: spec, seed: 42)
        let file = try ModelFile(model: model, task: .multiLabel(labels: 3), labelNames: ["x", "y", "z"],
                                 featureNames: (1...5).map { "f\($0)" },
                                 standardization: try Standardizer(mean: [0, 1, 2, 3, 4], scale: [1, 1, 2, 2, 1]),
                                 thresholds: [0.5, 0.4, 0.6])
        return (model, file)
    }

    @Test func mlpRoundTripGivesSameLogits() throws {
        let (model, file) = try Self.trainedLikeModel()
        let back = try ModelFile.decode(file.encode())
        #expect(try back.mlpSpec() == model.spec)
        let rebuilt = try back.makeMLP()
        #expect(rebuilt.stateDict() == model.stateDict())
        let x = try Matrix(rows: 2, cols: 5, storage: [0.1, -0.2, 0.3, 0.4, -0.5, 1, 2, 3, -4, 5])
        #expect(try rebuilt.logits(x) == model.logits(x))
        // Dropout at index 2 and 5: parameters at 0, 3, 6.
        #expect(back.tensors.map(\.name).sorted() == ["0.bias", "0.weight", "3.bias", "3.weight", "6.bias", "6.weight"])
    }

    @Test func missingOrMisshapenTensorIsNamed() throws {
        let (_, file) = try Self.trainedLikeModel()
        var missing = file
        missing.tensors.removeAll { $0.name == "3.bias" }
        let r1 = Self.reason { _ = try ModelFile.decode(missing.encode()).makeMLP() }
        #expect(r1 == .missingTensor("3.bias"))
        var wrong = file
        if let i = wrong.tensors.firstIndex(where: { $0.name == "0.weight" }) {
            wrong.tensors[i] = try SafeTensor(name: "0.weight", shape: [5, 7], values: [Float](repeating: 0, count: 35))
        }
        let r2 = Self.reason { _ = try ModelFile.decode(wrong.encode()).makeMLP() }
        #expect(r2 == .tensorShapeMismatch(tensor: "0.weight", expected: [7, 5], found: [5, 7]))
    }

    static func reason(_ body: () throws -> Void) -> ModelFileError.Reason? {
        do { try body() } catch let e as ModelFileError { return e.reason } catch { return nil }
        return nil
    }
}

/// Loads a Logits model file with Python's `safetensors` (and PyTorch when importable).
@Suite struct PythonInteropTests {
    static func python(_ code: String) -> (status: Int32, out: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", code]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        do { try p.run() } catch { return (-1, "\(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static let hasSafetensors: Bool = {
        let ok = python("import safetensors, numpy").status == 0
        if !ok { print("PythonInteropTests skipped: python3 with safetensors and numpy not available") }
        return ok
    }()

    @Test(.enabled(if: hasSafetensors, "python3 -c 'import safetensors, numpy' failed"))
    func pythonReadsNamesShapesValuesAndTorchLoadsStateDict() throws {
        let (model, file) = try Self.trainedLikeModelTanh()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("logits-py-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("model.safetensors")
        try file.write(to: url)
        let x: [Float] = [0.5, -1.25, 2, 0.125, -0.75]
        let script = """
        import json, sys
        from safetensors import safe_open
        from safetensors.numpy import load_file
        t = load_file(\(SafeTensors.jsonString(url.path)))
        with safe_open(\(SafeTensors.jsonString(url.path)), framework="np") as f:
            meta = f.metadata()
        out = {"tensors": {k: {"shape": list(v.shape), "dtype": str(v.dtype), "values": [float(a) for a in v.reshape(-1)]} for k, v in t.items()},
               "metadata": meta}
        try:
            import torch, torch.nn as nn
            spec = json.loads(meta["logits.architecture"])
            act = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU}[list(spec["activation"].keys())[0]]
            mods, prev = [], spec["inputs"]
            for h in spec["hidden"]:
                mods.append(nn.Linear(prev, h))
                if spec["layerNorm"]: mods.append(nn.LayerNorm(h))
                mods.append(act())
                if spec["dropout"] > 0: mods.append(nn.Dropout(spec["dropout"]))
                prev = h
            mods.append(nn.Linear(prev, spec["outputs"]))
            net = nn.Sequential(*mods)
            from safetensors.torch import load_file as tload
            net.load_state_dict(tload(\(SafeTensors.jsonString(url.path))), strict=True)
            net.eval()
            with torch.no_grad():
                out["torch_logits"] = net(torch.tensor([\(x.map { "\($0)" }.joined(separator: ","))])).reshape(-1).tolist()
        except ImportError:
            pass
        print(json.dumps(out))
        """
        let (status, output) = Self.python(script)
        #expect(status == 0, "python failed: \(output)")
        guard status == 0, let line = output.split(separator: "\n").last,
              let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let tensors = json["tensors"] as? [String: [String: Any]],
              let meta = json["metadata"] as? [String: String] else {
            Issue.record("unexpected python output: \(output)")
            return
        }
        let state = model.stateDict()
        #expect(Set(tensors.keys) == Set(state.map(\.name)))
        for t in state {
            #expect(tensors[t.name]?["shape"] as? [Int] == t.shape, "shape of \(t.name)")
            #expect(tensors[t.name]?["dtype"] as? String == "float32")
            let values = (tensors[t.name]?["values"] as? [Double])?.map { Float($0) }
            #expect(values == t.values, "values of \(t.name)")
        }
        #expect(meta["format"] == "pt")
        #expect(meta["logits.format_version"] == ModelFile.formatVersion)
        #expect(meta["logits.label_names"] == #"["x","y","z"]"#)
        if let torchLogits = json["torch_logits"] as? [Double] {
            let ours = try model.logits(example: x)
            #expect(torchLogits.count == ours.count)
            for (a, b) in zip(torchLogits, ours) { #expect(abs(Float(a) - b) <= 1e-5 * max(1, abs(b)), "torch \(a) vs logits \(b)") }
        } else {
            print("PythonInteropTests: torch not importable; checked safetensors/numpy only")
        }
    }

    static func trainedLikeModelTanh() throws -> (MLP, ModelFile) {
        let spec = MLPSpec(inputs: 5, hidden: [6], outputs: 3, activation: .tanh, dropout: 0.2)
        let model = try MLP(spec: spec, seed: 7)
        let file = try ModelFile(model: model, task: .multiClass(classes: 3), labelNames: ["x", "y", "z"])
        return (model, file)
    }
}
