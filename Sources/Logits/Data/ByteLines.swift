/// Iterates the lines of a byte buffer (LF or CRLF), yielding each line's bounds with
/// surrounding spaces, tabs and CR trimmed, and its 1-based line number.
struct ByteLines {
    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    private(set) var lineNumber: Int

    init(_ bytes: UnsafeRawBufferPointer, from position: Int = 0, lineNumber: Int = 0) {
        self.bytes = bytes
        self.position = position
        self.lineNumber = lineNumber
    }

    /// The next line as `(start, end, number)`, trimmed; `nil` at the end of the buffer.
    mutating func next() -> (start: Int, end: Int, number: Int)? {
        let count = bytes.count
        guard position < count else { return nil }
        var end = position
        while end < count && bytes[end] != 0x0A { end += 1 }
        var start = position
        position = end < count ? end + 1 : end
        lineNumber += 1
        while start < end && ByteLines.isSpace(bytes[start]) { start += 1 }
        var stop = end
        while stop > start && ByteLines.isSpace(bytes[stop - 1]) { stop -= 1 }
        return (start, stop, lineNumber)
    }

    /// 3 when the buffer starts with a UTF-8 byte order mark (skipped by the loaders), else 0.
    static func byteOrderMarkLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    /// Space, tab, CR (and the other ASCII whitespace bytes).
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0B || b == 0x0C
    }
}
