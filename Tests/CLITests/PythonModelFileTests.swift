import Foundation
import Logits
import Testing

/// The model file `logits train` writes, read by Python's `safetensors` (numpy): the same tensor
/// names, shapes and values as Logits reads back, and the metadata strings.
@Suite struct PythonModelFileTests {
    static let pythonReady: Bool = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import safetensors, numpy"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        if p.terminationStatus != 0 { print("PythonModelFileTests skipped: python3 cannot import safetensors and numpy") }
        return p.terminationStatus == 0
    }()

    @Test(.enabled(if: CLIRunner.executableURL != nil && pythonReady, "needs the logits binary and python3 with safetensors + numpy"))
    func pythonReadsTheTrainedModel() throws {
        let dir = try CLITestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("d.arff").path
        try CLITestData.multiLabelARFF().write(toFile: data, atomically: true, encoding: .utf8)
        let model = dir.appendingPathComponent("m.safetensors").path
        let train = try CLIRunner.run(["train", "--data", data, "--labels", "3", "--out", model, "--hidden", "6,5"] + ["--epochs", "2", "--batch", "8"])
        #expect(train.status == 0, "\(train.stderr)")
        let script = """
        import json
        from safetensors import safe_open
        with safe_open(\(SafeTensors.jsonString(model)), framework="np") as f:
            print(json.dumps({"metadata": f.metadata(),
                              "tensors": {k: {"shape": list(f.get_tensor(k).shape), "dtype": str(f.get_tensor(k).dtype),
                                              "values": [float(v) for v in f.get_tensor(k).reshape(-1)]} for k in f.keys()}}))
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let bytes = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        let tensors = try #require(json["tensors"] as? [String: [String: Any]])
        let meta = try #require(json["metadata"] as? [String: String])
        let file = try ModelFile.read(from: URL(fileURLWithPath: model))
        // hidden 6,5 with dropout: Linear 0, ReLU 1, Dropout 2, Linear 3, ReLU 4, Dropout 5, Linear 6.
        #expect(Set(tensors.keys) == ["0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias"])
        for t in file.tensors {
            #expect(tensors[t.name]?["shape"] as? [Int] == t.shape)
            #expect(tensors[t.name]?["dtype"] as? String == "float32")
            #expect((tensors[t.name]?["values"] as? [Double])?.map { Float($0) } == (try t.floats()), "values of \(t.name)")
        }
        #expect(tensors["0.weight"]?["shape"] as? [Int] == [6, 4])
        #expect(tensors["6.weight"]?["shape"] as? [Int] == [3, 5])
        #expect(meta["format"] == "pt")
        #expect(meta["logits.format_version"] == ModelFile.formatVersion)
        #expect(meta["logits.label_names"] == #"["sunny","windy","cold"]"#)
        let standardization = try #require(meta["logits.standardization"])
        #expect(try JSONDecoder().decode(Standardizer.self, from: Data(standardization.utf8)) == file.standardization)
    }
}
