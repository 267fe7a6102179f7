import Foundation

/// Reader for labelled CSV files with a header row, tokenized by `CSVScanner` (the library's
/// one CSV tokenizer: RFC 4180 quoting, CRLF, BOM, detected or given delimiter).
///
/// Targets (`LoadOptions.labels`):
/// - `.column(name, separator: nil)` (and `.automatic`, which picks a column named `label`,
///   `labels`, `class` or `target`): one column of class names -> multi-class; classes sorted
///   (numerically when every name is an integer).
/// - `.column(name, separator: "|")`: one column holding a label set such as
///   `electronics|laptop|gaming` -> multi-label; labels sorted, an empty field = no label.
/// - `.names([...])`, `.prefix(p)`, `.trailing(k)`: 0/1 label columns (file order) -> multi-label
///   (`task: .binary` for a single one).
/// Every other column is a numeric feature. Lines in messages are file lines (a quoted field
/// may span several). A first row of numbers is not taken for a header: it is an error unless
/// `LoadOptions.hasHeader` is `false` (then columns are named `1`, `2`, ...).
enum CSVLoader {
    private enum Target {
        case classColumn(Int)
        case labelSetColumn(Int, Character)
        case labelColumns([Int])
    }

    static func load(path: String, options: LoadOptions) throws -> Dataset {
        try parse(try FileBytes.readText(path, limit: options.maxTextBytes), path: path, options: options)
    }

    /// Parses CSV bytes; `path` names the file in errors.
    static func parse(_ data: Data, path: String, options: LoadOptions) throws -> Dataset {
        try data.withUnsafeBytes { try parse(bytes: $0, path: path, options: options) }
    }

    private static func parse(bytes: UnsafeRawBufferPointer, path: String, options: LoadOptions) throws -> Dataset {
        let textStart = try CSVScanner.textStart(bytes, file: path)
        let delimiter = try options.delimiter.map { try CSVScanner.delimiterByte($0, file: path) }
            ?? CSVScanner.detectDelimiter(bytes, from: textStart)
        var scanner = CSVScanner(bytes, file: path, delimiter: delimiter, from: textStart)
        guard try scanner.next() else {
            throw DataFileError(file: path, message: "empty file; expected a header row of column names")
        }
        let header: [String]
        let headerLine = scanner.recordLine
        var pendingRecord = false
        if options.hasHeader == false {
            header = (1...scanner.fields.count).map(String.init)
            pendingRecord = true
        } else {
            if options.hasHeader == nil, scanner.fields.allSatisfy({ scanner.number($0) != .invalid }) {
                throw DataFileError(file: path, line: headerLine,
                                    message: "the first row holds only numbers; expected a header row of column names (or read the file as headerless)")
            }
            header = scanner.fields.map { scanner.string($0).trimmingSpaces() }
        }
        var seen = [String: Int]()
        for (i, name) in header.enumerated() {
            if let first = seen[name] {
                throw DataFileError(file: path, line: headerLine, column: i + 1, attribute: name,
                                    message: "duplicate column name (also column \(first + 1)); expected unique names")
            }
            seen[name] = i
        }
        let target = try selectTarget(header: header, index: seen, path: path, options: options)
        let targetColumns: Set<Int>
        switch target {
        case .classColumn(let c), .labelSetColumn(let c, _): targetColumns = [c]
        case .labelColumns(let cs): targetColumns = Set(cs)
        }
        let featureColumns = header.indices.filter { !targetColumns.contains($0) }
        guard !featureColumns.isEmpty else {
            throw DataFileError(file: path, message: "every column is a target; expected at least one feature column")
        }
        let d = featureColumns.count
        let budget = MemoryBudget.limit
        var x: [Float] = []
        var y: [Float] = []
        var rawTargets: [String] = []
        var rows = 0
        while try pendingRecord || scanner.next() {
            pendingRecord = false
            let line = scanner.recordLine
            let record = scanner.fields
            guard record.count == header.count else {
                throw DataFileError(file: path, line: line, message: "found \(record.count) fields; expected \(header.count) (the columns of the header)")
            }
            let (elements, overflow) = (rows + 1).multipliedReportingOverflow(by: d)
            guard !overflow, elements <= options.maxDenseElements else {
                throw DataFileError(file: path, line: line, message: "more than \(options.maxDenseElements) feature values: past the dense size limit")
            }
            if (elements + y.count) * 4 > budget {
                try MemoryBudget.checkLoad(bytes: MemoryBudget.sum(MemoryBudget.product(elements, 4), MemoryBudget.product(y.count, 4)),
                                           what: "more than \(rows) rows x \(d) features", file: path, line: line)
            }
            for c in featureColumns {
                let field = record[c]
                switch scanner.number(field) {
                case .finite(let v): x.append(v)
                case .nonFinite(let v):
                    guard options.allowNonFinite else {
                        throw DataFileError(file: path, line: line, column: c + 1, attribute: header[c],
                                            message: "non-finite value \(scanner.quoted(field)); expected a finite number (allow non-finite values to accept NaN/inf)")
                    }
                    x.append(v)
                case .invalid:
                    throw DataFileError(file: path, line: line, column: c + 1, attribute: header[c],
                                        message: field.start == field.end ? "empty field; expected a number" : "non-numeric value \(scanner.quoted(field)); expected a number")
                }
            }
            switch target {
            case .classColumn(let c), .labelSetColumn(let c, _):
                rawTargets.append(scanner.string(record[c]).trimmingSpaces())
            case .labelColumns(let cs):
                for c in cs {
                    let field = record[c]
                    guard case .finite(let v) = scanner.number(field), v == 0 || v == 1 else {
                        throw DataFileError(file: path, line: line, column: c + 1, attribute: header[c],
                                            message: "label value \(scanner.quoted(field)); expected 0 or 1")
                    }
                    y.append(v)
                }
            }
            rows += 1
        }
        guard rows > 0 else {
            throw DataFileError(file: path, line: headerLine, message: "no data rows after the header; expected at least one row")
        }
        let features = Dataset.matrix(rows: rows, cols: d, x)
        let featureNames = featureColumns.map { header[$0] }
        switch target {
        case .classColumn:
            let names = options.classNames ?? sortedNames(Set(rawTargets))
            let vocabulary = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            var classes = [Int](repeating: 0, count: rows)
            for (r, name) in rawTargets.enumerated() {
                guard let c = vocabulary[name] else {
                    throw DataFileError(file: path, message: "class \(ARFFHeader.quoted(name)) of data row \(r + 1) is not among the \(names.count) given class names")
                }
                classes[r] = c
            }
            return Dataset(unchecked: features, targets: .classIndices(classes), featureNames: featureNames,
                           labelNames: names, task: .multiClass(classes: names.count))
        case .labelSetColumn(_, let separator):
            let sets = rawTargets.map { field in
                field.split(separator: separator).map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
            }
            let names = options.classNames ?? sortedNames(Set(sets.joined()))
            let vocabulary = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            let l = names.count
            guard l > 0 else { throw DataFileError(file: path, message: "the label column holds no label at all; expected at least one") }
            var labels = [Float](repeating: 0, count: rows * l)
            for (r, set) in sets.enumerated() {
                for name in set {
                    guard let k = vocabulary[name] else {
                        throw DataFileError(file: path, message: "label \(ARFFHeader.quoted(name)) of data row \(r + 1) is not among the \(l) given label names")
                    }
                    labels[r * l + k] = 1
                }
            }
            return Dataset(unchecked: features, targets: .matrix(Dataset.matrix(rows: rows, cols: l, labels)),
                           featureNames: featureNames, labelNames: names, task: .multiLabel(labels: l))
        case .labelColumns(let cs):
            let task: ClassificationTask = options.task == .binary ? .binary : .multiLabel(labels: cs.count)
            return Dataset(unchecked: features, targets: .matrix(Dataset.matrix(rows: rows, cols: cs.count, y)),
                           featureNames: featureNames, labelNames: cs.map { header[$0] }, task: task)
        }
    }

