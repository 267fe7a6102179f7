import Foundation

/// Runs a built executable or a tool for the end-to-end tests and captures its output.
public enum ProcessRunner {
    /// Exit status and both output streams.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var all: String { stdout + stderr }
    }

    /// The executable `name` in the build products folder of the running test bundle, if built.
    /// On Linux the runner is `<products>/LogitsPackageTests.xctest`; on macOS it lives inside
    /// `<products>/LogitsPackageTests.xctest/Contents/MacOS/`.
    public static func builtExecutable(_ name: String) -> URL? {
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// Runs `executable args...` with `stdin` as standard input (`/dev/null` when nil) and
    /// `environment` added to this process's; waits for it and returns its status and output.
    public static func run(_ executable: URL, _ args: [String], stdin: String? = nil,
                           environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = args
        if !environment.isEmpty {
            var env = ProcessInfo.processInfo.environment
            for (k, v) in environment { env[k] = v }
            process.environment = env
        }
        // Both streams go to temporary files (not pipes), so a chatty stream can never fill a pipe
        // buffer and block the child while the other one is being read.
        let tmp = FileManager.default.temporaryDirectory
        let outURL = tmp.appendingPathComponent("logits-test-\(UUID().uuidString).out")
        let errURL = tmp.appendingPathComponent("logits-test-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let outHandle = try FileHandle(forWritingTo: outURL), errHandle = try FileHandle(forWritingTo: errURL)
        // Standard input also comes from a file: a child that exits without reading it cannot
        // raise SIGPIPE in the test process.
        let inURL = tmp.appendingPathComponent("logits-test-\(UUID().uuidString).in")
        defer { try? FileManager.default.removeItem(at: inURL) }
        let inHandle: FileHandle
        if let stdin {
            _ = FileManager.default.createFile(atPath: inURL.path, contents: Data(stdin.utf8))
            inHandle = try FileHandle(forReadingFrom: inURL)
        } else {
            inHandle = FileHandle.nullDevice
        }
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = inHandle
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        if stdin != nil { try inHandle.close() }
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}
