import Foundation
import Testing
import LogitsMetrics

/// `logits metrics` end to end: CSV files in a temporary folder, `--json` output compared with the library.
@Suite(.enabled(if: CLIRunner.executableURL != nil, "logits binary not built"))
struct MetricsCommandTests {
    /// A fresh temporary folder with the given files.
    static func folder(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("logits-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir
    }

    static func csv(_ rows: [[Double]]) -> String {
        rows.map { $0.map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// Recursively compares parsed CLI JSON with the library's `MetricValue` (numbers within 1e-12 relative).
    static func mismatches(_ cli: Any?, _ lib: MetricValue, path: String) -> [String] {
        switch lib {
        case .number(let x):
            if x.isNaN { return (cli as? String) == "nan" ? [] : ["\(path): \(String(describing: cli)) vs nan"] }
            if x.isInfinite { return (cli as? String) == (x > 0 ? "inf" : "-inf") ? [] : ["\(path): \(String(describing: cli)) vs \(x)"] }
            guard let n = cli as? NSNumber else { return ["\(path): \(String(describing: cli)) vs \(x)"] }
            return abs(n.doubleValue - x) <= 1e-12 * max(1, abs(x)) ? [] : ["\(path): \(n.doubleValue) vs \(x)"]
        case .integer(let i):
            return (cli as? NSNumber)?.intValue == i ? [] : ["\(path): \(String(describing: cli)) vs \(i)"]
        case .string(let s):
            return (cli as? String) == s ? [] : ["\(path): \(String(describing: cli)) vs \(s)"]
        case .bool(let b):
            return (cli as? Bool) == b ? [] : ["\(path): \(String(describing: cli)) vs \(b)"]
        case .null:
            return cli is NSNull ? [] : ["\(path): \(String(describing: cli)) vs null"]
        case .array(let xs):
            guard let a = cli as? [Any], a.count == xs.count else { return ["\(path): array shape differs"] }
            return zip(a, xs).enumerated().flatMap { mismatches($1.0, $1.1, path: "\(path)[\($0)]") }
        case .object(let entries):
            guard let o = cli as? [String: Any] else { return ["\(path): not an object"] }
            var out = entries.flatMap { mismatches(o[$0.key], $0.value, path: "\(path).\($0.key)") }
            if o.count != entries.count { out.append("\(path): \(o.count) keys vs \(entries.count)") }
            return out
        }
    }

    @Test func multiLabelJSONMatchesLibrary() throws {
        let truth: [[Double]] = [[1, 0, 1], [0, 0, 0], [0, 1, 1], [1, 1, 0], [0, 0, 1], [1, 0, 0]]
        let scores: [[Double]] = [[2.5, -1, 0.3], [-0.2, 0.1, -3], [0, 1.7, 1.7], [0.9, -0.4, 0.2], [-1, -1, 2], [3, 0.5, -0.5]]
        let dir = try Self.folder(["t.csv": Self.csv(truth), "s.csv": Self.csv(scores)])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLIRunner.run(["metrics", "--truth", dir.appendingPathComponent("t.csv").path,
                                   "--scores", dir.appendingPathComponent("s.csv").path, "--k", "2", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8), options: [.fragmentsAllowed])
        let lib = try MultiLabelReport(truth: BinaryMatrix(truth.map { $0.map { Int($0) } }), scores: ScoreMatrix(scores),
                                       rule: .global(0), k: 2)
        let problems = Self.mismatches(parsed, lib.json, path: "$")
        #expect(problems.isEmpty, "\(problems.prefix(5))")
        #expect((parsed as? [String: Any])?["hamming_loss"] != nil)
        #expect((parsed as? [String: Any])?["label_ranking_loss"] != nil)
    }

    @Test func multiClassTaskIsInferredAndMatchesLibrary() throws {
        let truth: [[Double]] = [[0], [2], [1], [2], [0], [1], [2]]
        let scores: [[Double]] = [[2, 0.5, -1], [0.1, 0.2, 0.3], [1, 1, 1], [-2, 0, 4], [0.3, 0.2, 0.1], [0, 3, 1], [1, 2, 0]]
        let dir = try Self.folder(["t.csv": Self.csv(truth), "s.csv": Self.csv(scores)])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLIRunner.run(["metrics", "--truth", dir.appendingPathComponent("t.csv").path,
                                   "--scores", dir.appendingPathComponent("s.csv").path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8), options: [.fragmentsAllowed])
        let lib = try MultiClassReport(truth: truth.map { Int($0[0]) }, logits: ScoreMatrix(scores), k: 2)
        let problems = Self.mismatches(parsed, lib.json, path: "$")
        #expect(problems.isEmpty, "\(problems.prefix(5))")
        #expect((parsed as? [String: Any])?["task"] as? String == "multiclass")

        let text = try CLIRunner.run(["metrics", "--truth", dir.appendingPathComponent("t.csv").path,
                                      "--scores", dir.appendingPathComponent("s.csv").path])
        #expect(text.status == 0)
        #expect(text.stdout.contains("balanced accuracy"))
        #expect(text.stdout.contains("Confusion matrix"))
    }

    @Test func badFilesExitOneWithFileRowAndColumn() throws {
        let dir = try Self.folder([
            "t.csv": "0\n1\n",
            "s.csv": "0.5,1.5\n0.2,abc\n",
            "ragged.csv": "0.5,1.5\n0.2\n",
            "range.csv": "0\n7\n",
            "good.csv": "0.5,1.5\n0.2,0.1\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        func run(_ t: String, _ s: String) throws -> CLIRunner.Result {
            try CLIRunner.run(["metrics", "--truth", dir.appendingPathComponent(t).path, "--scores", dir.appendingPathComponent(s).path])
        }
        let bad = try run("t.csv", "s.csv")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("s.csv:2: field 2: non-numeric value \"abc\"; expected a number"), "\(bad.stderr)")
        #expect(bad.stderr.split(separator: "\n").count == 1)
        let ragged = try run("t.csv", "ragged.csv")
        #expect(ragged.status == 1)
        #expect(ragged.stderr.contains("ragged.csv:2: found 1 fields; expected 2 as in the first row"), "\(ragged.stderr)")
        let range = try run("range.csv", "good.csv")
        #expect(range.status == 1)
        #expect(range.stderr.contains("range.csv:2: field 1: class 7.0 is not an integer in 0..<2"), "\(range.stderr)")
        let missing = try run("nope.csv", "good.csv")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nope.csv: cannot read file"))
    }
}
