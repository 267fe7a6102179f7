import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import LogitsServing
import Testing

/// Models trained once per test run by the built `logits` binary (bundled yeast data).
enum TrainedModels {
    static let directory: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("logits-serving-e2e-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }()
    private static let lock = NSLock()

    /// `yeast-SEED.safetensors`, trained on first use.
    static func yeast(seed: Int = 1) throws -> URL {
        lock.lock()
        defer { lock.unlock() }
        let url = directory.appendingPathComponent("yeast-\(seed).safetensors")
        if FileManager.default.fileExists(atPath: url.path) { return url }
        let (status, output) = try runTool(try ServerProcess.executable("logits"),
                                           ["train", "--out", url.path, "--epochs", "2", "--seed", "\(seed)"])
        guard status == 0 else { throw TestFailure("logits train failed: \(output)") }
        return url
    }

    static let yeastTest = CLIPaths.packageRoot.appendingPathComponent("../shared/data/yeast/yeast-test.arff").standardized
}

enum CLIPaths {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}

/// A `[N, 103]` FP32 request body of deterministic yeast-like rows.
func yeastBody(rows: Int = 2, seed: Int = 0, extra: String = "") -> [UInt8] {
    let data = (0..<(rows * 103)).map { k in "\(Float((k * 37 + seed * 11) % 97) / 97 - 0.5)" }.joined(separator: ",")
    return Array("{\"inputs\":[{\"name\":\"features\",\"shape\":[\(rows),103],\"datatype\":\"FP32\",\"data\":[\(data)]}]\(extra)}".utf8)
}

@Suite("logits-server end to end (spawned binary on 127.0.0.1)", .serialized)
struct EndToEndTests {
    @Test("readiness before load, every endpoint, every error status, bearer token")
    func endpointsAndErrors() async throws {
        let model = try TrainedModels.yeast()
        let tokenFile = TrainedModels.directory.appendingPathComponent("token")
        try Data("tok-123\n".utf8).write(to: tokenFile)
        let server = try ServerProcess(["--model", "yeast=\(model.path)", "--load-delay-ms", "1500",
                                        "--max-body", "65536", "--token-file", tokenFile.path])
        defer { server.stop() }
        let port = server.port
        let auth = ["Authorization": "Bearer tok-123"]
        try await onThread {
            // Before the models are loaded.
            #expect(try HTTP.send(port: port, "GET", "/v2/health/live").status == 200)
            let early = try HTTP.send(port: port, "GET", "/v2/health/ready")
            #expect(early.status == 503)
            #expect(errorMessage(early.body) != nil)
            #expect(try HTTP.send(port: port, "GET", "/v2/models/yeast/ready").status == 503)
            var ready = false
            for _ in 0..<300 where !ready {
                ready = try HTTP.send(port: port, "GET", "/v2/health/ready").status == 200
                if !ready { usleep(100_000) }
            }
            #expect(ready)
            // Every endpoint.
            #expect(try HTTP.send(port: port, "GET", "/v2/models/yeast/ready").status == 200)
            let server = try HTTP.send(port: port, "GET", "/v2", headers: auth)
            #expect(server.status == 200 && server.body.contains("\"models\":[\"yeast\"]"))
            let meta = try HTTP.send(port: port, "GET", "/v2/models/yeast", headers: auth)
            #expect(meta.status == 200)
            let metaJSON = try JSONParser.parse(Array(meta.body.utf8))
            #expect(metaJSON["task"] == .string("multi-label"))
            guard case .array(let labels)? = metaJSON["labels"], case .array(let features)? = metaJSON["features"] else {
                Issue.record("metadata without labels/features: \(meta.body)")
                return
            }
            #expect(labels.count == 14 && features.count == 103)
            let infer = try HTTP.send(port: port, "POST", "/v2/models/yeast/infer", body: yeastBody(rows: 3), headers: auth)
            #expect(infer.status == 200, "\(infer.body)")
            #expect(infer.headers["content-type"] == "application/json")
            let out = try DecodedOutputs(infer.body)
            #expect(out.shapes["logits"] == [3, 14] && out.shapes["probabilities"] == [3, 14] && out.shapes["labels"] == [3])
            let metrics = try HTTP.send(port: port, "GET", "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.body.contains("logits_requests_total{model=\"yeast\",status=\"200\"}"))
            #expect(metrics.body.contains("logits_batch_rows_bucket{model=\"yeast\""))
            #expect(metrics.body.contains("logits_queue_depth_requests{model=\"yeast\"}"))
            #expect(metrics.body.contains("logits_request_duration_seconds_bucket{model=\"yeast\""))
            // Every error status, each with an {"error"} body.
            let errors: [(String, String, String, [UInt8], [String: String], Int)] = [
                ("malformed JSON", "POST", "/v2/models/yeast/infer", Array("{\"inputs\":[{".utf8), auth, 400),
                ("wrong datatype", "POST", "/v2/models/yeast/infer",
                 Array(String(decoding: yeastBody(), as: UTF8.self).replacingOccurrences(of: "FP32", with: "FP64").utf8), auth, 400),
                ("wrong shape", "POST", "/v2/models/yeast/infer",
                 Array("{\"inputs\":[{\"name\":\"f\",\"shape\":[1,5],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5]}]}".utf8), auth, 400),
                ("NaN feature", "POST", "/v2/models/yeast/infer",
                 Array(String(decoding: yeastBody(rows: 1), as: UTF8.self).replacingOccurrences(of: "[-0.5,", with: "[NaN,").utf8), auth, 400),
                ("unknown model", "POST", "/v2/models/nope/infer", yeastBody(), auth, 404),
                ("unknown route", "GET", "/v2/nothing/here", [], auth, 404),
                ("body over --max-body", "POST", "/v2/models/yeast/infer", yeastBody(rows: 80), auth, 413),
                ("wrong method", "PUT", "/v2/models/yeast/infer", yeastBody(), auth, 405),
                ("no token", "POST", "/v2/models/yeast/infer", yeastBody(), [:], 401),
                ("wrong token", "GET", "/v2/models/yeast", [], ["Authorization": "Bearer nope"], 401),
            ]
            for (what, method, path, body, headers, want) in errors {
                let r = try HTTP.send(port: port, method, path, body: body, headers: headers)
                #expect(r.status == want, "\(what): \(r.status) \(r.body)")
                #expect(errorMessage(r.body) != nil, "\(what): body \(r.body)")
            }
            #expect(try HTTP.send(port: port, "GET", "/v2/health/ready").status == 200)
        }
    }

