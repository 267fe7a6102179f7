import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Logits
@testable import LogitsServing
import Testing

/// The routes in-process (HummingbirdTesting's router framework: no sockets), with the model
/// service running so that readiness, loading and batching are the real ones.
@Suite("Serving routes (in-process)", .serialized)  // the Prometheus registry is process-wide
struct RouterTests {
    static let logger: Logger = {
        var logger = Logger(label: "serving-tests")
        logger.logLevel = .warning
        return logger
    }()

    /// Runs `body` against an application serving `models`, once every model is loaded.
    func withServer(_ models: [(String, Classifier)], configure: (inout ServingApplication.Options) -> Void = { _ in },
                    waitReady: Bool = true,
                    _ body: @escaping @Sendable (any TestClientProtocol, ServingApplication) async throws -> Void) async throws {
        let serving = try Fixtures.app(models, configure: configure)
        let app = serving.application(logger: Self.logger, reloadOnHangup: false)
        try await app.test(.router) { client in
            if waitReady {
                for _ in 0..<6000 where !serving.models.isReady { try await Task.sleep(for: .milliseconds(10)) }
                #expect(serving.models.isReady)
            }
            try await body(client, serving)
        }
    }

    func post(_ client: any TestClientProtocol, _ uri: String, _ body: String, headers: HTTPFields = [:]) async throws -> (Int, String) {
        try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            (response.status.code, String(buffer: response.body))
        }
    }

    func get(_ client: any TestClientProtocol, _ uri: String, headers: HTTPFields = [:]) async throws -> (Int, String) {
        try await client.execute(uri: uri, method: .get, headers: headers) { response in
            (response.status.code, String(buffer: response.body))
        }
    }

    @Test("readiness is 503 until the models are loaded, liveness is 200 throughout")
    func readinessBeforeLoad() async throws {
        try await withServer([("m", try Fixtures.multiClass())], configure: { $0.loadDelay = .milliseconds(15000) }, waitReady: false) { client, serving in
            #expect(try await get(client, "/v2/health/live").0 == 200)
            let (status, body) = try await get(client, "/v2/health/ready")
            #expect(status == 503)
            #expect(errorMessage(body) != nil)
            #expect(try await get(client, "/v2/models/m/ready").0 == 503)
            // On a starved machine the load may finish while this request is in flight: an answer
            // other than 503 is only allowed once the model is loaded.
            let inferStatus = try await post(client, "/v2/models/m/infer", Fixtures.tensorBody()).0
            #expect(inferStatus == 503 || (inferStatus == 200 && serving.models.isReady), "infer answered \(inferStatus) before the load")
            for _ in 0..<6000 where !serving.models.isReady { try await Task.sleep(for: .milliseconds(10)) }
            #expect(try await get(client, "/v2/health/ready").0 == 200)
            #expect(try await get(client, "/v2/models/m/ready").0 == 200)
        }
    }

    @Test("server and model metadata: inputs, outputs, task, labels, features")
    func metadata() async throws {
        try await withServer([("zoo", try Fixtures.multiClass()), ("tags", try Fixtures.multiLabel())]) { client, _ in
            let (s0, server) = try await get(client, "/v2")
            #expect(s0 == 200)
            #expect(server.contains("\"name\":\"logits-server\"") && server.contains("\"models\":[\"zoo\",\"tags\"]"))
            let (s1, text) = try await get(client, "/v2/models/zoo")
            #expect(s1 == 200)
            let meta = try JSONParser.parse(Array(text.utf8))
            #expect(meta["name"] == .string("zoo"))
            #expect(meta["task"] == .string("multi-class"))
            #expect(meta["labels"] == .array([.string("cat"), .string("dog"), .string("eel")]))
            #expect(meta["features"] == .array([.string("x"), .string("y"), .string("z")]))
            #expect(meta["inputs"] == .array([.object([("name", .string("features")), ("datatype", .string("FP32")),
                                                       ("shape", .array([.number(-1), .number(3)]))])]))
            guard case .array(let outputs)? = meta["outputs"] else { Issue.record("no outputs"); return }
            #expect(outputs.map { $0["name"] } == [.string("logits"), .string("probabilities"), .string("labels")])
            #expect(outputs.map { $0["datatype"] } == [.string("FP32"), .string("FP32"), .string("BYTES")])
            let (s2, tags) = try await get(client, "/v2/models/tags")
            #expect(s2 == 200)
            let tagMeta = try JSONParser.parse(Array(tags.utf8))
            #expect(tagMeta["task"] == .string("multi-label"))
            #expect(tagMeta["logit_thresholds"] == .array([.number(0), .number(-0.1), .number(0.1), .number(0)]))
        }
    }

    @Test("infer: logits, probabilities and labels equal the Classifier's own")
    func inferMatchesClassifier() async throws {
        for classifier in [try Fixtures.multiClass(), try Fixtures.multiLabel()] {
            try await withServer([("m", classifier)]) { client, _ in
                let (status, text) = try await post(client, "/v2/models/m/infer", Fixtures.tensorBody())
                #expect(status == 200, "\(text)")
                let out = try DecodedOutputs(text)
                let x = try Matrix(Fixtures.rows)
                let z = try classifier.logits(x)
                #expect(out.names == ["logits", "probabilities", "labels"])
                #expect(out.shapes["logits"] == [4, classifier.outputCount])
                #expect(out.floats["logits"] == z.storage)
                #expect(out.floats["probabilities"] == classifier.probabilities(logits: z).storage)
                let want = try classifier.predictedIndices(logits: z).map { $0.map { classifier.labelNames[$0] }.joined(separator: "|") }
                #expect(out.strings["labels"] == want)
                #expect(out.shapes["labels"] == [4])
            }
        }
    }

    @Test("named columns (one input per feature, any order) and one object per row give the tensor's answer")
    func namedColumns() async throws {
        let classifier = try Fixtures.multiClass()
        try await withServer([("m", classifier)]) { client, _ in
            let (_, tensorText) = try await post(client, "/v2/models/m/infer", Fixtures.tensorBody())
            let want = try DecodedOutputs(tensorText).floats["logits"]
            let rows = Fixtures.rows
            func column(_ j: Int, _ name: String) -> String {
                "{\"name\":\"\(name)\",\"shape\":[\(rows.count)],\"datatype\":\"FP32\",\"data\":[\(rows.map { "\($0[j])" }.joined(separator: ","))]}"
            }
            let columns = "{\"inputs\":[\(column(2, "z")),\(column(0, "x")),\(column(1, "y"))]}"
            let (s1, t1) = try await post(client, "/v2/models/m/infer", columns)
            #expect(s1 == 200, "\(t1)")
            #expect(try DecodedOutputs(t1).floats["logits"] == want)
            let objects = rows.map { "{\"y\":\($0[1]),\"z\":\($0[2]),\"x\":\($0[0])}" }.joined(separator: ",")
            let (s2, t2) = try await post(client, "/v2/models/m/infer", "{\"instances\":[\(objects)],\"id\":\"r7\"}")
            #expect(s2 == 200, "\(t2)")
            let decoded = try DecodedOutputs(t2)
            #expect(decoded.floats["logits"] == want)
            #expect(decoded.id == "r7")
            let nested = "{\"inputs\":[{\"name\":\"t\",\"shape\":[4,3],\"datatype\":\"FP32\",\"data\":[\(rows.map { "[" + $0.map { "\($0)" }.joined(separator: ",") + "]" }.joined(separator: ","))]}]}"
            let (s3, t3) = try await post(client, "/v2/models/m/infer", nested)
            #expect(s3 == 200)
            #expect(try DecodedOutputs(t3).floats["logits"] == want)
            // A column the model does not know, and a missing one, are named.
            let (s4, t4) = try await post(client, "/v2/models/m/infer", "{\"instances\":[{\"x\":1,\"y\":2,\"w\":3}]}")
            #expect(s4 == 400)
            #expect(errorMessage(t4)?.contains("missing feature(s) z") == true, "\(t4)")
            #expect(errorMessage(t4)?.contains("unknown column(s) w") == true, "\(t4)")
        }
    }

    @Test("outputs can be asked for by name")
    func outputSelection() async throws {
        try await withServer([("m", try Fixtures.multiLabel())]) { client, _ in
            let (status, text) = try await post(client, "/v2/models/m/infer", Fixtures.tensorBody(outputs: ["labels", "logits"]))
            #expect(status == 200)
            #expect(try DecodedOutputs(text).names == ["labels", "logits"])
            let (bad, badText) = try await post(client, "/v2/models/m/infer", Fixtures.tensorBody(outputs: ["scores"]))
            #expect(bad == 400)
            #expect(errorMessage(badText)?.contains("unknown output 'scores'") == true)
        }
    }

    @Test("every error status has a {\"error\": ...} body: 400, 404, 405, 413")
    func errorStatuses() async throws {
        try await withServer([("m", try Fixtures.multiClass())], configure: { $0.serving.maxBodyBytes = 2000 }) { client, _ in
            let cases: [(String, String, Int, String)] = [
                ("malformed JSON", "{\"inputs\": [", 400, "malformed JSON"),
                ("not an object", "[1,2]", 400, "must be a JSON object"),
                ("wrong datatype", Fixtures.tensorBody(datatype: "INT64"), 400, "expected FP32"),
                ("wrong width", Fixtures.tensorBody([[1, 2], [3, 4]]), 400, "expected [N, 3]"),
                ("count mismatch", "{\"inputs\":[{\"name\":\"t\",\"shape\":[2,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}", 400, "its shape needs 6"),
                ("string value", "{\"inputs\":[{\"name\":\"t\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,\"a\",3]}]}", 400, "expected an FP32 number"),
                ("NaN", "{\"inputs\":[{\"name\":\"t\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,NaN,3]}]}", 400, "feature 'y' of row 0 is nan"),
                ("infinity", "{\"inputs\":[{\"name\":\"t\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,-Infinity]}]}", 400, "feature 'z' of row 0 is -inf"),
                ("overflow", "{\"inputs\":[{\"name\":\"t\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1e39,2,3]}]}", 400, "must be finite"),
                ("no inputs", "{}", 400, "no 'inputs'"),
                ("deep nesting", String(repeating: "[", count: 1500), 400, "nesting deeper"),
            ]
            for (what, body, want, fragment) in cases {
                let (status, text) = try await post(client, "/v2/models/m/infer", body)
                #expect(status == want, "\(what): \(text)")
                #expect(errorMessage(text)?.contains(fragment) == true, "\(what): \(text)")
            }
            let (s404, t404) = try await post(client, "/v2/models/nope/infer", Fixtures.tensorBody())
            #expect(s404 == 404)
            #expect(errorMessage(t404)?.contains("unknown model 'nope'") == true)
            #expect(try await get(client, "/v2/models/nope").0 == 404)
            #expect(try await get(client, "/v2/models/nope/ready").0 == 404)
            let (route, routeText) = try await get(client, "/v3/whatever")
            #expect(route == 404 && errorMessage(routeText) != nil)
            let big = "{\"inputs\":[{\"name\":\"t\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}],\"pad\":\"" + String(repeating: "x", count: 3000) + "\"}"
            let (s413, t413) = try await post(client, "/v2/models/m/infer", big)
            #expect(s413 == 413, "\(t413)")
            #expect(errorMessage(t413)?.contains("--max-body") == true)
            try await client.execute(uri: "/v2/models/m/infer", method: .get) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
                #expect(errorMessage(String(buffer: response.body)) != nil)
            }
            try await client.execute(uri: "/v2/health/ready", method: .delete) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET")
            }
            // Still serving after all of that.
            #expect(try await post(client, "/v2/models/m/infer", Fixtures.tensorBody()).0 == 200)
        }
    }

    @Test("--token-file: infer and metadata need the bearer token, health does not")
    func bearerToken() async throws {
        try await withServer([("m", try Fixtures.multiClass())], configure: { $0.serving.bearerToken = "s3cret" }) { client, _ in
            let (s0, t0) = try await post(client, "/v2/models/m/infer", Fixtures.tensorBody())
            #expect(s0 == 401)
            #expect(errorMessage(t0) != nil)
            #expect(try await post(client, "/v2/models/m/infer", Fixtures.tensorBody(), headers: [.authorization: "Bearer wrong"]).0 == 401)
            #expect(try await post(client, "/v2/models/m/infer", Fixtures.tensorBody(), headers: [.authorization: "Bearer s3cret"]).0 == 200)
            #expect(try await get(client, "/v2/models/m").0 == 401)
            #expect(try await get(client, "/v2/models/m", headers: [.authorization: "Bearer s3cret"]).0 == 200)
            #expect(try await get(client, "/v2").0 == 401)
            #expect(try await get(client, "/v2/health/live").0 == 200)
            #expect(try await get(client, "/v2/health/ready").0 == 200)
        }
    }

    @Test("/metrics: request counts by model and status, latency, batch rows, queue depth")
    func metrics() async throws {
        try await withServer([("m", try Fixtures.multiClass())]) { client, _ in
            _ = try await post(client, "/v2/models/m/infer", Fixtures.tensorBody())
            _ = try await post(client, "/v2/models/m/infer", Fixtures.tensorBody())
            _ = try await post(client, "/v2/models/m/infer", "{")
            _ = try await post(client, "/v2/models/other/infer", "{}")
            let (status, text) = try await get(client, "/metrics")
            #expect(status == 200)
            #expect(text.contains("logits_requests_total{model=\"m\",status=\"200\"} 2"), "\(text)")
            #expect(text.contains("logits_requests_total{model=\"m\",status=\"400\"} 1"))
            #expect(text.contains("logits_requests_total{model=\"\",status=\"404\"} 1"))
            #expect(text.contains("logits_request_duration_seconds_count{model=\"m\"} 3"))
            #expect(text.contains("logits_batch_rows_sum{model=\"m\"} 8.0") || text.contains("logits_batch_rows_sum{model=\"m\"} 8"))
            // The gauge is lowered when the batch's results are handed out, which may be just after
            // the response: poll briefly.
            var depth = text
            for _ in 0..<500 where !depth.contains("logits_queue_depth_requests{model=\"m\"} 0") {
                try await Task.sleep(for: .milliseconds(10))
                depth = try await get(client, "/metrics").1
            }
            #expect(depth.contains("logits_queue_depth_requests{model=\"m\"} 0"), "\(depth)")
        }
    }

    @Test("SIGHUP-style reload swaps every model at once; a bad file keeps the old ones")
    func reload() async throws {
        let first = try Fixtures.multiClass(seed: 1), second = try Fixtures.multiClass(seed: 9)
        let path = try Fixtures.file(first)
        let serving = ServingApplication(sources: [.init(name: "m", path: path)], options: ServingApplication.Options())
        #expect(try serving.models.reload() == 1)
        let before = try #require(serving.models.lookup("m")?.model)
        try second.write(to: URL(fileURLWithPath: path))
        #expect(try serving.models.reload() == 2)
        let after = try #require(serving.models.lookup("m")?.model)
        #expect(after.generation == 2)
        #expect(try after.classifier.logits(Matrix(Fixtures.rows)) == second.logits(Matrix(Fixtures.rows)))
        #expect(try before.classifier.logits(Matrix(Fixtures.rows)) == first.logits(Matrix(Fixtures.rows)))
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { try serving.models.reload() }
        #expect(serving.models.lookup("m")?.model?.generation == 2)
        serving.models.shutdownQueues()
    }
}
