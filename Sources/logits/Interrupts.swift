import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C during training: the first SIGINT asks training to stop after the current epoch (the
/// best model so far is then saved, and the run says so); a second one aborts at once (exit 130).
/// SIGTERM aborts at once. Either abort removes the temporary file of a save in progress
/// (`AtomicFile` writes NAME.tmp-PID and renames it), so no debris is left.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0  // guarded by lock

    /// Whether a stop was requested.
    var isSet: Bool { lock.withLock { count > 0 } }

    /// Counts one signal and returns how many there were.
    fileprivate func increment() -> Int { lock.withLock { count += 1; return count } }

    nonisolated(unsafe) private static var shared: InterruptFlag?
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Installs the handlers (once per process) and returns the flag.
    static func install() -> InterruptFlag {
        if let shared { return shared }
        let flag = InterruptFlag()
        shared = flag
        let queue = DispatchQueue(label: "logits.signals")
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler {
                let n = flag.increment()
                if sig == SIGINT && n == 1 {
                    FileHandle.standardError.write(Data("\ninterrupted: stopping after this epoch and saving the best model so far (Ctrl-C again to abort)\n".utf8))
                } else {
                    TemporaryFiles.removeAll()
                    FileHandle.standardError.write(Data("\naborted\n".utf8))
                    exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
        return flag
    }
}

/// Temporary files to remove when the process is aborted by a signal.
enum TemporaryFiles {
    /// Removes every `.NAME.tmp-PID` / `NAME.tmp-PID` file of this process in the current
    /// directory and the directories of the outputs being written.
    static func removeAll() {
        let pid = ProcessInfo.processInfo.processIdentifier
        for dir in Set(directories.paths + [FileManager.default.currentDirectoryPath]) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for name in names where name.contains(".tmp-\(pid)-") {
                unlink((dir as NSString).appendingPathComponent(name))
            }
        }
    }

    /// Directories outputs are written to (registered by `OutputPath.checkWritable`).
    static let directories = DirectoryList()

    final class DirectoryList: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []  // guarded by lock
        var paths: [String] { lock.withLock { list } }
        func add(_ path: String) { lock.withLock { list.append(path) } }
    }
}
