import Foundation

/// Runs the built `logits` executable (the one next to the test bundle in the build folder) and
/// captures its output. Shared by the CLI end-to-end tests.
struct CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `logits` binary in the same build products folder as the running test bundle, if built.
    static var executableURL: URL? {
        let here = URL(fileURLWithPath: CommandLine.arguments.first ?? "")
        var dir = here.deletingLastPathComponent()
        // On Linux the runner is `<products>/LogitsPackageTests.xctest`; on macOS it lives inside
        // `<products>/LogitsPackageTests.xctest/Contents/MacOS/`.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("logits")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// The package root, found from this source file's path.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs `logits args...` with optional standard input; returns status and both streams.
    static func run(_ args: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        guard let exe = executableURL else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "logits binary not built next to the tests"])
        }
        let process = Process()
        process.executableURL = exe
        process.arguments = args
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        // Both streams go to temporary files (not pipes), so a chatty stream can never fill a pipe
        // buffer and block the child while the other one is being read.
        let tmp = FileManager.default.temporaryDirectory
        let outURL = tmp.appendingPathComponent("logits-cli-\(UUID().uuidString).out")
        let errURL = tmp.appendingPathComponent("logits-cli-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let outHandle = try FileHandle(forWritingTo: outURL), errHandle = try FileHandle(forWritingTo: errURL)
        // Standard input also comes from a file: a child that exits without reading it cannot
        // raise SIGPIPE in the test process.
        let inURL = tmp.appendingPathComponent("logits-cli-\(UUID().uuidString).in")
        _ = FileManager.default.createFile(atPath: inURL.path, contents: Data((stdin ?? "").utf8))
        defer { try? FileManager.default.removeItem(at: inURL) }
        let inHandle = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = inHandle
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        try inHandle.close()
        let outData = try Data(contentsOf: outURL)
        let errData = try Data(contentsOf: errURL)
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
