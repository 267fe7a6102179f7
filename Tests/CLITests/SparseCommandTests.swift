import Foundation
import Testing

/// Sparse (LIBSVM) input through the commands: a tiny file whose largest index makes the
/// network too big stops with one line before the model or any per-column statistics are
/// allocated; `--tfidf` models predict the same on the sparse file and on its dense copy.
@Suite(.enabled(if: CLIRunner.executableURL != nil, "logits binary not built"))
struct SparseCommandTests {
    @Test func hugeIndexStopsBeforeTheModelIsAllocated() throws {
        let dir = try CLITestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("wide.svm").path
        try "0 1:1 3:2\n1 1000000:1\n0 2:1\n1 1:1 5:1\n".write(toFile: data, atomically: true, encoding: .utf8)
        let start = Date()
        // 64 bytes per column load fine within 200 MB; 1,000,000 x 256 weights with Adam state do not.
        let r = try CLIRunner.run(["train", "--data", data, "--max-memory", "200M", "--out", dir.appendingPathComponent("m.safetensors").path])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("1000000 -> 256") && r.stderr.contains("memory budget"), "\(r.stderr)")
        #expect(Date().timeIntervalSince(start) < 60)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("m.safetensors").path))
    }

    /// A zero-based file (scikit-learn's `dump_svmlight_file` default) trains with the default
    /// `--index-base auto`; its test file, and a file given to `predict`, read with the training
    /// file's base even when they lack index 0 (the same row predicts the same in both files).
    @Test func zeroBasedFilesReadWithTheTrainingBase() throws {
        let dir = try CLITestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var lines: [String] = []
        for r in 0..<40 { lines.append("\(r % 2) \(r % 2 == 0 ? "0" : "1"):1 \(2 + r % 3):0.5") }
        let train = dir.appendingPathComponent("train0.svm").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: train, atomically: true, encoding: .utf8)
        let test = dir.appendingPathComponent("test0.svm").path  // no index 0 in it
        try "1 1:1 3:0.5\n1 1:1 2:0.5\n".write(toFile: test, atomically: true, encoding: .utf8)
        let model = dir.appendingPathComponent("m.safetensors").path
        let run = try CLIRunner.run(["train", "--data", train, "--test", test, "--hidden", "4", "--epochs", "3", "--no-select", "--out", model])
        #expect(run.status == 0, "\(run.stderr)")
        let onTest = try CLIRunner.run(["predict", "--model", model, "--data", test])
        let onTrain = try CLIRunner.run(["predict", "--model", model, "--data", train])
        #expect(onTest.status == 0 && onTrain.status == 0, "\(onTest.stderr) \(onTrain.stderr)")
        // Row 1 of the training file is "1 1:1 3:0.5", the first row of the test file.
        let a = onTest.stdout.split(separator: "\n"), b = onTrain.stdout.split(separator: "\n")
        #expect(a.count == 3 && b.count == 41)
        #expect(a[1].split(separator: ",").dropFirst() == b[2].split(separator: ",").dropFirst(), "\(a[1]) vs \(b[2])")
        let strict = try CLIRunner.run(["train", "--data", train, "--index-base", "1"])
        #expect(strict.status == 1 && strict.stderr.contains("train0.svm:1") && strict.stderr.contains("index 0"), "\(strict.stderr)")
    }

    @Test func tfidfModelPredictsTheSameOnSparseAndDenseInput() throws {
        let dir = try CLITestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Term counts (LIBSVM, 2 labels): label 0 goes with terms 1-3, label 1 with terms 4-6.
        var lines: [String] = []
        for r in 0..<80 {
            let a = r % 2 == 0, b = r % 3 == 0
            var terms: [String] = []
            for t in 1...8 where (a && t <= 3) || (b && (4...6).contains(t)) || (t == 7 + r % 2) {
                terms.append("\(t):\(1 + (r + t) % 4)")
            }
            let labels = [a ? "0" : nil, b ? "1" : nil].compactMap { $0 }.joined(separator: ",")
            lines.append(labels + " " + terms.joined(separator: " "))
        }
        let data = dir.appendingPathComponent("counts.svm").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: data, atomically: true, encoding: .utf8)
        let model = dir.appendingPathComponent("tfidf.safetensors").path
        let train = try CLIRunner.run(["train", "--data", data, "--labels", "2", "--tfidf", "--sublinear-tf", "--hidden", "8",
                                       "--epochs", "5", "--out", model, "--json"])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("tfidf-sublinear"), "the plan in --json names the term weighting")
        let sparse = try CLIRunner.run(["predict", "--model", model, "--data", data, "--labels", "2", "--sparse"])
        let dense = try CLIRunner.run(["predict", "--model", model, "--data", data, "--labels", "2", "--dense"])
        #expect(sparse.status == 0 && dense.status == 0, "\(sparse.stderr) \(dense.stderr)")
        // Same rows, decisions and header; numbers within 1e-5 (the sparse kernel sums in another order than GEMM).
        let a = sparse.stdout.split(separator: "\n"), b = dense.stdout.split(separator: "\n")
        #expect(a.count == 81 && a.count == b.count)
        for (x, y) in zip(a, b) {
            for (u, v) in zip(x.split(separator: ",", omittingEmptySubsequences: false), y.split(separator: ",", omittingEmptySubsequences: false)) {
                if let p = Double(u), let q = Double(v), u.contains(".") || v.contains(".") {
                    #expect(abs(p - q) <= 1e-5 * max(1, abs(q)), "\(x) vs \(y)")
                } else {
                    #expect(u == v, "\(x) vs \(y)")
                }
            }
        }
        let usage = try CLIRunner.run(["train", "--data", data, "--sublinear-tf"])
        #expect(usage.status == 2 && usage.stderr.contains("--tfidf"), "\(usage.stderr)")
    }
}
