import Foundation
import LogitsTestSupport

/// Runs the built `logits` executable (the one next to the test bundle in the build folder) and
/// captures its output. Shared by the CLI end-to-end tests.
struct CLIRunner {
    typealias Result = ProcessRunner.Result

    /// The `logits` binary in the same build products folder as the running test bundle, if built.
    static var executableURL: URL? { ProcessRunner.builtExecutable("logits") }

    /// The package root, found from this source file's path.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs `logits args...` with optional standard input; returns status and both streams.
    static func run(_ args: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        guard let exe = executableURL else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "logits binary not built next to the tests"])
        }
        return try ProcessRunner.run(exe, args, stdin: stdin ?? "", environment: environment)
    }
}
