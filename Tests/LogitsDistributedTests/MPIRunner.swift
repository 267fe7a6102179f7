import Foundation

/// Runs `logits-mpi` (the binary next to the test bundle) directly or under `mpirun`, watching the
/// launcher's child processes (the ranks) so that tests can kill one and check for orphans.
struct MPIRunner {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
        /// Every rank process seen while the job ran.
        var rankPIDs: Set<Int32>
        /// Rank processes still alive (not zombies) a few seconds after the launcher exited.
        var survivors: [Int32]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The built `logits-mpi`.
    static func binary() throws -> URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("logits-mpi")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        throw Failure(description: "logits-mpi is not built next to the test bundle (swift build --build-tests builds it)")
    }

    /// `mpirun` on the PATH; Open MPI is required (CI installs openmpi-bin).
    static func mpirun() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent("mpirun")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw Failure(description: "mpirun not found on PATH: install Open MPI (apt-get install -y libopenmpi-dev openmpi-bin)")
    }

    /// The package root, from this file's path.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func children(of pid: Int32) -> [Int32] {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// The MPI rank of a process, from its environment.
    static func rank(of pid: Int32) -> Int? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
        for entry in data.split(separator: 0) {
            let s = String(decoding: entry, as: UTF8.self)
            if s.hasPrefix("OMPI_COMM_WORLD_RANK=") { return Int(s.dropFirst("OMPI_COMM_WORLD_RANK=".count)) }
        }
        return nil
    }

    /// Whether `pid` exists and is not a zombie.
    static func alive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        guard let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }

    /// Runs `logits-mpi args` (`ranks == nil`: without mpirun). `during` is called every 50 ms
    /// with the launcher's pid, its rank children and the stderr so far; it may kill a rank.
    static func run(ranks: Int?, _ args: [String], timeout: Double = 180,
                    during: ((Int32, [Int32], String) -> Void)? = nil) throws -> Outcome {
        let exe = try binary()
        let process = Process()
        if let ranks {
            process.executableURL = try mpirun()
            process.arguments = ["--oversubscribe", "--allow-run-as-root", "-np", String(ranks), exe.path] + args
        } else {
            process.executableURL = exe
            process.arguments = args
        }
        let tmp = FileManager.default.temporaryDirectory
        let outURL = tmp.appendingPathComponent("logits-mpi-\(UUID().uuidString).out")
        let errURL = tmp.appendingPathComponent("logits-mpi-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        let start = Date()
        try process.run()
        var seen = Set<Int32>()
        while process.isRunning {
            let kids = children(of: process.processIdentifier)
            if ranks != nil { seen.formUnion(kids) }
            if let during {
                let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
                during(process.processIdentifier, kids, err)
            }
            if Date().timeIntervalSince(start) > timeout {
                process.terminate()
                for k in seen { kill(k, SIGKILL) }
                throw Failure(description: "logits-mpi \(args.joined(separator: " ")) did not end within \(timeout) s")
            }
            usleep(50_000)
        }
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        var survivors = seen.filter(alive)
        for _ in 0..<40 where !survivors.isEmpty {  // up to 2 s for the kernel to reap
            usleep(50_000)
            survivors = survivors.filter(alive)
        }
        for pid in survivors { kill(pid, SIGKILL) }  // do not leave them behind even when the test fails
        return Outcome(status: process.terminationStatus,
                       stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "",
                       seconds: seconds, rankPIDs: seen, survivors: Array(survivors).sorted())
    }
}
