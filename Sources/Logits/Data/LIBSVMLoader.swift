import Foundation

/// Reader for the LIBSVM / SVMlight text format in its multi-label form (LibMultiLabel, the
/// Extreme Classification Repository):
///
///     2,7,11 1:0.5 9:1.0      <- labels (comma-separated, may be empty), then index:value pairs
///     3 1:0.25                <- a single label
///      4:1                    <- no label (line starts with a space or with a pair)
///
/// - Labels are non-negative integer indices (label names `"0"...`). With `task: .multiClass`
///   every row needs exactly one label (class indices); with `task: .binary` one label in
///   {-1, 0, +1, 1} per row (-1 and 0 are negative). Otherwise an `N x L` 0/1 label matrix.
/// - Feature indices start at `LoadOptions.featureIndexBase` (1, as in LIBSVM) and must be
///   strictly ascending within a row; omitted features are 0. With
///   `LoadOptions.detectsFeatureIndexBase` a file in which index 0 appears is read zero-based
///   (scikit-learn's `load_svmlight_file(zero_based="auto")`; its `dump_svmlight_file` writes
///   zero-based files by default). Feature names are the file's own indices either way.
/// - `D` and `L` come from the options, else from an optional first header line `N D L`
///   (Extreme Classification Repository), else from the largest index seen.
/// - `#` starts a comment.
/// - Features: CSR (`Dataset.sparseFeatures`, the entries as read) when
///   `LoadOptions.prefersSparse` says so (sparse enough, or `storage: .sparse`); otherwise the
///   rows are densified into `N x D`, guarded by `LoadOptions.maxDenseElements` (clear error past it).
///
/// Memory: one pass collects the sparse entries (8 bytes per non-zero); they become the CSR
/// features as they are, or fill the dense matrix and are released before returning.
enum LIBSVMLoader {
    static func load(path: String, options: LoadOptions) throws -> Dataset {
        let data = try FileBytes.readText(path, limit: options.maxTextBytes)
        return try data.withUnsafeBytes { try parse($0, file: path, options: options) }
    }

    private struct Header { var rows: Int; var features: Int; var labels: Int; var line: Int }

