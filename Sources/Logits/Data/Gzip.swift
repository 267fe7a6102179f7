import CZlib
import Foundation

/// Gzip decompression through the system zlib.
enum Gzip {
    /// True when `bytes` starts with the gzip magic `1f 8b`.
    static func isGzip(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Inflates a whole gzip file (several concatenated members allowed) into one array.
    /// - Parameter limit: largest decompressed size accepted, in bytes.
    /// - Throws: `DataFileError` for corrupt or truncated data, or output past `limit`.
    static func decompress(_ input: UnsafeRawBufferPointer, file: String, limit: Int) throws -> [UInt8] {
        var output = [UInt8]()
        if input.count >= 4 {
            // ISIZE (last 4 bytes, little-endian) = uncompressed size mod 2^32: a capacity hint only.
            let n = input.count
            let isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
            output.reserveCapacity(min(isize, limit, input.count * 1100))
        }
        try inflate(input, file: file, limit: limit) { output.append(contentsOf: $0) }
        return output
    }

    /// Inflates `input` chunk by chunk, handing each decompressed chunk (at most 256 KiB, in a
    /// reused buffer) to `consume`; peak extra memory is that one buffer.
    /// - Throws: `DataFileError` for corrupt or truncated data, or output past `limit`;
    ///   whatever `consume` throws.
    static func inflate(_ input: UnsafeRawBufferPointer, file: String, limit: Int,
                        consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard input.count >= 18 else {
            throw DataFileError(file: file, message: "gzip data is truncated: \(input.count) bytes; a gzip member needs at least 18")
        }
        var stream = z_stream()
        let initStatus = inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else {
            throw DataFileError(file: file, message: "zlib could not start inflating (status \(initStatus))")
        }
        defer { inflateEnd(&stream) }
        let chunk = 1 << 18
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        let out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)  // trap-ok: a fresh allocation of 256 KiB has a base address
        var produced = 0
        var consumed = 0
        let base = input.baseAddress!.assumingMemoryBound(to: UInt8.self)  // trap-ok: count >= 18 checked above, so the buffer has a base address
        while true {
            stream.next_in = UnsafeMutablePointer(mutating: base + consumed)
            stream.avail_in = UInt32(min(input.count - consumed, Int(UInt32.max)))
            let availableBefore = Int(stream.avail_in)
            stream.next_out = out
            stream.avail_out = UInt32(chunk)
            let status = CZlib.inflate(&stream, Z_NO_FLUSH)
            let got = chunk - Int(stream.avail_out)
            consumed += availableBefore - Int(stream.avail_in)
            produced += got
            guard produced <= limit else {
                throw DataFileError(file: file, message: "decompressed data exceeds the limit of \(limit) bytes")
            }
            if got > 0 { try consume(UnsafeRawBufferPointer(start: out, count: got)) }
            if status == Z_BUF_ERROR && got == 0 && availableBefore == Int(stream.avail_in) && consumed < input.count {
                throw DataFileError(file: file, message: "corrupt gzip data after \(consumed) compressed bytes: no progress")
            }
            switch status {
            case Z_STREAM_END:
                // Another gzip member may follow (skip trailing zero padding).
                var rest = consumed
                while rest < input.count && input[rest] == 0 { rest += 1 }
                if rest >= input.count - 1 { return }
                guard input[rest] == 0x1F && input[rest + 1] == 0x8B else {
                    throw DataFileError(file: file, message: "\(input.count - rest) unexpected bytes after the end of the gzip stream")
                }
                consumed = rest
                inflateReset(&stream)
            case Z_OK:
                continue
            case Z_BUF_ERROR where consumed >= input.count:
                throw DataFileError(file: file, message: "gzip data is truncated: the stream ended after \(input.count) compressed bytes (\(produced) bytes decompressed) before its end marker")
            case Z_BUF_ERROR:
                continue
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                throw DataFileError(file: file, message: "corrupt gzip data after \(consumed) compressed bytes: \(reason)")
            }
        }
    }

    /// Compresses `input` into one gzip member (used by tests and tools that write IDX files).
    static func compress(_ input: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        var stream = z_stream()
        let status = deflateInit2_(&stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw LogitsError.unavailable("zlib deflateInit2 failed (status \(status))") }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 64)
        var input = input
        let result: Int32 = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = UInt32(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = UInt32(outBuf.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard result == Z_STREAM_END else { throw LogitsError.unavailable("zlib deflate failed (status \(result))") }
        output.removeLast(Int(stream.avail_out))
        return output
    }
}
