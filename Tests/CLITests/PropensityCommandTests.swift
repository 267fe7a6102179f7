import Foundation
import LogitsMetrics
import Testing

/// PSP@k / PSnDCG@k through the commands: `metrics --propensity-train`, `train --test`,
/// `evaluate --propensity-train`.
@Suite(.enabled(if: CLIRunner.executableURL != nil, "logits binary not built"))
struct PropensityCommandTests {
    @Test func metricsCommandMatchesLibrary() throws {
        let truth: [[Double]] = [[1, 0, 1], [0, 0, 0], [0, 1, 1], [1, 1, 0], [0, 0, 1], [1, 0, 0]]
        let scores: [[Double]] = [[2.5, -1, 0.3], [-0.2, 0.1, -3], [0, 1.7, 1.7], [0.9, -0.4, 0.2], [-1, -1, 2], [3, 0.5, -0.5]]
        let train: [[Double]] = [[1, 0, 0], [1, 0, 1], [1, 1, 0], [0, 0, 0], [1, 0, 0], [1, 0, 1], [0, 0, 0], [1, 0, 0]]
        let dir = try MetricsCommandTests.folder(["t.csv": MetricsCommandTests.csv(truth), "s.csv": MetricsCommandTests.csv(scores),
                                                  "train.csv": MetricsCommandTests.csv(train), "c.csv": "0\n1\n2\n0\n1\n2\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let r = try CLIRunner.run(["metrics", "--truth", path("t.csv"), "--scores", path("s.csv"), "--k", "2",
                                   "--propensity-train", path("train.csv"), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8), options: [.fragmentsAllowed])
        let model = try LabelPropensity(labelCounts: [6, 1, 2], trainingRows: 8)
        let lib = try MultiLabelReport(truth: BinaryMatrix(truth.map { $0.map { Int($0) } }), scores: ScoreMatrix(scores),
                                       rule: .global(0), k: 2, propensity: model)
        let problems = MetricsCommandTests.mismatches(parsed, lib.json, path: "$")
        #expect(problems.isEmpty, "\(problems.prefix(5))")
        let object = try #require(parsed as? [String: Any])
        for key in ["psp_at_1", "psp_at_3", "psp_at_5", "psndcg_at_1", "psndcg_at_3", "psndcg_at_5"] {
            #expect(object[key] is NSNumber, "\(key) missing")
        }
        #expect(object["propensity_training_rows"] as? Int == 8)
        let text = try CLIRunner.run(["metrics", "--truth", path("t.csv"), "--scores", path("s.csv"),
                                      "--propensity-train", path("train.csv")])
        #expect(text.status == 0 && text.stdout.contains("Propensity-scored (A = 0.55, B = 1.5, 8 training rows)"))
        // Without it, no propensity keys; with the wrong width, one line naming the file; multi-class: usage.
        let plain = try CLIRunner.run(["metrics", "--truth", path("t.csv"), "--scores", path("s.csv"), "--json"])
        #expect(plain.status == 0 && !plain.stdout.contains("psp_at_1"))
        let wide = try CLIRunner.run(["metrics", "--truth", path("t.csv"), "--scores", path("s.csv"), "--propensity-train", path("c.csv")])
        #expect(wide.status == 1 && wide.stderr.contains("c.csv") && wide.stderr.contains("one per label"), "\(wide.stderr)")
        let mc = try CLIRunner.run(["metrics", "--truth", path("c.csv"), "--scores", path("s.csv"), "--propensity-train", path("train.csv")])
        #expect(mc.status == 2, "\(mc.stderr)")
    }

    @Test func trainTestReportAndEvaluateAgree() throws {
        let dir = try CLITestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("weather.arff").path
        try CLITestData.multiLabelARFF().write(toFile: data, atomically: true, encoding: .utf8)
        let model = dir.appendingPathComponent("weather.safetensors").path
        let train = try CLIRunner.run(["train", "--data", data, "--test", data, "--labels", "3", "--out", model, "--json"]
                                      + EndToEndTests.fastTraining)
        #expect(train.status == 0, "\(train.stderr)")
        let test = try #require(try EndToEndTests.json(train.stdout)["test"] as? [String: Any])
        let evaluated = try EndToEndTests.json(try CLIRunner.run(["evaluate", "--model", model, "--data", data, "--labels", "3",
                                                                  "--propensity-train", data, "--json"]).stdout)
        for key in ["psp_at_1", "psp_at_3", "psp_at_5", "psndcg_at_1", "psndcg_at_3", "psndcg_at_5"] {
            let a = try #require(test[key] as? Double, "train --test lacks \(key)")
            let b = try #require(evaluated[key] as? Double, "evaluate --propensity-train lacks \(key)")
            #expect(abs(a - b) <= 1e-12 && a > 0 && a <= 1 + 1e-12, "\(key): \(a) vs \(b)")
        }
        #expect(test["propensity_training_rows"] as? Int == 48)
        let plain = try CLIRunner.run(["evaluate", "--model", model, "--data", data, "--labels", "3"])
        #expect(plain.status == 0 && !plain.stdout.contains("psp_at_1"))
        let table = try CLIRunner.run(["evaluate", "--model", model, "--data", data, "--labels", "3", "--propensity-train", data])
        #expect(table.stdout.contains("psp_at_3") && table.stdout.contains("psndcg_at_5"))
    }
}
