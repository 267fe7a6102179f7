import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Logits
import Testing

/// train -> model file -> evaluate -> predict -> curves, through the built `logits` binary.
@Suite(.enabled(if: CLIRunner.executableURL != nil, "logits binary not built"))
struct EndToEndTests {
    static let fastTraining = ["--epochs", "4", "--batch", "8", "--hidden", "8", "--dropout", "0", "--seed", "3"]

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text.prefix(200))")
    }

    static func csvRows(_ text: String) -> [[String]] {
        text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func multiLabelPipeline() throws {
        let dir = try CLITestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("weather.arff").path
        try CLITestData.multiLabelARFF().write(toFile: data, atomically: true, encoding: .utf8)
        let model = dir.appendingPathComponent("weather.safetensors").path

        // train (human report + progress lines on stderr).
        let train = try CLIRunner.run(["train", "--data", data, "--labels", "3", "--out", model, "--validation", "0.25",
                                       "--tune-thresholds"] + Self.fastTraining)
        #expect(train.status == 0, "train failed: \(train.stderr)")
        #expect(train.stdout.contains("Validation metrics (12 rows"))
        #expect(train.stdout.contains("hamming_loss") && train.stdout.contains("label_ranking_loss"))
        #expect(train.stderr.contains("epoch 1/4  loss ") && train.stderr.contains("epoch 4/4"), "one plain line per epoch when not a terminal")
        #expect(!train.stderr.contains("\r"), "no live bar when stderr is not a terminal")
        #expect(FileManager.default.fileExists(atPath: model))
        let historyPath = dir.appendingPathComponent("weather.history.json").path
        let history = try Self.json(String(contentsOfFile: historyPath, encoding: .utf8))
        #expect(((history["result"] as? [String: Any])?["history"] as? [Any])?.count == 4)

        // The model file: names, shapes and metadata.
        let file = try ModelFile.read(from: URL(fileURLWithPath: model))
        #expect(file.labelNames == ["sunny", "windy", "cold"])
        #expect(file.featureNames == ["x1", "x2", "x3", "x4"])
        #expect(file.task == TaskDescription(.multiLabel(labels: 3)))
        #expect(file.thresholds?.count == 3)
        #expect(file.standardization?.mean.count == 4)
        #expect(file.tensors.map(\.name).sorted() == ["0.bias", "0.weight", "2.bias", "2.weight"])
        #expect(try file.values(of: "0.weight", shape: [8, 4]).count == 32)

        // train --json.
        let trainJSON = try CLIRunner.run(["train", "--data", data, "--labels", "3", "--json", "--validation", "0.25",
                                           "--out", dir.appendingPathComponent("second.safetensors").path] + Self.fastTraining)
        #expect(trainJSON.status == 0, "\(trainJSON.stderr)")
        let tj = try Self.json(trainJSON.stdout)
        #expect(tj["epochs_run"] as? Int == 4)
        let validation = try #require(tj["validation"] as? [String: Any])
        let hl = try #require(validation["hamming_loss"] as? Double)
        #expect(hl >= 0 && hl <= 1)

        // evaluate: table and JSON agree.
        let table = try CLIRunner.run(["evaluate", "--model", model, "--data", data, "--labels", "3", "--per-label"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("48 rows"))
        for name in ["sunny", "windy", "cold", "label_ranking_average_precision", "coverage_error"] {
            #expect(table.stdout.contains(name), "evaluate table lacks \(name)")
        }
        let ej = try Self.json(try CLIRunner.run(["evaluate", "--model", model, "--data", data, "--labels", "3", "--json"]).stdout)
        let hamming = try #require(ej["hamming_loss"] as? Double)
        let line = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("hamming_loss") })
        #expect(line.hasSuffix(String(format: "%.4f", hamming)))
        // The thresholds stored at training are the default decision; --threshold overrides them.
        #expect(table.stdout.contains("decision: the model's per-label thresholds (tuned at training)"))
        let overridden = try CLIRunner.run(["evaluate", "--model", model, "--data", data, "--labels", "3", "--threshold", "0.3"])
        #expect(overridden.status == 0 && overridden.stdout.contains("decision: threshold 0.3 (--threshold)"), "\(overridden.stderr)")

        // predict from the labelled file: one row per input, probabilities = sigmoid(logits).
        let predicted = try CLIRunner.run(["predict", "--model", model, "--data", data, "--labels", "3", "--threshold", "0.5"])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let rows = Self.csvRows(predicted.stdout)
        #expect(rows.count == 49)
        #expect(rows.first == ["row", "predicted", "prob_sunny", "prob_windy", "prob_cold", "logit_sunny", "logit_windy", "logit_cold"])
        for row in rows.dropFirst() {
            let p = row[2...4].compactMap(Double.init), z = row[5...7].compactMap(Double.init)
            #expect(p.count == 3 && z.count == 3)
            for (pj, zj) in zip(p, z) { #expect(abs(pj - 1 / (1 + exp(-zj))) < 1e-6) }
            let names = row[1].split(separator: "|").map(String.init)
            #expect(names == zip(["sunny", "windy", "cold"], z).filter { $0.1 > 0 }.map(\.0))
        }

        // predict feature-only rows from stdin, JSON lines, top-1.
        let stdinRows = CLITestData.featureCSV(rows: 5)
        let jsonl = try CLIRunner.run(["predict", "--model", model, "--format", "jsonl", "--top-k", "1"], stdin: stdinRows)
        #expect(jsonl.status == 0, "\(jsonl.stderr)")
        let lines = jsonl.stdout.split(separator: "\n")
        #expect(lines.count == 5)
        for (i, l) in lines.enumerated() {
            let o = try Self.json(String(l))
            #expect(o["row"] as? Int == i)
            #expect((o["predicted"] as? [String])?.count == 1)
            #expect((o["probabilities"] as? [String: Double])?.keys.sorted() == ["cold", "sunny", "windy"])
        }
        let withHeader = try CLIRunner.run(["predict", "--model", model], stdin: "x1,x2,x3,x4\n" + stdinRows)
        #expect(withHeader.status == 0 && Self.csvRows(withHeader.stdout).count == 6)

        // curves: SVG (well-formed, AUC legend) and CSV, plus training curves.
        let curvesDir = dir.appendingPathComponent("curves").path
        let curves = try CLIRunner.run(["curves", "--model", model, "--data", data, "--labels", "3", "--out", curvesDir])
        #expect(curves.status == 0, "\(curves.stderr)")
        for name in ["roc.svg", "pr.svg", "roc.csv", "pr.csv", "training-loss.svg", "history.csv"] {
            #expect(FileManager.default.fileExists(atPath: curvesDir + "/" + name), "missing \(name)")
        }
        let svg = try String(contentsOfFile: curvesDir + "/roc.svg", encoding: .utf8)
        let parsed = try #require(SVGCollector.parse(svg), "roc.svg is not well-formed XML")
        let series = parsed.elements.filter { $0.name == "polyline" }.compactMap { $0.attributes["data-series"] }
        #expect(series.count == 4)
        #expect(series.first?.hasPrefix("micro-average (AUC ") == true)
        #expect(series.contains { $0.hasPrefix("sunny (AUC 0.") || $0 == "sunny (AUC 1.000)" })
        let roc = Self.csvRows(try String(contentsOfFile: curvesDir + "/roc.csv", encoding: .utf8))
        #expect(roc.first == ["series", "fpr", "tpr", "threshold_logit"])
        #expect(Set(roc.dropFirst().map { $0[0] }) == ["sunny", "windy", "cold", "micro-average"])
        #expect(SVGCollector.parse(try String(contentsOfFile: curvesDir + "/training-loss.svg", encoding: .utf8)) != nil)
    }

    @Test func multiClassPipeline() throws {
        let dir = try CLITestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("colors.arff").path
        try CLITestData.multiClassARFF().write(toFile: data, atomically: true, encoding: .utf8)
        let model = dir.appendingPathComponent("colors.safetensors").path
        let train = try CLIRunner.run(["train", "--data", data, "--test", data, "--out", model] + Self.fastTraining)
        #expect(train.status == 0, "train failed: \(train.stderr)")
        #expect(train.stdout.contains("Test metrics (48 rows"))
        // Small data with a test set: early stopping on a validation split, then a refit on all rows.
        #expect(train.stdout.contains("refit on all 48 rows"), "\(train.stdout)")
        let history = try Self.json(String(contentsOfFile: dir.appendingPathComponent("colors.history.json").path, encoding: .utf8))
        let best = try #require((history["result"] as? [String: Any])?["bestEpoch"] as? Int)
        #expect((history["refit"] as? [Any])?.count == best)
        #expect(train.stdout.contains("accuracy") && train.stdout.contains("multiclass"))
        #expect(try ModelFile.read(from: URL(fileURLWithPath: model)).labelNames == ["red", "green", "blue"])

        let ej = try Self.json(try CLIRunner.run(["evaluate", "--model", model, "--data", data, "--json"]).stdout)
        let accuracy = try #require(ej["accuracy"] as? Double)
        #expect(accuracy >= 0 && accuracy <= 1)
        #expect((ej["confusion_matrix"] as? [[Int]])?.flatMap { $0 }.reduce(0, +) == 48)

        let predicted = try CLIRunner.run(["predict", "--model", model, "--data", data])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let rows = Self.csvRows(predicted.stdout).dropFirst()
        #expect(rows.count == 48)
        for row in rows {
            let p = row[2...4].compactMap(Double.init)
            #expect(abs(p.reduce(0, +) - 1) < 1e-5, "softmax rows sum to 1")
            let best = ["red", "green", "blue"][p.indices.max { p[$0] < p[$1] } ?? 0]
            #expect(row[1] == best)
        }
        let curves = try CLIRunner.run(["curves", "--model", model, "--data", data, "--out", dir.appendingPathComponent("c").path])
        #expect(curves.status == 0, "\(curves.stderr)")
    }
}

