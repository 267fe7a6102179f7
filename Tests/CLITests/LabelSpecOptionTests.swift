import Foundation
import Logits
import Testing

/// `--labels set:NAME`, `column:NAME` and `prefix:STR` through the built binary, on CSV files.
@Suite(.enabled(if: CLIRunner.executableURL != nil, "logits binary not built"))
struct LabelSpecOptionTests {
    static let fastTraining = ["--epochs", "3", "--batch", "8", "--hidden", "4", "--dropout", "0", "--validation", "0"]

    /// Two numeric features, then the target columns given by `target(x1, x2)`.
    static func csv(header: String, rows: Int, target: (Double, Double) -> String) -> String {
        var lines = ["x1,x2," + header]
        for i in 0..<rows {
            let x1 = Double(i % 7) - 3, x2 = Double(i % 5) - 2
            lines.append("\(x1),\(x2),\(target(x1, x2))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func train(_ csv: String, labels: String) throws -> (CLIRunner.Result, ModelFile?) {
        let dir = try CLITestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("shop.csv").path
        try csv.write(toFile: data, atomically: true, encoding: .utf8)
        let model = dir.appendingPathComponent("m.safetensors")
        let r = try CLIRunner.run(["train", "--data", data, "--labels", labels, "--out", model.path] + Self.fastTraining)
        return (r, r.status == 0 ? try ModelFile.read(from: model) : nil)
    }

    @Test func labelSetColumn() throws {
        let csv = Self.csv(header: "tags", rows: 40) { x1, x2 in
            [x1 > 0 ? "a" : nil, x2 > 0 ? "b" : nil].compactMap { $0 }.joined(separator: "|")
        }
        let (r, file) = try train(csv, labels: "set:tags")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(file?.labelNames.sorted() == ["a", "b"])
        #expect(file?.featureNames == ["x1", "x2"])
        #expect(file?.task == TaskDescription(.multiLabel(labels: 2)))
    }

    @Test func classColumn() throws {
        let csv = Self.csv(header: "kind", rows: 40) { x1, _ in x1 > 0 ? "pos" : "neg" }
        let (r, file) = try train(csv, labels: "column:kind")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(file?.labelNames.sorted() == ["neg", "pos"])
        #expect(file?.task == TaskDescription(.multiClass(classes: 2)))
    }

    @Test func prefixedColumns() throws {
        let csv = Self.csv(header: "is_a,is_b", rows: 40) { x1, x2 in "\(x1 > 0 ? 1 : 0),\(x2 > 0 ? 1 : 0)" }
        let (r, file) = try train(csv, labels: "prefix:is_")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(file?.labelNames == ["is_a", "is_b"])
        #expect(file?.featureNames == ["x1", "x2"])
    }

    @Test func unknownFormIsTreatedAsAName() throws {
        let csv = Self.csv(header: "is_a", rows: 10) { x1, _ in x1 > 0 ? "1" : "0" }
        let (r, _) = try train(csv, labels: "no:such")
        #expect(r.status == 1)
        #expect(r.stderr.contains("no:such"), "\(r.stderr)")
    }
}