    @Test("SIGHUP reloads the model under load with no failed request")
    func reloadUnderLoad() async throws {
        let a = try TrainedModels.yeast(seed: 1), b = try TrainedModels.yeast(seed: 2)
        let served = TrainedModels.directory.appendingPathComponent("served-\(UUID().uuidString).safetensors")
        try FileManager.default.copyItem(at: a, to: served)
        let server = try ServerProcess(["--model", "yeast=\(served.path)", "--max-delay-us", "2000"])
        defer { server.stop() }
        let port = server.port
        try await waitReady(port)
        let stop = Locked(false)
        let results = Locked<[(Int, String)]>([])
        let finished = Locked(0)
        // Waits (up to 60 s, for a loaded machine) until at least `n` answers have come back.
        func waitForResults(_ n: Int) async throws {
            for _ in 0..<6000 where results.withLock({ $0.count }) < n { try await Task.sleep(for: .milliseconds(10)) }
        }
        let clients = (0..<4).map { c in
            Thread {
                defer { finished.withLock { $0 += 1 } }
                var k = 0
                while !stop.withLock({ $0 }) {
                    let r: (Int, String)
                    do {
                        let answer = try HTTP.send(port: port, "POST", "/v2/models/yeast/infer", body: yeastBody(rows: 1 + k % 3, seed: c))
                        let version = try? DecodedOutputs(answer.body).modelVersion
                        r = (answer.status, (version ?? nil) ?? "")
                    } catch {
                        r = (-1, "\(error)")
                    }
                    results.withLock { $0.append(r) }
                    k += 1
                }
            }
        }
        clients.forEach { $0.start() }
        try await waitForResults(8)
        for k in 0..<3 {
            // Replace the file atomically (as a deployment would), then reload.
            let staged = served.appendingPathExtension("new")
            try? FileManager.default.removeItem(at: staged)
            try FileManager.default.copyItem(at: k % 2 == 0 ? b : a, to: staged)
            #expect(rename(staged.path, served.path) == 0)
            server.signal(SIGHUP)
            try await Task.sleep(for: .milliseconds(300))
            try await waitForResults(results.withLock { $0.count } + 8)
        }
        stop.withLock { $0 = true }
        for _ in 0..<6000 where finished.withLock({ $0 }) < 4 { try await Task.sleep(for: .milliseconds(10)) }
        let all = results.withLock { $0 }
        let failed = all.filter { $0.0 != 200 }
        #expect(all.count >= 20, "only \(all.count) requests")
        #expect(failed.isEmpty, "\(failed.count) failed: \(failed.prefix(3))")
        let versions = Set(all.map(\.1))
        #expect(versions.isSuperset(of: ["1", "4"]), "versions seen: \(versions)")
        #expect(server.stderr.components(separatedBy: "models reloaded on SIGHUP").count - 1 == 3, "\(server.stderr)")
        // The reloaded model is model B's: its answer equals B served fresh.
        let now = try await onThread { try HTTP.send(port: port, "POST", "/v2/models/yeast/infer", body: yeastBody(rows: 2)) }
        let fresh = try ServerProcess(["--model", "yeast=\(b.path)"])
        defer { fresh.stop() }
        try await waitReady(fresh.port)
        let reference = try await onThread { try HTTP.send(port: fresh.port, "POST", "/v2/models/yeast/infer", body: yeastBody(rows: 2)) }
        #expect(try DecodedOutputs(now.body).floats["logits"] == DecodedOutputs(reference.body).floats["logits"])
        #expect(server.process.isRunning)
    }

