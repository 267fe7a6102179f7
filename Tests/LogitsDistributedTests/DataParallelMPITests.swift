import Foundation
import Logits
import Testing

/// `logits-mpi` under `mpirun --oversubscribe --allow-run-as-root -np N`: N ranks train the model
/// one process trains (same global batch, dropout off), keep identical weights, and fail cleanly.
@Suite("logits-mpi on Open MPI", .serialized)
struct DataParallelMPITests {
    static var yeast: String {
        MPIRunner.packageRoot.appendingPathComponent("Sources/logits/Resources/yeast/yeast-train.arff").path
    }

    /// The first 600 Fashion-MNIST test images (all 10 classes) as uncompressed IDX files
    /// (`train-images-idx3-ubyte` + labels), written once per machine from
    /// `../shared/data/fashion-mnist` next to the package (IDX parses fastest in a debug build).
    static let fashionSubset: Result<String, MPIRunner.Failure> = {
        let source = MPIRunner.packageRoot.appendingPathComponent("../shared/data/fashion-mnist/t10k-images-idx3-ubyte.gz")
            .standardized.path
        guard FileManager.default.fileExists(atPath: source) else {
            return .failure(MPIRunner.Failure(description: "Fashion-MNIST fixture missing: \(source)"))
        }
        let rows = 600
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("logits-mpi-fashion-\(rows)")
        let images = dir.appendingPathComponent("train-images-idx3-ubyte"), labels = dir.appendingPathComponent("train-labels-idx1-ubyte")
        if FileManager.default.fileExists(atPath: images.path) && FileManager.default.fileExists(atPath: labels.path) {
            return .success(images.path)
        }
        do {
            let all = try Dataset.load(from: source)
            guard case .classIndices(let y) = all.targets, all.featureCount == 784, all.count >= rows else {
                return .failure(MPIRunner.Failure(description: "Fashion-MNIST did not load as 28x28 images with classes"))
            }
            func header(_ magic: UInt32, _ dims: [UInt32]) -> [UInt8] {
                ([magic] + dims).flatMap { v in [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
            }
            // The loader scales pixels to [0, 1] as b / 255; round(x * 255) gives the bytes back.
            let pixels = all.features.storage.prefix(rows * 784).map { UInt8(($0 * 255).rounded()) }
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data(header(2049, [UInt32(rows)]) + y.prefix(rows).map { UInt8($0) }).write(to: labels, options: .atomic)
            try Data(header(2051, [UInt32(rows), 28, 28]) + pixels).write(to: images, options: .atomic)
            return .success(images.path)
        } catch {
            return .failure(MPIRunner.Failure(description: "cannot build the Fashion-MNIST subset: \(error)"))
        }
    }()

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var options: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // 1 500 rows, 103 features, 14 labels; 15 % validation: 1 275 training rows, batch 64
        // (the last batch has 59 rows).
        Case(name: "yeast", options: ["--hidden", "64", "--epochs", "5", "--batch", "64", "--dropout", "0",
                                      "--validation", "0.15", "--patience", "12", "--seed", "3"]),
        // 600 rows, 784 features, 10 classes; batch 60 (15 rows per rank with 4 ranks).
        Case(name: "fashion-mnist subset", options: ["--hidden", "32", "--epochs", "5", "--batch", "60", "--dropout", "0",
                                                     "--validation", "0", "--weight-decay", "0.01", "--lr", "0.002", "--seed", "1"]),
    ]

    static func dataPath(_ c: Case) throws -> String {
        c.name == "yeast" ? yeast : try fashionSubset.get()
    }

    struct Run {
        var trainLoss: [Double]
        var validationLoss: [Double]
        var parameters: [Float]
        var stdout: String
    }

    static func train(_ c: Case, ranks: Int?, extra: [String] = []) throws -> Run {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("logits-mpi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("model.safetensors")
        let args = ["train", "--data", try dataPath(c), "--out", model.path] + c.options + extra + (ranks == nil ? ["--local"] : [])
        let o = try MPIRunner.run(ranks: ranks, args)
        guard o.status == 0 else {
            throw MPIRunner.Failure(description: "logits-mpi exited \(o.status): \(o.stderr.suffix(2000))")
        }
        let history = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("model.history.json")))
        guard let root = history as? [String: Any], let result = root["result"] as? [String: Any],
              let epochs = result["history"] as? [[String: Any]] else {
            throw MPIRunner.Failure(description: "unexpected history JSON")
        }
        let classifier = try Classifier.read(from: model)
        return Run(trainLoss: epochs.compactMap { ($0["trainLoss"] as? NSNumber)?.doubleValue },
                   validationLoss: epochs.compactMap { ($0["validationLoss"] as? NSNumber)?.doubleValue },
                   parameters: classifier.network.parameters.flatMap(\.value.storage), stdout: o.stdout)
    }