    private static func selectTarget(header: [String], index: [String: Int], path: String, options: LoadOptions) throws -> Target {
        func column(_ name: String) throws -> Int {
            guard let c = index[name] else {
                throw DataFileError(file: path, line: 1, attribute: name, message: "no such column; expected one of the \(header.count) header names")
            }
            return c
        }
        var target: Target
        switch options.labels {
        case .automatic:
            guard let c = header.firstIndex(where: { ["label", "labels", "class", "target"].contains($0.lowercased()) }) else {
                throw DataFileError(file: path, line: 1, message: "no column named label, labels, class or target; name the label column(s) explicitly")
            }
            target = .classColumn(c)
        case .column(let name, let separator):
            let c = try column(name)
            target = separator.map { .labelSetColumn(c, $0) } ?? .classColumn(c)
        case .names(let names):
            target = .labelColumns(try names.map(column).sorted())
        case .prefix(let prefix):
            target = .labelColumns(header.indices.filter { header[$0].hasPrefix(prefix) })
        case .trailing(let k):
            guard k >= 1, k < header.count else {
                throw DataFileError(file: path, line: 1, message: "\(k) trailing label columns requested but the header has \(header.count) columns; expected 1...\(header.count - 1)")
            }
            target = .labelColumns(Array((header.count - k)..<header.count))
        case .xml:
            throw DataFileError(file: path, message: "a Mulan XML label file applies to ARFF; for CSV pass .column, .names, .prefix or .trailing")
        }
        if case .labelColumns(let cs) = target {
            guard !cs.isEmpty else {
                throw DataFileError(file: path, line: 1, message: "the label specification selects no column; expected at least one")
            }
            if case .multiClass? = options.task, cs.count == 1 {
                target = .classColumn(cs[0])
            } else if case .binary? = options.task, cs.count != 1 {
                throw DataFileError(file: path, message: "task binary needs one 0/1 label column, found \(cs.count)")
            }
        }
        return target
    }

    /// Sorted numerically when every name is an integer, else lexicographically.
    static func sortedNames(_ names: Set<String>) -> [String] {
        if names.allSatisfy({ Int($0) != nil }) {
            return names.sorted { (Int($0) ?? 0, $0) < (Int($1) ?? 0, $1) }
        }
        return names.sorted()
    }
}
