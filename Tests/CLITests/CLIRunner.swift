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
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently-safe: stderr is small; read stdout to EOF first.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
