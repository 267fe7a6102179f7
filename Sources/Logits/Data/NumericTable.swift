import Foundation

/// How to read a CSV file (see `CSVScanner` for the dialect).
public struct CSVOptions: Sendable, Equatable {
    /// The field delimiter; `nil` detects comma, tab or semicolon from the first lines.
    public var delimiter: Character?
    /// Whether the first record is a header of column names. `nil` detects it: the first record
    /// is a header only when every field is a non-empty text that is not a number. A first row
    /// with numbers and a bad cell (`abc`, or empty) is data, so the bad cell is an error.
    public var hasHeader: Bool?
    /// Accept `nan`, `inf`, `-inf` cells (default: an error naming file, line and column).
    public var allowNonFinite: Bool

    public init(delimiter: Character? = nil, hasHeader: Bool? = nil, allowNonFinite: Bool = false) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.allowNonFinite = allowNonFinite
    }
}

/// A strictly numeric CSV table: an optional header, then rows of the same width whose every
/// cell is a finite decimal number (or `nan`/`inf` with `allowNonFinite`). Used for prediction
/// feature tables and for the truth / score files of `metrics`.
///
/// Values are kept as `Double` (correctly rounded by `strtod`), so score files round-trip
/// exactly; `matrix(columns:)` gives the float32 features.
public struct NumericTable: Sendable, Equatable {
    /// The file name used in errors (`"stdin"` for standard input).
    public var source: String
    /// Column names, when the file has a header.
    public var header: [String]?
    /// The delimiter used.
    public var delimiter: Character
    /// Data rows `N`.
    public var rows: Int
    /// Columns per row.
    public var cols: Int
    /// Row-major `N x cols` values.
    public var values: [Double]
    /// The file line (1-based) each data row starts on.
    public var lines: [Int]

    /// Row `r`, column `c` (0-based).
    public subscript(r: Int, c: Int) -> Double { values[r * cols + c] }

    /// Reads the file at `path` (gzip-compressed files are inflated).
    /// - Throws: `DataFileError` for an unreadable or malformed file.
    public static func read(path: String, options: CSVOptions = CSVOptions()) throws -> NumericTable {
        let data = try FileBytes.readText(path, limit: MemoryBudget.limit)
        return try parse(data, source: path, options: options)
    }

    /// Reads standard input to its end (named `"stdin"` in errors); more input than the memory
    /// budget is an error.
    public static func readStandardInput(options: CSVOptions = CSVOptions()) throws -> NumericTable {
        let budget = MemoryBudget.limit
        var data = Data()
        while true {
            let chunk = FileHandle.standardInput.availableData
            if chunk.isEmpty { break }
            data.append(chunk)
            if data.count > budget {
                try MemoryBudget.checkLoad(bytes: data.count, what: "more than \(data.count) bytes of input", file: "stdin")
            }
        }
        return try parse(data, source: "stdin", options: options)
    }

    /// Parses CSV bytes; `source` names them in errors.
    /// - Throws: `DataFileError` (`source:line: field K: ...`) for UTF-16/32 text, a bad quote,
    ///   a row of another width, an empty or non-numeric cell, or no data rows.
    public static func parse(_ data: Data, source: String, options: CSVOptions = CSVOptions()) throws -> NumericTable {
        try data.withUnsafeBytes { try parse(bytes: $0, source: source, options: options) }
    }

    static func parse(bytes: UnsafeRawBufferPointer, source: String, options: CSVOptions) throws -> NumericTable {
        let start = try CSVScanner.textStart(bytes, file: source)
        let delimiter = try options.delimiter.map { try CSVScanner.delimiterByte($0, file: source) }
            ?? CSVScanner.detectDelimiter(bytes, from: start)
        var scanner = CSVScanner(bytes, file: source, delimiter: delimiter, from: start)
        guard try scanner.next() else {
            throw DataFileError(file: source, message: "no data rows; expected numeric CSV rows")
        }
        var header: [String]? = nil
        let isHeader = options.hasHeader ?? scanner.fields.allSatisfy { f in
            f.start < f.end && scanner.number(f) == .invalid
        }
        if isHeader {
            header = scanner.fields.map { scanner.string($0).trimmingCharacters(in: .whitespaces) }
            guard try scanner.next() else {
                throw DataFileError(file: source, line: scanner.recordLine, message: "a header but no data rows; expected at least one row of numbers")
            }
        }
        let cols = scanner.fields.count
        if let header, header.count != cols {
            throw DataFileError(file: source, line: scanner.recordLine,
                                message: "found \(cols) fields; expected \(header.count) (the columns of the header)")
        }
        let budget = MemoryBudget.limit
        var values: [Double] = []
        var lines: [Int] = []
        repeat {
            let line = scanner.recordLine
            guard scanner.fields.count == cols else {
                throw DataFileError(file: source, line: line, message: "found \(scanner.fields.count) fields; expected \(cols) "
                                    + (header == nil ? "as in the first row" : "(the columns of the header)"))
            }
            if (values.count + cols) * 8 > budget {
                try MemoryBudget.checkLoad(bytes: MemoryBudget.product(lines.count + 1, cols, 8),
                                           what: "more than \(lines.count) rows x \(cols) columns", file: source, line: line)
            }
            for (c, f) in scanner.fields.enumerated() {
                func fail(_ message: String) -> DataFileError {
                    DataFileError(file: source, line: line, column: c + 1, attribute: header?[c], message: message)
                }
                switch scanner.double(f) {
                case .finite(let v): values.append(v)
                case .nonFinite(let v):
                    guard options.allowNonFinite else {
                        throw fail("non-finite value \(scanner.quoted(f)); expected a finite number")
                    }
                    values.append(v)
                case .invalid:
                    throw fail(f.start == f.end ? "empty field; expected a number" : "non-numeric value \(scanner.quoted(f)); expected a number")
                }
            }
            lines.append(line)
        } while try scanner.next()
        return NumericTable(source: source, header: header, delimiter: Character(Unicode.Scalar(delimiter)),
                            rows: lines.count, cols: cols, values: values, lines: lines)
    }

