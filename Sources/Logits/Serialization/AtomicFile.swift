import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that readers see either the old file or the complete new one, never a
/// half-written file: the bytes go to a temporary file in the same directory, are flushed
/// with `fsync`, and the temporary file is renamed over the destination. On any error the
/// temporary file is removed and the destination is untouched.
public enum AtomicFile {
    /// Writes `bytes` to `url` atomically.
    /// - Throws: `ModelFileError.io` naming the path and the system error.
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        let dir = url.deletingLastPathComponent().path
        let tmpPath = dir + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        func fail(_ what: String) -> ModelFileError {
            let message = String(cString: strerror(errno))
            return ModelFileError(path: url.path, .io("\(what): \(message)"))
        }
        let fd = open(tmpPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw fail("cannot create a temporary file in '\(dir)'") }
        var ok = false
        defer {
            if !ok { unlink(tmpPath) }
        }
        var written = 0
        let writeError: ModelFileError? = bytes.withUnsafeBytes { raw -> ModelFileError? in
            while written < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + written, raw.count - written)  // trap-ok: count > 0 implies a base address
                if n < 0 {
                    if errno == EINTR { continue }
                    return fail("write failed")
                }
                written += n
            }
            return nil
        }
        if let writeError {
            close(fd)
            throw writeError
        }
        guard fsync(fd) == 0 else {
            let e = fail("fsync failed")
            close(fd)
            throw e
        }
        guard close(fd) == 0 else { throw fail("close failed") }
        guard rename(tmpPath, url.path) == 0 else { throw fail("cannot rename the temporary file to the destination") }
        ok = true
    }
}