extension EndToEndTests {
    /// A CSV file that names only some of the classes (CSV class names come from the values
    /// present) is matched to the model's classes by name; an unknown class is an error.
    @Test func classesAreMatchedByName() throws {
        let dir = try CLITestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = CLITestData.features(rows: 40, seed: 5).map { x -> (String, String) in
            let c = x[0] > 0.3 ? "red" : (x[1] > 0 ? "green" : "blue")
            return (x.map { String($0) }.joined(separator: ","), c)
        }
        let header = "x1,x2,x3,x4,class\n"
        let all = dir.appendingPathComponent("all.csv").path, some = dir.appendingPathComponent("some.csv").path
        try (header + rows.map { "\($0.0),\($0.1)" }.joined(separator: "\n") + "\n").write(toFile: all, atomically: true, encoding: .utf8)
        let noRed = rows.filter { $0.1 != "red" }
        try (header + noRed.map { "\($0.0),\($0.1)" }.joined(separator: "\n") + "\n").write(toFile: some, atomically: true, encoding: .utf8)
        let model = dir.appendingPathComponent("m.safetensors").path
        let train = try CLIRunner.run(["train", "--data", all, "--test", some, "--out", model] + Self.fastTraining)
        #expect(train.status == 0, "\(train.stderr)")
        let file = try ModelFile.read(from: URL(fileURLWithPath: model))
        let ej = try Self.json(try CLIRunner.run(["evaluate", "--model", model, "--data", some, "--json"]).stdout)
        let confusion = try #require(ej["confusion_matrix"] as? [[Int]])
        let red = try #require(file.labelNames.firstIndex(of: "red"))
        #expect(confusion.count == 3 && confusion[red].reduce(0, +) == 0, "no true 'red' row in the file")
        #expect(confusion.flatMap { $0 }.reduce(0, +) == noRed.count)
        let bad = dir.appendingPathComponent("bad.csv").path
        try (header + "0.1,0.2,0.3,0.4,purple\n").write(toFile: bad, atomically: true, encoding: .utf8)
        CLIErrorTests.expectUserError(try CLIRunner.run(["evaluate", "--model", model, "--data", bad]), mentions: ["purple", "bad.csv"])
    }
}