    static func parse(_ bytes: UnsafeRawBufferPointer, file: String, options: LoadOptions) throws -> Dataset {
        var rowStart: [Int] = [0]
        var columns: [Int32] = []
        var values: [Float] = []
        var labelStart: [Int] = [0]
        var labelValues: [Int] = []
        var rowLines: [Int] = []
        var header: Header? = nil
        var maxFeature = -1
        var maxLabel = -1
        // Detection reads indices from 0 and shifts them by one at the end when no 0 appeared.
        let detect = options.detectsFeatureIndexBase && options.featureIndexBase == 1
        var base = detect ? 0 : options.featureIndexBase
        var sawZero = false
        var beyondOneBased: (line: Int, pair: Int, index: Int)? = nil  // index == declared count: fine one-based only
        let binary = options.task == .binary
        var lines = ByteLines(bytes, from: ByteLines.byteOrderMarkLength(bytes))
        var sawAnything = false
        while let (lineStart, rawEnd, number) = lines.next() {
            // Strip a comment.
            var end = lineStart
            while end < rawEnd && bytes[end] != UInt8(ascii: "#") { end += 1 }
            while end > lineStart && ByteLines.isSpace(bytes[end - 1]) { end -= 1 }
            if lineStart == end { continue }
            if !sawAnything, let h = headerLine(bytes, lineStart, end, number) {
                header = h
                sawAnything = true
                continue
            }
            sawAnything = true
            var i = lineStart
            // Labels: the first token unless it is an index:value pair.
            var tokenEnd = i
            var hasColon = false
            while tokenEnd < end && !ByteLines.isSpace(bytes[tokenEnd]) {
                if bytes[tokenEnd] == UInt8(ascii: ":") { hasColon = true }
                tokenEnd += 1
            }
            if !hasColon {
                var s = i
                var labelField = 0
                while s < tokenEnd {
                    var e = s
                    while e < tokenEnd && bytes[e] != UInt8(ascii: ",") { e += 1 }
                    labelField += 1
                    let label = try parseLabel(bytes, s, e, binary: binary, file: file, line: number, field: labelField)
                    labelValues.append(label)
                    maxLabel = max(maxLabel, label)
                    s = e + 1
                    if e < tokenEnd && s == tokenEnd {
                        throw DataFileError(file: file, line: number, message: "label list ends with ','; expected a label index after it")
                    }
                }
                i = tokenEnd
            }
            // index:value pairs.
            var previous = Int.min
            var pair = 0
            while true {
                while i < end && ByteLines.isSpace(bytes[i]) { i += 1 }
                guard i < end else { break }
                var e = i
                while e < end && !ByteLines.isSpace(bytes[e]) { e += 1 }
                pair += 1
                var colon = i
                while colon < e && bytes[colon] != UInt8(ascii: ":") { colon += 1 }
                guard colon < e, let index = parseInt(bytes, i, colon) else {
                    throw DataFileError(file: file, line: number, column: pair,
                                        message: "found \(ByteText.quote(bytes, i, e)); expected INDEX:VALUE with an integer index")
                }
                guard index >= base else {
                    throw DataFileError(file: file, line: number, column: pair,
                                        message: "feature index \(index) is below the first index \(base); expected indices >= \(base)")
                }
                guard index > previous else {
                    throw DataFileError(file: file, line: number, column: pair,
                                        message: "feature index \(index) follows \(previous); expected strictly ascending indices")
                }
                previous = index
                if index == 0 { sawZero = true }
                let column = index - base
                if let limit = options.featureCount ?? header?.features, column >= limit {
                    if detect && column == limit && !sawZero {
                        if beyondOneBased == nil { beyondOneBased = (number, pair, index) }
                    } else {
                        let expected = detect && !sawZero ? "1...\(limit) (one-based) or 0...\(limit - 1) (zero-based)" : "\(base)...\(limit - 1 + base)"
                        throw DataFileError(file: file, line: number, column: pair,
                                            message: "feature index \(index) is beyond the \(limit) declared features; expected \(expected)")
                    }
                }
                guard column < Int(Int32.max) else {
                    throw DataFileError(file: file, line: number, column: pair, message: "feature index \(index) is too large")
                }
                let value: Float
                switch DecimalParser.parse(bytes, colon + 1, e) {
                case .finite(let v): value = v
                case .nonFinite(let v):
                    guard options.allowNonFinite else {
                        throw DataFileError(file: file, line: number, column: pair,
                                            message: "non-finite value \(ByteText.quote(bytes, colon + 1, e)) for feature \(index); expected a finite number (allow non-finite values to accept NaN/inf)")
                    }
                    value = v
                case .invalid:
                    throw DataFileError(file: file, line: number, column: pair,
                                        message: "non-numeric value \(ByteText.quote(bytes, colon + 1, e)) for feature \(index); expected a number")
                }
                maxFeature = max(maxFeature, column)
                columns.append(Int32(column))
                values.append(value)
                i = e
            }
            rowStart.append(columns.count)
            labelStart.append(labelValues.count)
            rowLines.append(number)
        }
        if detect {
            if sawZero {
                if let b = beyondOneBased, let limit = options.featureCount ?? header?.features {
                    throw DataFileError(file: file, line: b.line, column: b.pair,
                                        message: "feature index \(b.index) is beyond the \(limit) declared features of this zero-based file (it has index 0); expected 0...\(limit - 1)")
                }
            } else {
                // One-based after all: column = index - 1.
                base = 1
                for k in columns.indices { columns[k] -= 1 }
                maxFeature -= 1
            }
        }
        let n = rowLines.count
        guard n > 0 else {
            throw DataFileError(file: file, message: sawAnything ? "no data rows; expected at least one instance" : "empty file; expected LIBSVM rows 'labels index:value ...'")
        }
        if let header, header.rows != n {
            throw DataFileError(file: file, line: header.line, message: "the header announces \(header.rows) rows but the file has \(n)")
        }
        let d = options.featureCount ?? header?.features ?? (maxFeature + 1)
        guard d > 0 else {
            throw DataFileError(file: file, message: "no feature index anywhere; expected index:value pairs or a given feature count")
        }

        let sparse = options.prefersSparse(rows: n, cols: d, nonZeros: columns.count)
        // Every size below is checked against the memory budget before anything is allocated:
        // the dense N x D features (none when sparse), the targets and one name per feature and label.
        func checkBudget(targetWidth: Int, targetName: String, labelNames: Int) throws {
            let source = (options.featureCount != nil || header != nil) ? "declared" : "largest index \(maxFeature + base)"
            // Sparse: no N x D array, but every column still costs its name and the per-column
            // statistics of the scaling (about 64 bytes in all).
            let bytes = sparse
                ? MemoryBudget.sum(MemoryBudget.datasetBytes(rows: n, features: 0, targets: targetWidth, names: labelNames), MemoryBudget.product(d, 64))
                : MemoryBudget.datasetBytes(rows: n, features: d, targets: targetWidth, names: d + labelNames)
            try MemoryBudget.checkLoad(bytes: bytes,
                                       what: "\(n) rows x \(d) features (\(source)) and \(labelNames) \(targetName)", file: file)
        }
        // Targets.
        let targets: Targets
        let labelNames: [String]
        let task: ClassificationTask
        switch options.task {
        case .multiClass?, .binary?:
            var classes = [Int](repeating: 0, count: n)
            for r in 0..<n {
                let count = labelStart[r + 1] - labelStart[r]
                guard count == 1 else {
                    throw DataFileError(file: file, line: rowLines[r], message: "found \(count) labels; expected exactly one label per row for a \(binary ? "binary" : "multi-class") task")
                }
                classes[r] = labelValues[labelStart[r]]
            }
            if binary {
                try checkBudget(targetWidth: 1, targetName: "label", labelNames: 1)
                var y = [Float](repeating: 0, count: n)
                for r in 0..<n { y[r] = Float(classes[r]) }
                targets = .matrix(Dataset.matrix(rows: n, cols: 1, y))
                labelNames = options.classNames ?? ["1"]
                task = .binary
                guard labelNames.count == 1 else {
                    throw DataFileError(file: file, message: "\(labelNames.count) names given for a binary target; expected 1")
                }
            } else {
                let c = options.labelCount ?? options.classNames?.count ?? header?.labels ?? (maxLabel + 1)
                let (cells, overflow) = n.multipliedReportingOverflow(by: c)
                guard c > 0, !overflow, cells <= options.maxDenseElements else {
                    throw DataFileError(file: file, message: "\(c) classes for \(n) rows; expected between 1 class and the dense size limit of \(options.maxDenseElements) elements for N x C")
                }
                try checkBudget(targetWidth: 2, targetName: "classes", labelNames: c)
                if let r = classes.firstIndex(where: { $0 >= c }) {
                    throw DataFileError(file: file, line: rowLines[r], message: "class index \(classes[r]) is out of range; expected 0...\(c - 1)")
                }
                labelNames = options.classNames ?? (0..<c).map(String.init)
                guard labelNames.count == c else {
                    throw DataFileError(file: file, message: "\(labelNames.count) class names given for \(c) classes")
                }
                targets = .classIndices(classes)
                task = .multiClass(classes: c)
            }
        default:
            let l = options.labelCount ?? header?.labels ?? (maxLabel + 1)
            guard l > 0 else {
                throw DataFileError(file: file, message: "no label anywhere; expected labels before the index:value pairs or a given label count")
            }
            let (elements, overflow) = n.multipliedReportingOverflow(by: l)
            guard !overflow, elements <= options.maxDenseElements else {
                throw DataFileError(file: file, message: "\(n) rows x \(l) labels exceed the dense size limit of \(options.maxDenseElements) elements")
            }
            try checkBudget(targetWidth: l, targetName: "labels", labelNames: l)
            var y = [Float](repeating: 0, count: n * l)
            for r in 0..<n {
                for k in labelStart[r]..<labelStart[r + 1] {
                    let label = labelValues[k]
                    guard label < l else {
                        throw DataFileError(file: file, line: rowLines[r], message: "label index \(label) is out of range; expected 0...\(l - 1) (\(l) labels)")
                    }
                    y[r * l + label] = 1
                }
            }
            targets = .matrix(Dataset.matrix(rows: n, cols: l, y))
            labelNames = options.classNames ?? (0..<l).map(String.init)
            guard labelNames.count == l else {
                throw DataFileError(file: file, message: "\(labelNames.count) label names given for \(l) labels")
            }
            task = .multiLabel(labels: l)
        }

        let featureNames = (0..<d).map { String($0 + base) }
        if sparse {
            guard d <= Int(Int32.max) else {
                throw DataFileError(file: file, message: "\(d) features exceed the sparse limit of \(Int32.max)")
            }
            var out = Dataset(unchecked: Matrix(rows: 0, cols: d), targets: targets, featureNames: featureNames,
                              labelNames: labelNames, task: task)
            out.sparseFeatures = SparseMatrix(unchecked: n, cols: d, rowOffsets: rowStart, columnIndices: columns, values: values)
            return out
        }
        let (elements, overflow) = n.multipliedReportingOverflow(by: d)
        guard !overflow, elements <= options.maxDenseElements else {
            throw DataFileError(file: file, message: "\(n) rows x \(d) features exceed the dense size limit of \(options.maxDenseElements) elements")
        }
        var x = [Float](repeating: 0, count: n * d)
        x.withUnsafeMutableBufferPointer { out in
            for r in 0..<n {
                for k in rowStart[r]..<rowStart[r + 1] { out[r * d + Int(columns[k])] = values[k] }
            }
        }
        columns = []
        values = []
        return Dataset(unchecked: Dataset.matrix(rows: n, cols: d, x), targets: targets,
                       featureNames: featureNames, labelNames: labelNames, task: task)
    }

