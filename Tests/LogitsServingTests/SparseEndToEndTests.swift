import Foundation
import Logits
@testable import LogitsServing
import Testing

@Suite("logits-server sparse requests end to end (spawned binary)")
struct SparseEndToEndTests {
    @Test("a model trained by logits train on sparse bibtex-256: CSR, {indices, values} and tritonclient scipy.sparse requests equal logits predict on the file bit for bit")
    func predictAgreement() async throws {
        let logits = try ServerProcess.executable("logits")
        let model = TrainedModels.directory.appendingPathComponent("bibtex-sparse-\(UUID().uuidString).safetensors")
        let (ts, trained) = try runTool(logits, ["train", "--data", SparseBodies.bibtexPath, "--labels", "159", "--epochs", "2",
                                                 "--hidden", "32", "--dropout", "0", "--weight-decay", "0.01", "--out", model.path])
        #expect(ts == 0, "\(trained.suffix(500))")
        // Both processes run the portable GEMM (the default backend is chosen by timing per process).
        let env = ["LOGITS_BACKEND": "swift"]
        let (ps, predicted) = try runTool(logits, ["predict", "--model", model.path, "--data", SparseBodies.bibtexPath,
                                                   "--labels", "159", "--format", "jsonl"], environment: env)
        #expect(ps == 0, "\(predicted.prefix(500))")
        var wantLogits: [Float] = [], wantProbabilities: [Float] = [], wantLabels: [String] = []
        for line in predicted.split(separator: "\n") where line.hasPrefix("{\"row\"") {
            let row = try JSONParser.parse(Array(line.utf8))
            guard case .object(let z)? = row["logits"], case .object(let p)? = row["probabilities"],
                  case .array(let names)? = row["predicted"] else { throw TestFailure("bad predict line \(line.prefix(200))") }
            wantLogits += z.compactMap { if case .number(let v) = $0.1 { return Float(v) } else { return nil } }
            wantProbabilities += p.compactMap { if case .number(let v) = $0.1 { return Float(v) } else { return nil } }
            wantLabels.append(names.compactMap { if case .string(let s) = $0 { return s } else { return nil } }.joined(separator: "|"))
        }
        #expect(wantLabels.count == 256 && wantLogits.count == 256 * 159)

        let x = try #require(try SparseBodies.bibtex().sparse.sparseFeatures)
        let server = try ServerProcess(["--model", "bib=\(model.path)"], environment: env)
        defer { server.stop() }
        let port = server.port
        let ready = try await onThread {
            for _ in 0..<300 {
                if (try? HTTP.send(port: port, "GET", "/v2/health/ready").status) == 200 { return true }
                usleep(100_000)
            }
            return false
        }
        #expect(ready)
        for (what, body) in [("CSR", SparseBodies.csr(x, indexType: "INT32")), ("instances", SparseBodies.instances(x, reversed: [1, 2, 200]))] {
            let answer = try await onThread { try HTTP.send(port: port, "POST", "/v2/models/bib/infer", body: Array(body.utf8)) }
            #expect(answer.status == 200, "\(what): \(answer.body.prefix(300))")
            let out = try DecodedOutputs(answer.body)
            #expect(out.shapes["logits"] == [256, 159], "\(what)")
            #expect(out.floats["logits"] == wantLogits, "\(what): logits differ from logits predict")
            #expect(out.floats["probabilities"] == wantProbabilities, "\(what)")
            #expect(out.strings["labels"] == wantLabels, "\(what)")
        }
        // tritonclient.http with scipy.sparse CSR batches of 48 rows (JSON and binary, INT32 and INT64).
        let predictions = TrainedModels.directory.appendingPathComponent("predict-bibtex-\(UUID().uuidString).jsonl")
        try Data(predicted.split(separator: "\n").filter { $0.hasPrefix("{\"row\"") }.joined(separator: "\n").utf8).write(to: predictions)
        let script = CLIPaths.packageRoot.appendingPathComponent("scripts/serve-sparse-conformance.py")
        let (cs, conformance) = try await onThread {
            try runTool(URL(fileURLWithPath: "/usr/bin/env"),
                        ["python3", script.path, "--url", "127.0.0.1:\(port)", "--model", "bib", "--arff", SparseBodies.bibtexPath,
                         "--labels", "159", "--predict", predictions.path, "--batch", "48"])
        }
        #expect(cs == 0, "\(conformance)")
        #expect(conformance.contains("sparse conformance: all checks passed"), "\(conformance)")
        try? FileManager.default.removeItem(at: predictions)
        // A bad column is a 400 with one error line; the server keeps serving.
        let bad = try await onThread {
            try HTTP.send(port: port, "POST", "/v2/models/bib/infer", body: Array("{\"instances\":[{\"indices\":[1836],\"values\":[1]}]}".utf8))
        }
        #expect(bad.status == 400)
        #expect(errorMessage(bad.body) == "instances[0].indices[0] is 1836, expected a column index in 0..<1836 (this model has 1836 features)")
        #expect(server.process.isRunning)
        try? FileManager.default.removeItem(at: model)
    }
}