/// Exit codes and messages for bad input.
@Suite(.enabled(if: CLIRunner.executableURL != nil, "logits binary not built"))
struct CLIErrorTests {
    static func expectUserError(_ r: CLIRunner.Result, mentions needles: [String], _ comment: Comment? = nil) {
        #expect(r.status == 1, "expected exit 1, got \(r.status): \(r.stderr)")
        #expect(r.stderr.hasPrefix("error: "), "stderr: \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "one-line message: \(r.stderr)")
        for n in needles { #expect(r.stderr.contains(n), "message should mention '\(n)': \(r.stderr)") }
    }

    @Test func usageErrorsExitTwo() throws {
        let bogus = try CLIRunner.run(["train", "--bogus"])
        #expect(bogus.status == 2)
        #expect(bogus.stderr.contains("--bogus"))
        let epochs = try CLIRunner.run(["train", "--epochs", "0"])
        #expect(epochs.status == 2)
        #expect(epochs.stderr.contains("--epochs"))
        let missing = try CLIRunner.run(["evaluate", "--data", "x.arff"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("--model"))
        let help = try CLIRunner.run(["--help"])
        #expect(help.status == 0 && help.stdout.contains("train"))
    }

    @Test func badFilesExitOneWithAMessage() throws {
        let dir = try CLITestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("d.arff").path
        try CLITestData.multiLabelARFF().write(toFile: data, atomically: true, encoding: .utf8)
        let model = dir.appendingPathComponent("m.safetensors").path
        let train = try CLIRunner.run(["train", "--data", data, "--labels", "3", "--out", model, "--no-tune-thresholds"] + EndToEndTests.fastTraining)
        #expect(train.status == 0, "\(train.stderr)")

        Self.expectUserError(try CLIRunner.run(["evaluate", "--model", dir.appendingPathComponent("none.safetensors").path, "--data", data]),
                             mentions: ["none.safetensors", "does not exist"])
        Self.expectUserError(try CLIRunner.run(["train", "--data", dir.appendingPathComponent("nope.arff").path]),
                             mentions: ["nope.arff"])

        // A truncated model file.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: model))
        let truncated = dir.appendingPathComponent("truncated.safetensors").path
        try bytes.prefix(bytes.count - 10).write(to: URL(fileURLWithPath: truncated))
        Self.expectUserError(try CLIRunner.run(["evaluate", "--model", truncated, "--data", data, "--labels", "3"]),
                             mentions: ["truncated.safetensors", "truncated"])
        // Garbage header.
        let garbage = dir.appendingPathComponent("garbage.safetensors").path
        try Data([16, 0, 0, 0, 0, 0, 0, 0] + Array("{not json at all".utf8)).write(to: URL(fileURLWithPath: garbage))
        Self.expectUserError(try CLIRunner.run(["predict", "--model", garbage], stdin: "1,2,3,4\n"),
                             mentions: ["garbage.safetensors", "header"])
        // Another format version.
        let (tensors, metadata) = try SafeTensors.read(from: URL(fileURLWithPath: model))
        var future = metadata
        future[ModelFile.Key.formatVersion] = "99"
        let futurePath = dir.appendingPathComponent("future.safetensors")
        try SafeTensors.write(tensors, metadata: future, to: futurePath)
        Self.expectUserError(try CLIRunner.run(["evaluate", "--model", futurePath.path, "--data", data, "--labels", "3"]),
                             mentions: ["version 99", "version \(ModelFile.formatVersion)"])
        // A missing tensor.
        let missingPath = dir.appendingPathComponent("missing.safetensors")
        try SafeTensors.write(tensors.filter { $0.name != "2.weight" }, metadata: metadata, to: missingPath)
        Self.expectUserError(try CLIRunner.run(["predict", "--model", missingPath.path], stdin: "1,2,3,4\n"),
                             mentions: ["2.weight"])

        // Input that does not fit the model.
        Self.expectUserError(try CLIRunner.run(["predict", "--model", model], stdin: "1,2,3\n"), mentions: ["stdin:1", "expected 4"])
        Self.expectUserError(try CLIRunner.run(["predict", "--model", model], stdin: "1,2,3,4\n1,x,3,4\n"), mentions: ["stdin:2", "field 2", "\"x\""])
        let wide = dir.appendingPathComponent("wide.arff").path
        try CLITestData.multiLabelARFF().replacingOccurrences(of: "@attribute x4 numeric\n", with: "@attribute x4 numeric\n@attribute x5 numeric\n")
            .split(separator: "\n").map { line in
                line.first.map { $0.isNumber || $0 == "-" } == true ? "0.5," + line : String(line)
            }.joined(separator: "\n").write(toFile: wide, atomically: true, encoding: .utf8)
        Self.expectUserError(try CLIRunner.run(["evaluate", "--model", model, "--data", wide, "--labels", "3"]),
                             mentions: ["wide.arff", "unknown column(s) x5"])
        // A malformed data file: the loader's message (file and line) comes through.
        let broken = dir.appendingPathComponent("broken.arff").path
        try (CLITestData.multiLabelARFF() + "1,2,oops,4,0,1,0\n").write(toFile: broken, atomically: true, encoding: .utf8)
        Self.expectUserError(try CLIRunner.run(["evaluate", "--model", model, "--data", broken, "--labels", "3"]), mentions: ["broken.arff"])
        // A model without tuned thresholds says so.
        let plain = try CLIRunner.run(["evaluate", "--model", model, "--data", data, "--labels", "3"])
        #expect(plain.stdout.contains("threshold 0.5 (the model stores no tuned thresholds)"), "\(plain.stdout)")
    }
}