    /// `N D L`: three non-negative integers and nothing else.
    private static func headerLine(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ line: Int) -> Header? {
        var numbers: [Int] = []
        var i = start
        while i < end {
            while i < end && ByteLines.isSpace(bytes[i]) { i += 1 }
            var e = i
            while e < end && !ByteLines.isSpace(bytes[e]) { e += 1 }
            guard let value = parseInt(bytes, i, e), value >= 0 else { return nil }
            numbers.append(value)
            i = e
        }
        guard numbers.count == 3 else { return nil }
        return Header(rows: numbers[0], features: numbers[1], labels: numbers[2], line: line)
    }

    /// A decimal integer with optional sign, or nil.
    static func parseInt(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        var i = start
        var negative = false
        if i < end && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < end, end - i <= 18 else { return nil }
        var value = 0
        while i < end {
            let d = bytes[i] &- 48
            guard d < 10 else { return nil }
            value = value * 10 + Int(d)
            i += 1
        }
        return negative ? -value : value
    }

    private static func parseLabel(_ bytes: UnsafeRawBufferPointer, _ s: Int, _ e: Int, binary: Bool,
                                   file: String, line: Int, field: Int) throws -> Int {
        guard let value = parseInt(bytes, s, e) else {
            throw DataFileError(file: file, line: line, message: "label \(field) is \(ByteText.quote(bytes, s, e)); expected a non-negative integer label index")
        }
        if binary {
            switch value {
            case 1: return 1
            case 0, -1: return 0
            default:
                throw DataFileError(file: file, line: line, message: "binary label \(value); expected -1, 0 or 1")
            }
        }
        guard value >= 0 else {
            throw DataFileError(file: file, line: line, message: "label \(value) is negative; expected a label index >= 0")
        }
        return value
    }
}
