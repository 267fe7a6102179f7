#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A bad numeric CSV file: which file, which row and column (1-based), what was found and expected.
public struct CSVError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    /// 1-based line number (0 when the problem concerns the whole file).
    public var row: Int
    /// 1-based column (0 when the problem concerns a whole row).
    public var column: Int
    public var message: String

    public init(file: String, row: Int, column: Int, message: String) {
        self.file = file
        self.row = row
        self.column = column
        self.message = message
    }

    public var description: String {
        var place = file
        if row > 0 { place += ", row \(row)" }
        if column > 0 { place += ", column \(column)" }
        return "\(place): \(message)"
    }
}

/// A headerless numeric CSV file (one row per sample, comma-separated decimal numbers), parsed strictly:
/// every field must be a finite decimal number (`-1.5`, `2e-3`; no hex, no inf/nan), every row must have
/// the same number of fields, blank lines are only allowed at the end. Spaces around fields are ignored.
public struct NumericCSV: Sendable, Equatable {
    public var name: String
    public var rows: Int
    public var cols: Int
    /// Row-major values.
    public var values: [Double]

    /// Reads and parses the file at `path` (the path is used as the name in error messages).
    public static func read(path: String) throws -> NumericCSV {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CSVError(file: path, row: 0, column: 0, message: "cannot read the file")
        }
        return try parse(bytes: [UInt8](data), name: path)
    }

    /// Parses CSV text.
    public static func parse(_ text: String, name: String) throws -> NumericCSV {
        try parse(bytes: Array(text.utf8), name: name)
    }

    static func isNumberByte(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || c == 43 || c == 45 || c == 46 || c == 101 || c == 69 // 0-9 + - . e E
    }

    public static func parse(bytes: [UInt8], name: String) throws -> NumericCSV {
        var values: [Double] = []
        var cols = -1, rows = 0, line = 0
        var pos = 0
        let n = bytes.count
        var field = [CChar](repeating: 0, count: 512)
        var blankSeen = 0
        while pos < n {
            line += 1
            var end = pos
            while end < n && bytes[end] != 10 { end += 1 }
            var lineEnd = end
            if lineEnd > pos && bytes[lineEnd - 1] == 13 { lineEnd -= 1 }
            defer { pos = end + 1 }
            var isBlank = true
            for q in pos..<lineEnd where bytes[q] != 32 && bytes[q] != 9 { isBlank = false; break }
            if isBlank {
                if blankSeen == 0 { blankSeen = line }
                continue
            }
            if blankSeen > 0 {
                throw CSVError(file: name, row: blankSeen, column: 0, message: "empty line inside the data")
            }
            var count = 0
            var start = pos
            while true {
                var stop = start
                while stop < lineEnd && bytes[stop] != 44 { stop += 1 }
                count += 1
                var a = start, b = stop
                while a < b && (bytes[a] == 32 || bytes[a] == 9) { a += 1 }
                while b > a && (bytes[b - 1] == 32 || bytes[b - 1] == 9) { b -= 1 }
                func text() -> String { String(decoding: bytes[a..<b], as: UTF8.self) }
                guard a < b else {
                    throw CSVError(file: name, row: line, column: count, message: "empty field, expected a number")
                }
                guard b - a < field.count, bytes[a..<b].allSatisfy(isNumberByte) else {
                    throw CSVError(file: name, row: line, column: count, message: "'\(text().prefix(40))' is not a number")
                }
                for q in a..<b { field[q - a] = CChar(truncatingIfNeeded: bytes[q]) }
                field[b - a] = 0
                var endPtr: UnsafeMutablePointer<CChar>? = nil
                let (v, used) = field.withUnsafeMutableBufferPointer { f -> (Double, Int) in
                    guard let base = f.baseAddress else { return (.nan, -1) }
                    let v = strtod(base, &endPtr)
                    return (v, endPtr.map { $0 - base } ?? -1)
                }
                guard used == b - a, v.isFinite else {
                    throw CSVError(file: name, row: line, column: count, message: "'\(text())' is not a finite decimal number")
                }
                values.append(v)
                if stop >= lineEnd { break }
                start = stop + 1
            }
            if cols < 0 {
                cols = count
            } else if count != cols {
                throw CSVError(file: name, row: line, column: 0, message: "\(count) column\(count == 1 ? "" : "s"), expected \(cols) as in the first row")
            }
            rows += 1
        }
        guard rows > 0 else { throw CSVError(file: name, row: 0, column: 0, message: "no data rows") }
        return NumericCSV(name: name, rows: rows, cols: cols, values: values)
    }

    /// Row `i` column `j` (0-based).
    public subscript(i: Int, j: Int) -> Double { values[i * cols + j] }

    /// The values as a score matrix.
    public func scoreMatrix() throws -> ScoreMatrix { try ScoreMatrix(rows: rows, cols: cols, values: values) }

    /// One class index per row (a single integral column, each in `0..<classes`).
    public func classIndices(classes: Int) throws -> [Int] {
        guard cols == 1 else {
            throw CSVError(file: name, row: 1, column: 0, message: "\(cols) columns, expected 1 (one class index per row)")
        }
        return try values.enumerated().map { i, v in
            guard v == v.rounded(), v >= 0, v < Double(classes) else {
                throw CSVError(file: name, row: i + 1, column: 1,
                               message: "class \(v) is not an integer in 0..<\(classes) (the scores have \(classes) columns)")
            }
            return Int(v)
        }
    }

    /// A 0/1 matrix (every entry exactly 0 or 1).
    public func binaryMatrix() throws -> BinaryMatrix {
        var out = [UInt8](repeating: 0, count: values.count)
        for (q, v) in values.enumerated() {
            guard v == 0 || v == 1 else {
                throw CSVError(file: name, row: q / cols + 1, column: q % cols + 1, message: "\(v) is not 0 or 1")
            }
            out[q] = v == 1 ? 1 : 0
        }
        return BinaryMatrix(uncheckedRows: rows, cols: cols, values: out)
    }
}