    /// The float32 `N x columns.count` matrix of the given columns in that order (all columns
    /// when `nil`).
    /// - Throws: `MemoryBudgetError` when the matrix would exceed the memory budget.
    public func matrix(columns: [Int]? = nil) throws -> Matrix {
        let picked = columns ?? Array(0..<cols)
        try MemoryBudget.check(bytes: MemoryBudget.product(rows, picked.count, 4),
                               what: "'\(source)': \(rows) rows x \(picked.count) features")
        var storage = [Float](repeating: 0, count: rows * picked.count)
        for r in 0..<rows {
            let row = r * cols
            let out = r * picked.count
            for (k, c) in picked.enumerated() { storage[out + k] = Float(values[row + c]) }
        }
        return try Matrix(rows: rows, cols: picked.count, storage: storage)
    }

    /// The feature matrix for a model: columns matched by name when the file has a header and
    /// `names` is not empty (see `CSVColumns.order`), else by position (the width must be
    /// `count`).
    /// - Parameters:
    ///   - names: the model's feature names (may be empty: then `count` decides).
    ///   - count: the number of features the model takes.
    ///   - ignoring: header names that may be present and are dropped (e.g. label columns).
    /// - Throws: `DataFileError` listing missing / unknown / duplicate columns or a wrong width.
    public func features(names: [String], count: Int, ignoring: Set<String> = []) throws -> Matrix {
        if let header, !names.isEmpty {
            return try matrix(columns: CSVColumns.order(header: header, expected: names, source: source, ignoring: ignoring))
        }
        var columns = Array(0..<cols)
        if let header, !ignoring.isEmpty { columns = columns.filter { !ignoring.contains(header[$0]) } }
        guard columns.count == count else {
            throw DataFileError(file: source, line: lines.first, message: "found \(columns.count) columns; expected \(count) (the model's features)")
        }
        return try matrix(columns: columns)
    }

    /// One class index per row: a single column of integers in `0..<classes`.
    /// - Throws: `DataFileError` naming the row for another width or a bad class.
    public func classIndices(classes: Int) throws -> [Int] {
        guard cols == 1 else {
            throw DataFileError(file: source, line: lines.first, message: "found \(cols) columns; expected 1 (one class index per row)")
        }
        return try values.enumerated().map { r, v in
            guard v == v.rounded(), v >= 0, v < Double(classes) else {
                throw DataFileError(file: source, line: lines[r], column: 1,
                                    message: "class \(v) is not an integer in 0..<\(classes) (the scores have \(classes) columns)")
            }
            return Int(v)
        }
    }

    /// The values as 0/1 bytes (row-major); every cell must be exactly 0 or 1.
    /// - Throws: `DataFileError` naming the row and column of another value.
    public func binaryValues() throws -> [UInt8] {
        try values.enumerated().map { q, v in
            guard v == 0 || v == 1 else {
                throw DataFileError(file: source, line: lines[q / cols], column: q % cols + 1,
                                    attribute: header?[q % cols], message: "\(v) is not 0 or 1")
            }
            return v == 1 ? 1 : 0
        }
    }
}

/// Matching CSV columns to expected names.
public enum CSVColumns {
    /// The column of `header` holding each of `expected` (so `header[order[k]] == expected[k]`).
    /// Columns named in `ignoring` may be present and are skipped.
    /// - Throws: `DataFileError` (line 1) listing every problem at once, e.g.
    ///   `x.csv:1: header is missing feature(s) a, b; has unknown column(s) c; duplicate column(s) d`.
    public static func order(header: [String], expected: [String], source: String,
                             ignoring: Set<String> = []) throws -> [Int] {
        var first: [String: Int] = [:]
        var duplicates: [String] = []
        for (i, name) in header.enumerated() {
            if first[name] == nil { first[name] = i } else if !duplicates.contains(name) { duplicates.append(name) }
        }
        let wanted = Set(expected)
        let missing = expected.filter { first[$0] == nil }
        let unknown = header.filter { !wanted.contains($0) && !ignoring.contains($0) }
        let duplicatedFeatures = duplicates.filter { wanted.contains($0) || !ignoring.contains($0) }
        var problems: [String] = []
        func list(_ names: [String]) -> String {
            let shown = names.prefix(10).map { Printable.escaped($0.isEmpty ? "\"\"" : $0) }.joined(separator: ", ")
            return names.count > 10 ? shown + " and \(names.count - 10) more" : shown
        }
        if !missing.isEmpty { problems.append("header is missing feature(s) \(list(missing))") }
        if !unknown.isEmpty { problems.append("has unknown column(s) \(list(unknown))") }
        if !duplicatedFeatures.isEmpty { problems.append("duplicate column(s) \(list(duplicatedFeatures))") }
        guard problems.isEmpty else {
            if problems[0].hasPrefix("has") { problems[0] = "header " + problems[0] }
            throw DataFileError(file: source, line: 1, message: problems.joined(separator: "; "))
        }
        return expected.compactMap { first[$0] }  // every name is present: `missing` is empty
    }
}