    @Test("SIGTERM drains the request in flight, refuses new connections and exits 0")
    func sigtermDrains() async throws {
        let model = try TrainedModels.yeast()
        // A lone request waits up to 1.5 s for a batch to fill: it is in flight when SIGTERM comes.
        let server = try ServerProcess(["--model", "yeast=\(model.path)", "--max-delay-us", "1500000", "--drain-timeout", "20"])
        defer { server.stop() }
        let port = server.port
        try await waitReady(port)
        async let inflight = onThread { try HTTP.send(port: port, "POST", "/v2/models/yeast/infer", body: yeastBody(rows: 1)) }
        try await Task.sleep(for: .milliseconds(400))
        server.signal(SIGTERM)
        let answer = try await inflight
        #expect(answer.status == 200, "\(answer.body)")
        let status = try await onThread { server.waitForExit(seconds: 20) }
        #expect(status == 0, "exit status \(String(describing: status)); stderr: \(server.stderr)")
        #expect(server.stdout.contains("logits-server: stopped"))
        #expect(throws: (any Error).self) { try HTTP.send(port: port, "GET", "/v2/health/live") }
    }

    @Test("a model that cannot be read stops the start with one error line and exit 1; a usage error exits 2")
    func badModel() async throws {
        let bad = TrainedModels.directory.appendingPathComponent("bad.safetensors")
        try Data("not a model".utf8).write(to: bad)
        let (status, output) = try runTool(try ServerProcess.executable("logits-server"), ["--model", "m=\(bad.path)", "--port", "0"])
        #expect(status == 1, "\(output)")
        #expect(output.contains("error: "), "\(output)")
        let (missing, text) = try runTool(try ServerProcess.executable("logits-server"), ["--model", "m=/nonexistent/x.safetensors"])
        #expect(missing == 1)
        #expect(text.contains("error: --model m=/nonexistent/x.safetensors: no readable file"), "\(text)")
        let (usage, usageText) = try runTool(try ServerProcess.executable("logits-server"), ["--model", "m=\(bad.path)", "--max-batch", "0"])
        #expect(usage == 2, "\(usageText)")
        #expect(usageText.contains("--max-batch must be 1...4096"), "\(usageText)")
    }

