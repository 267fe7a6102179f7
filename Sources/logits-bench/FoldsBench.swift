import ArgumentParser
import Foundation
import Logits

/// `logits-bench folds`: time to build K stratified folds (`Dataset.foldIndices(k:seed:)`) and
/// their quality (Sechidis et al.'s LD, ED and FLZ, `FoldQuality`), per seed.
///
/// `seconds` is the wall time of `foldIndices` alone (the data set is loaded once, before), best
/// of `--repeat` builds. With `--out FILE`, writes a JSON object with the folds of every seed and
/// each row's positive labels (`labels_of_rows`, or `classes` for class indices), which
/// `scripts/compare_folds_ld.py` reads to compare with the PyPI `iterative-stratification` package.
struct FoldsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "folds",
        abstract: "K-fold build time and label-distribution quality (LD/ED/FLZ) on a data file.")

    @Option(help: "Data file (default: delicious/delicious.arff under ../shared/data, all 16105 rows).") var file: String?
    @Option(name: .customShort("k"), help: "Number of folds.") var folds = 5
    @Option(help: "Comma-separated seeds.") var seeds = "0,1,2,3,4"
    @Option(help: "Timed builds per seed (best is reported).") var `repeat` = 1
    @Option(help: "Iterative-stratification runs scored per build (the lowest LD is kept; 1 = plain Algorithm 1).")
    var restarts = KFold.defaultRestarts
    @Option(help: "Write folds and row labels as JSON to this file.") var out: String?
    @Flag(help: "Print one JSON line per seed.") var json = false

    func run() throws {
        let path = try file ?? Self.defaultFile()
        let seedList = try seeds.split(separator: ",").map { text -> UInt64 in
            guard let s = UInt64(text.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("--seeds: '\(text)' is not a non-negative integer") }
            return s
        }
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be >= 1") }
        guard restarts >= 1 else { throw ValidationError("--restarts must be >= 1") }
        let loadStart = Date()
        let ds = try Dataset.load(from: path)
        let loadSeconds = Date().timeIntervalSince(loadStart)
        if !json {
            print("\(path): \(ds.count) rows, \(ds.labelNames.count) labels/classes, loaded in \(String(format: "%.2f", loadSeconds)) s; k = \(folds), restarts = \(restarts)")
            print("seed   seconds   LD          ED      FLZ")
        }
        var runs: [[String: Any]] = []
        for seed in seedList {
            var best = Double.infinity
            var result: [[Int]] = []
            for _ in 0..<`repeat` {
                let start = Date()
                result = try ds.foldIndices(k: folds, seed: seed, restarts: restarts)
                best = min(best, Date().timeIntervalSince(start))
            }
            let ld = FoldQuality.labelDistribution(folds: result, targets: ds.targets, classCount: ds.labelNames.count)
            let ed = FoldQuality.examplesDistribution(folds: result, count: ds.count)
            let flz = FoldQuality.zeroPositivePairs(folds: result, targets: ds.targets, classCount: ds.labelNames.count)
            let line: [String: Any] = ["seed": seed, "seconds": best, "ld": ld, "ed": ed, "flz": flz, "k": folds, "rows": ds.count,
                                       "restarts": restarts]
            if json {
                let data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(String(format: "%-6llu %-9.4f %-11.3e %-7.2f %d", seed, best, ld, ed, flz))
            }
            var run = line
            run["folds"] = result
            runs.append(run)
        }
        if let out {
            var object: [String: Any] = ["file": path, "rows": ds.count, "k": folds, "runs": runs,
                                         "outputs": ds.labelNames.count]
            switch ds.targets {
            case .classIndices(let y): object["classes"] = y
            case .matrix(let m):
                object["labels_of_rows"] = (0..<m.rows).map { r in (0..<m.cols).filter { m[r, $0] != 0 } }
            }
            let data = try JSONSerialization.data(withJSONObject: object)
            try data.write(to: URL(fileURLWithPath: out), options: .atomic)
        }
    }

    /// `delicious/delicious.arff` in `../shared/data` (searched upwards from the current folder).
    static func defaultFile() throws -> String {
        var url = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0..<6 {
            for candidate in [url.appendingPathComponent("../shared/data"), url.appendingPathComponent("shared/data")] {
                let file = candidate.appendingPathComponent("delicious/delicious.arff").standardized
                if FileManager.default.fileExists(atPath: file.path) { return file.path }
            }
            url.deleteLastPathComponent()
        }
        throw ValidationError("cannot find shared/data/delicious/delicious.arff; pass --file")
    }
}
