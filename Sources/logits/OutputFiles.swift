import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Output paths are checked before any work is done, so that a long run is not lost at the end.
enum OutputPath {
    /// - Throws: `UserError` naming `flag` when the directory of `url` is missing, not a
    ///   directory, or not writable, or when `url` itself is a directory.
    static func checkWritable(_ url: URL, flag: String) throws {
        let dir = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw UserError("\(flag) '\(url.path)': the directory '\(dir)' does not exist (create it first)")
        }
        guard access(dir, W_OK) == 0 else {
            throw UserError("\(flag) '\(url.path)': the directory '\(dir)' is not writable")
        }
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw UserError("\(flag) '\(url.path)' is a directory, expected a file name")
        }
        TemporaryFiles.directories.add(dir)
    }
}

/// Checked writes to standard output. A closed pipe (`| head`) ends the program quietly with
/// status 0, as Unix tools do; any other write error (a full disk: ENOSPC) is an error, exit 1.
enum StandardOutput {
    static func write(_ text: String) throws {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { posixWrite($0.baseAddress, offset: offset, count: $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { exit(0) }
                throw UserError("cannot write to standard output: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
        bytes.removeAll()
    }

    /// Ignore SIGPIPE so that a closed pipe is seen as EPIPE by `write` (called once at start).
    static func ignoreSIGPIPE() { signal(SIGPIPE, SIG_IGN) }
}

/// `write(2)` of `count` bytes at `base + offset` to standard output (-1 and `errno` on failure).
private func posixWrite(_ base: UnsafeMutableRawPointer?, offset: Int, count: Int) -> Int {
    guard let base else { return 0 }
    return write(STDOUT_FILENO, base + offset, count)
}
