import Foundation
import Logits
import LogitsTestSupport
import Testing

/// Runs the built `logits` binary and `python3` for the export tests.
enum ExportTestSupport {
    typealias Result = ProcessRunner.Result

    /// The package root, from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The bundled yeast files.
    static func yeast(_ name: String) -> String {
        packageRoot.appendingPathComponent("Sources/logits/Resources/yeast/\(name)").path
    }

    /// `../shared/data/fashion-mnist` next to the package, if present.
    static let fashionMNIST: URL? = {
        let dir = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/fashion-mnist")
        return FileManager.default.fileExists(atPath: dir.appendingPathComponent("t10k-images-idx3-ubyte.gz").path) ? dir : nil
    }()

    /// The `logits` binary next to the test bundle.
    static var logitsBinary: URL? { ProcessRunner.builtExecutable("logits") }

    /// Runs `logits args...`.
    static func logits(_ args: [String]) throws -> Result {
        let exe = try #require(logitsBinary, "the logits binary is not built next to the tests")
        return try run(exe, args)
    }

    /// Runs `python3 args...` (through /usr/bin/env, so the PATH's python is used).
    static func python(_ args: [String]) throws -> Result {
        try run(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + args)
    }

    /// The Python modules the ONNX checks need. The checks fail (never skip) without them.
    static func requirePython(_ modules: String) throws {
        let r = try python(["-c", "import \(modules)"])
        try #require(r.status == 0, "python3 cannot import \(modules) (pip install numpy safetensors onnx onnxruntime): \(r.stderr.suffix(300))")
    }

    /// A script in tests/python.
    static func script(_ name: String) -> String { packageRoot.appendingPathComponent("tests/python/\(name)").path }

    static func run(_ exe: URL, _ args: [String]) throws -> Result { try ProcessRunner.run(exe, args) }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("logits-export-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Writes `m` as raw little-endian float32, row-major.
    static func writeFloat32(_ m: Matrix, to url: URL) throws {
        var bytes = [UInt8]()
        bytes.reserveCapacity(m.storage.count * 4)
        for v in m.storage {
            let b = v.bitPattern.littleEndian
            bytes.append(contentsOf: [UInt8(truncatingIfNeeded: b), UInt8(truncatingIfNeeded: b >> 8),
                                      UInt8(truncatingIfNeeded: b >> 16), UInt8(truncatingIfNeeded: b >> 24)])
        }
        try Data(bytes).write(to: url)
    }
}