    @Test("tritonclient.http: readiness, metadata and infer equal logits predict bit for bit")
    func tritonConformance() async throws {
        let model = try TrainedModels.yeast()
        let script = CLIPaths.packageRoot.appendingPathComponent("scripts/serve-conformance.py")
        let python = URL(fileURLWithPath: "/usr/bin/env")
        // Both processes must use the same GEMM backend: the default one is chosen by timing at
        // start-up and may differ between two processes. OpenBLAS gives row results that depend on
        // the batch's row count, so the whole test set goes in one request, as `predict` runs it;
        // the Swift kernel is row-exact, so there many small requests must match too.
        for (backend, batch) in [("openblas" as String?, "1000"), ("swift", "7")] {
            let env = backend.map { ["LOGITS_BACKEND": $0] } ?? [:]
            let predictions = TrainedModels.directory.appendingPathComponent("predict-\(backend ?? "default").jsonl")
            let (ps, predicted) = try runTool(try ServerProcess.executable("logits"),
                                              ["predict", "--model", model.path, "--data", TrainedModels.yeastTest.path, "--format", "jsonl"],
                                              environment: env)
            #expect(ps == 0, "\(predicted.prefix(500))")
            try Data(predicted.utf8).write(to: predictions)
            let server = try ServerProcess(["--model", "yeast=\(model.path)"], environment: env)
            defer { server.stop() }
            try await waitReady(server.port)
            let (status, output) = try await onThread {
                try runTool(python, ["python3", script.path, "--url", "127.0.0.1:\(server.port)", "--model", "yeast",
                                     "--arff", TrainedModels.yeastTest.path, "--predict", predictions.path, "--batch", batch])
            }
            #expect(status == 0, "backend \(backend ?? "default"): \(output)")
            #expect(output.contains("conformance: all checks passed"), "\(output)")
        }
    }

    @Test("hostile traffic (scripts/serve-hostile.py, 2 000 requests): every answer a 4xx with an error body, still ready")
    func hostileTraffic() async throws {
        let model = try TrainedModels.yeast()
        let server = try ServerProcess(["--model", "yeast=\(model.path)", "--max-body", "1048576"])
        defer { server.stop() }
        try await waitReady(server.port)
        let script = CLIPaths.packageRoot.appendingPathComponent("scripts/serve-hostile.py")
        // The full 10 000-request run with the 10% memory bound is the script's default (docs/serving.md);
        // here a shorter run, whose early heap growth is still settling, gets a looser bound.
        let (status, output) = try await onThread {
            try runTool(URL(fileURLWithPath: "/usr/bin/env"),
                        ["python3", script.path, "--port", "\(server.port)", "--pid", "\(server.pid)", "--model", "yeast",
                         "--features", "103", "--count", "2000", "--max-body", "1048576", "--max-rss-growth", "0.5"])
        }
        #expect(status == 0, "\(output)")
        #expect(output.contains("hostile: all checks passed"), "\(output)")
        #expect(server.process.isRunning)
    }

    func waitReady(_ port: Int) async throws {
        let ok = try await onThread {
            for _ in 0..<300 {
                if (try? HTTP.send(port: port, "GET", "/v2/health/ready").status) == 200 { return true }
                usleep(100_000)
            }
            return false
        }
        #expect(ok, "server on port \(port) never became ready")
    }
}