    /// max |a - b| / max(1, max |b|).
    static func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        let scale = max(1, b.map { Double(abs($0)) }.max() ?? 0)
        return zip(a, b).map { Double(abs($0 - $1)) }.max().map { $0 / scale } ?? .infinity
    }

    static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) / max(1e-12, abs($1)) }.max() ?? .infinity
    }

    @Test("N = 2 and 4 ranks: per-epoch loss and final weights equal the one-process run within 1e-4; checksums identical every epoch",
          arguments: cases)
    func sameModelAsOneProcess(_ c: Case) throws {
        let single = try Self.train(c, ranks: nil)
        #expect(single.trainLoss.count == 5)
        for ranks in [2, 4] {
            let run = try Self.train(c, ranks: ranks, extra: ["--check-sync"])
            #expect(run.trainLoss.count == 5)
            let lossError = Self.relativeError(run.trainLoss, single.trainLoss)
            let weightError = Self.relativeError(run.parameters, single.parameters)
            #expect(lossError < 1e-4, "\(ranks) ranks: train loss \(run.trainLoss) vs \(single.trainLoss)")
            #expect(weightError < 1e-4, "\(ranks) ranks: weights differ by \(weightError)")
            if !single.validationLoss.isEmpty {
                #expect(Self.relativeError(run.validationLoss, single.validationLoss) < 1e-4)
            }
            #expect(run.parameters.count == single.parameters.count)
            for epoch in 1...5 {
                #expect(run.stdout.contains("epoch \(epoch): parameter checksum 0x"), "missing checksum line for epoch \(epoch)")
            }
            let synced = run.stdout.components(separatedBy: "identical on \(ranks) ranks").count - 1
            #expect(synced == 5, "\(run.stdout)")
            // Rank 0 alone reports and writes.
            #expect(run.stdout.components(separatedBy: "Saved ").count - 1 == 1)
            #expect(run.stdout.components(separatedBy: "Trained ").count - 1 == 1)
            print("\(c.name), \(ranks) ranks: loss rel. error \(lossError), weight rel. error \(weightError)")
        }
        // The training really changed the loss (the comparison is not of constant runs).
        #expect(abs(single.trainLoss[4] - single.trainLoss[0]) > 1e-3)
    }

    @Test("Killing one rank mid-epoch ends the job within 30 s, non-zero, naming the rank, with no orphaned rank")
    func killedRank() throws {
        let args = ["train", "--data", Self.yeast, "--hidden", "32", "--epochs", "500", "--batch", "32",
                    "--dropout", "0", "--validation", "0", "--patience", "0",
                    "--out", FileManager.default.temporaryDirectory.appendingPathComponent("never-\(UUID().uuidString).safetensors").path]
        var killedAt: Date?
        var killedPID: Int32?
        let o = try MPIRunner.run(ranks: 2, args, timeout: 120) { _, kids, stderr in
            guard killedAt == nil, stderr.contains("epoch 2/") else { return }
            for pid in kids where MPIRunner.rank(of: pid) == 1 {
                kill(pid, SIGKILL)
                killedPID = pid
                killedAt = Date()
            }
        }
        guard let killedAt, let killedPID else {
            Issue.record("rank 1 was never found or training ended before the kill: \(o.stderr.suffix(1000))")
            return
        }
        let afterKill = Date().timeIntervalSince(killedAt)  // includes the runner's wait of up to 2 s for reaping
        #expect(o.status != 0)
        #expect(afterKill < 30, "the job took \(afterKill) s to end after the kill")
        let text = o.stdout + o.stderr
        #expect(text.contains("rank 1"), "the message must name the killed rank: \(text.suffix(1500))")
        #expect(o.rankPIDs.contains(killedPID))
        #expect(o.rankPIDs.count == 2)
        #expect(o.survivors.isEmpty, "orphaned rank processes: \(o.survivors)")
    }

    @Test("A rank that fails mid-training aborts the job: exit 1, one line naming the rank, no orphans")
    func failingRank() throws {
        let o = try MPIRunner.run(ranks: 2, ["train", "--data", Self.yeast, "--hidden", "16", "--epochs", "50", "--dropout", "0",
                                             "--validation", "0", "--debug-fail-rank", "1", "--debug-fail-epoch", "2",
                                             "--out", "/nonexistent/never.safetensors"], timeout: 60)
        #expect(o.status == 1)
        #expect(o.seconds < 30)
        #expect(o.stderr.contains("error: rank 1 of 2: simulated failure of rank 1 in epoch 2"), "\(o.stderr.suffix(1500))")
        #expect(o.survivors.isEmpty, "orphaned rank processes: \(o.survivors)")
    }

    @Test("Bad input before training: exit 1 and one error line from one rank (no abort, no hang)")
    func badInput() throws {
        let o = try MPIRunner.run(ranks: 2, ["train", "--data", "/nonexistent/train.csv"], timeout: 60)
        #expect(o.status == 1)
        let lines = o.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
        #expect(lines == ["error: rank 0 of 2: data file '/nonexistent/train.csv' does not exist or is a directory"], "\(o.stderr)")
        #expect(o.survivors.isEmpty)
    }

    @Test("A usage error exits 2 with the message printed once")
    func usageError() throws {
        let o = try MPIRunner.run(ranks: 2, ["train", "--data", Self.yeast, "--batch", "0"], timeout: 60)
        #expect(o.status == 2)
        #expect(o.stderr.components(separatedBy: "--batch must be positive").count - 1 == 1, "\(o.stderr)")
    }
}
