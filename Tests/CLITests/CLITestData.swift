import Foundation

/// Small data sets written by the CLI tests, deterministic (a fixed linear congruential sequence).
enum CLITestData {
    /// Uniform values in [-1, 1) from a fixed seed.
    static func values(count: Int, seed: UInt64) -> [Double] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
    }

    static let featureCount = 4

    /// Rows of 4 features.
    static func features(rows: Int, seed: UInt64) -> [[Double]] {
        let v = values(count: rows * featureCount, seed: seed)
        return (0..<rows).map { r in (0..<featureCount).map { (v[r * featureCount + $0] * 1000).rounded() / 1000 } }
    }

    /// Multi-label ARFF: 4 numeric features, 3 labels `{0,1}` (the last 3 attributes).
    static func multiLabelARFF(rows: Int = 48, seed: UInt64 = 1) -> String {
        var s = "@relation cli-multilabel\n\n"
        for j in 1...featureCount { s += "@attribute x\(j) numeric\n" }
        for name in ["sunny", "windy", "cold"] { s += "@attribute \(name) {0,1}\n" }
        s += "\n@data\n"
        for x in features(rows: rows, seed: seed) {
            let labels = [x[0] > 0, x[1] + x[2] > 0, x[3] < -0.2 || x[0] > 0.8].map { $0 ? "1" : "0" }
            s += (x.map { String($0) } + labels).joined(separator: ",") + "\n"
        }
        return s
    }

    /// Multi-class ARFF: 4 numeric features and a nominal `class` attribute with 3 classes.
    static func multiClassARFF(rows: Int = 48, seed: UInt64 = 2) -> String {
        var s = "@relation cli-multiclass\n\n"
        for j in 1...featureCount { s += "@attribute x\(j) numeric\n" }
        s += "@attribute class {red,green,blue}\n\n@data\n"
        for x in features(rows: rows, seed: seed) {
            let c = x[0] > 0.3 ? "red" : (x[1] > 0 ? "green" : "blue")
            s += (x.map { String($0) } + [c]).joined(separator: ",") + "\n"
        }
        return s
    }

    /// Feature-only CSV rows (no header, no labels).
    static func featureCSV(rows: Int, seed: UInt64 = 3) -> String {
        features(rows: rows, seed: seed).map { $0.map { String($0) }.joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("logits-cli-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
