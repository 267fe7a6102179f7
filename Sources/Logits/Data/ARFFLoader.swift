import Foundation

/// Weka / Mulan ARFF reader: dense rows (`v1,v2,...`) and sparse rows (`{i v, i v}`, 0-based
/// strictly ascending attribute indices, omitted attributes 0 = the first nominal value).
///
/// Attributes: `numeric`/`real`/`integer` and nominal `{...}` (coded by position). Which
/// attributes are targets comes from `LoadOptions.labels`; the remaining ones are features,
/// in header order. Labels are always kept in ARFF header order, whatever order the label
/// source lists them in (Mulan matches labels by name; yeast.xml lists another order).
///
/// - One selected label attribute that is nominal and not exactly `{0,1}` (or with
///   `task: .multiClass`) gives a multi-class data set: class names = the nominal values.
/// - Otherwise every label attribute must be `{0,1}`-like nominal (2 values) or numeric with
///   values 0/1, giving an `N x L` label matrix (multi-label, or `.binary` when asked for).
///   A `?` there is a missing label: 0 in the label matrix and 0 in `Dataset.labelMask`
///   (`?` in a feature or in a multi-class class attribute is an error).
///
/// The file is read once (memory-mapped); rows are counted first, then parsed straight into
/// the final `Float` buffers, so peak memory is the file plus the final matrices.
enum ARFFLoader {
    static func load(path: String, options: LoadOptions) throws -> Dataset {
        try parse(try FileBytes.readText(path, limit: options.maxTextBytes), path: path, options: options)
    }

    /// Parses ARFF bytes; `path` names the file in errors and locates a Mulan XML file.
    static func parse(_ data: Data, path: String, options: LoadOptions) throws -> Dataset {
        let file = path
        return try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Dataset in
            let header = try ARFFHeader.parse(bytes, file: file)
            let attributes = header.attributes
            let labelIndices = try selectLabels(header: header, path: path, options: options)
            let labelSet = Set(labelIndices)

            // Decide between class indices and a label matrix.
            var multiClass = false
            if labelIndices.count == 1, case .nominal(let values) = attributes[labelIndices[0]].kind {
                multiClass = values != ["0", "1"] || options.task.map { if case .multiClass = $0 { return true } else { return false } } == true
            }
            if case .binary? = options.task, labelIndices.count != 1 {
                throw DataFileError(file: file, message: "task binary needs exactly one 0/1 label attribute, found \(labelIndices.count)")
            }
            if !multiClass {
                for index in labelIndices {
                    if case .nominal(let values) = attributes[index].kind, values.count != 2 {
                        throw DataFileError(file: file, line: attributes[index].line, attribute: attributes[index].name,
                                            message: "label attribute has \(values.count) nominal values; expected 2 (e.g. {0,1}) for a multi-label target")
                    }
                }
            }

            var roles: [ARFFRole] = []
            var featureNames: [String] = []
            var labelNames: [String] = []
            var nominal: [NominalFeature] = []
            for (index, attribute) in attributes.enumerated() {
                if labelSet.contains(index) {
                    if multiClass { roles.append(.classTarget) } else {
                        roles.append(.label(labelNames.count))
                        labelNames.append(attribute.name)
                    }
                } else {
                    if case .nominal(let values) = attribute.kind {
                        nominal.append(NominalFeature(column: featureNames.count, name: attribute.name, values: values))
                    }
                    roles.append(.feature(featureNames.count))
                    featureNames.append(attribute.name)
                }
            }
            if multiClass, case .nominal(let values) = attributes[labelIndices[0]].kind { labelNames = values }
            let d = featureNames.count
            let l = multiClass ? 0 : labelNames.count

            // Count rows first so that the final buffers are allocated once, at their exact size.
            var rowCount = 0
            var counter = ByteLines(bytes, from: header.dataOffset, lineNumber: header.dataLine)
            while let (start, end, _) = counter.next() {
                if start < end && bytes[start] != UInt8(ascii: "%") { rowCount += 1 }
            }
            guard rowCount > 0 else {
                throw DataFileError(file: file, line: header.dataLine, message: "no data rows after @data; expected at least one instance")
            }
            // Sparse rows (`{i v, ...}`) are read straight into CSR unless dense storage is forced;
            // `.sparse` reads dense rows into CSR too. Nothing N x D is allocated on that path.
            var firstRow = ByteLines(bytes, from: header.dataOffset, lineNumber: header.dataLine)
            var sparseRows = false
            while let (start, end, _) = firstRow.next() {
                if start == end || bytes[start] == UInt8(ascii: "%") { continue }
                sparseRows = bytes[start] == UInt8(ascii: "{")
                break
            }
            let sink: SparseRowSink? = options.storage == .sparse || (options.storage == .automatic && sparseRows) ? SparseRowSink(rows: rowCount) : nil
            let denseWidth = sink == nil ? d : 0
            let (elements, overflow) = rowCount.multipliedReportingOverflow(by: denseWidth + l)
            guard !overflow, elements <= options.maxDenseElements else {
                throw DataFileError(file: file, message: "\(rowCount) rows x \(denseWidth + l) columns exceed the dense size limit of \(options.maxDenseElements) elements")
            }
            try MemoryBudget.checkLoad(bytes: MemoryBudget.datasetBytes(rows: rowCount, features: denseWidth, targets: multiClass ? 2 : l, names: 0),
                                       what: "\(rowCount) rows x \(denseWidth) dense features and \(multiClass ? 1 : l) target column(s)", file: file)

            var x = [Float](repeating: 0, count: rowCount * denseWidth)
            var y = [Float](repeating: 0, count: rowCount * l)
            var classes = [Int](repeating: 0, count: multiClass ? rowCount : 0)
            try x.withUnsafeMutableBufferPointer { xb in
                try y.withUnsafeMutableBufferPointer { yb in
                    var parser = RowParser(bytes: bytes, file: file, attributes: attributes, roles: roles,
                                           d: d, l: l, allowNonFinite: options.allowNonFinite, x: xb, y: yb, sparse: sink)
                    var lines = ByteLines(bytes, from: header.dataOffset, lineNumber: header.dataLine)
                    var row = 0
                    while let (start, end, number) = lines.next() {
                        if start == end || bytes[start] == UInt8(ascii: "%") { continue }
                        let cls = try parser.parseRow(row: row, start: start, end: end, line: number)
                        sink?.endRow()
                        if multiClass { classes[row] = cls }
                        row += 1
                    }
                }
            }
            var sparseFeatures = sink.map { SparseMatrix(unchecked: rowCount, cols: d, rowOffsets: $0.offsets, columnIndices: $0.columns, values: $0.values) }
            if let csr = sparseFeatures, options.storage == .automatic, !options.prefersSparse(rows: rowCount, cols: d, nonZeros: csr.nnz) {
                let (cells, overflow) = rowCount.multipliedReportingOverflow(by: d + l)
                guard !overflow, cells <= options.maxDenseElements else {
                    throw DataFileError(file: file, message: "\(rowCount) rows x \(d + l) columns exceed the dense size limit of \(options.maxDenseElements) elements")
                }
                try MemoryBudget.checkLoad(bytes: MemoryBudget.datasetBytes(rows: rowCount, features: d, targets: multiClass ? 2 : l, names: 0),
                                           what: "\(rowCount) rows x \(d) features and \(multiClass ? 1 : l) target column(s)", file: file)
                x = try csr.toDense().storage
                sparseFeatures = nil
            }
            func finish(_ data: Dataset) -> Dataset {
                var out = data
                out.sparseFeatures = sparseFeatures
                out.nominalFeatures = nominal
                return out
            }
            let features = sparseFeatures == nil ? Dataset.matrix(rows: rowCount, cols: d, x) : Matrix(rows: 0, cols: d)
            if multiClass {
                let names = options.classNames ?? labelNames
                guard names.count == labelNames.count else {
                    throw DataFileError(file: file, message: "\(names.count) class names given for \(labelNames.count) classes")
                }
                return finish(Dataset(unchecked: features, targets: .classIndices(classes), featureNames: featureNames,
                                      labelNames: names, task: .multiClass(classes: names.count)))
            }
            let task: ClassificationTask = options.task == .binary ? .binary : .multiLabel(labels: l)
            let (labels, mask) = Dataset.labelsAndMask(rows: rowCount, cols: l, y)  // `?` labels are NaN here
            return finish(Dataset(unchecked: features, targets: .matrix(labels),
                                  featureNames: featureNames, labelNames: labelNames, task: task, labelMask: mask))
        }
    }

    /// Attribute indices (header order) of the targets.
    private static func selectLabels(header: ARFFHeader, path: String, options: LoadOptions) throws -> [Int] {
        let attributes = header.attributes
        let byName = Dictionary(attributes.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        func indices(ofNames names: [String], source: String) throws -> [Int] {
            var result: [Int] = []
            for name in names {
                guard let index = byName[name] else {
                    throw DataFileError(file: source, attribute: name,
                                        message: "label is not an attribute of \(path); expected one of the \(attributes.count) declared attributes")
                }
                result.append(index)
            }
            return result
        }
        var selected: [Int]
        switch options.labels {
        case .automatic:
            if let xml = MulanLabelFile.companion(ofARFF: path) {
                selected = try indices(ofNames: try MulanLabelFile.labelNames(path: xml), source: xml)
            } else if let last = attributes.last, last.name.lowercased() == "class", case .nominal = last.kind {
                selected = [attributes.count - 1]
            } else {
                throw DataFileError(file: path, message: "cannot tell which attributes are labels: no Mulan XML file (NAME.xml) beside it and no nominal 'class' attribute last; say which attributes are labels (the last L, by name, or a Mulan XML file)")
            }
        case .trailing(let count):
            guard count >= 1, count < attributes.count else {
                throw DataFileError(file: path, message: "\(count) trailing labels requested but the header declares \(attributes.count) attributes; expected 1...\(attributes.count - 1)")
            }
            selected = Array((attributes.count - count)..<attributes.count)
        case .names(let names):
            selected = try indices(ofNames: names, source: path)
        case .xml(let xml):
            selected = try indices(ofNames: try MulanLabelFile.labelNames(path: xml), source: xml)
        case .prefix(let prefix):
            selected = attributes.indices.filter { attributes[$0].name.hasPrefix(prefix) }
        case .column(let name, let separator):
            guard separator == nil else {
                throw DataFileError(file: path, message: "a label-set column with a separator is a CSV option; ARFF labels are separate attributes")
            }
            selected = try indices(ofNames: [name], source: path)
        }
        selected = Array(Set(selected)).sorted()
        guard !selected.isEmpty else {
            throw DataFileError(file: path, message: "the label specification selects no attribute; expected at least one label")
        }
        guard selected.count < attributes.count else {
            throw DataFileError(file: path, message: "every attribute is a label; expected at least one feature attribute")
        }
        return selected
    }
}

/// Role of one attribute column.
enum ARFFRole {
    case feature(Int)
    case label(Int)
    case classTarget
}

/// Parses one data row into the preallocated output buffers (row `row`).
private struct RowParser {
    let bytes: UnsafeRawBufferPointer
    let file: String
    let attributes: [ARFFAttribute]
    let roles: [ARFFRole]
    let d: Int
    let l: Int
    let allowNonFinite: Bool
    let x: UnsafeMutableBufferPointer<Float>
    let y: UnsafeMutableBufferPointer<Float>
    /// Where feature values go when the features are read into CSR (`x` is then empty).
    let sparse: SparseRowSink?
    /// Per attribute: 0 numeric, 1 nominal `{0,1}`, 2 other nominal.
    let kinds: [UInt8]

    init(bytes: UnsafeRawBufferPointer, file: String, attributes: [ARFFAttribute], roles: [ARFFRole],
         d: Int, l: Int, allowNonFinite: Bool, x: UnsafeMutableBufferPointer<Float>, y: UnsafeMutableBufferPointer<Float>,
         sparse: SparseRowSink? = nil) {
        self.sparse = sparse
        self.bytes = bytes
        self.file = file
        self.attributes = attributes
        self.roles = roles
        self.d = d
        self.l = l
        self.allowNonFinite = allowNonFinite
        self.x = x
        self.y = y
        self.kinds = attributes.map { $0.kind == .numeric ? 0 : ($0.isBinaryNominal ? 1 : 2) }
    }

    /// Parses a dense or sparse row; returns the class index (multi-class) or 0.
    mutating func parseRow(row: Int, start: Int, end: Int, line: Int) throws -> Int {
        if bytes[start] == UInt8(ascii: "{") {
            return try parseSparse(row: row, start: start, end: end, line: line)
        }
        return try parseDense(row: row, start: start, end: end, line: line)
    }

    private func parseDense(row: Int, start: Int, end: Int, line: Int) throws -> Int {
        var classIndex = 0
        var position = start
        var field = 0
        let n = attributes.count
        while true {
            let (tokenStart, tokenEnd, next) = try token(from: position, end: end, separator: UInt8(ascii: ","), line: line)
            guard field < n else {
                throw DataFileError(file: file, line: line, message: "found more than \(n) values; expected \(n) comma-separated values (the attributes declared in the header)")
            }
            if let cls = try store(attribute: field, row: row, tokenStart, tokenEnd, line: line, field: field + 1) { classIndex = cls }
            field += 1
            guard let next else { break }
            position = next
        }
        guard field == n else {
            throw DataFileError(file: file, line: line, message: "found \(field) values; expected \(n) comma-separated values (the attributes declared in the header)")
        }
        return classIndex
    }

    private func parseSparse(row: Int, start: Int, end: Int, line: Int) throws -> Int {
        guard bytes[end - 1] == UInt8(ascii: "}") else {
            throw DataFileError(file: file, line: line, message: "sparse row is not closed with '}' (instance weights {..},{w} are not supported); expected {index value, ...}")
        }
        var classIndex = 0
        let innerEnd = end - 1
        var position = start + 1
        while position < innerEnd && ByteLines.isSpace(bytes[position]) { position += 1 }
        if position == innerEnd { return 0 }  // `{}`: every attribute 0
        var previous = -1
        let n = attributes.count
        while true {
            let (entryStart, entryEnd, next) = try token(from: position, end: innerEnd, separator: UInt8(ascii: ","), line: line)
            // Entry: INDEX whitespace VALUE
            var i = entryStart
            var index = 0
            var digits = 0
            while i < entryEnd, case let digit = bytes[i] &- 48, digit < 10 {
                if index < 1 << 40 { index = index * 10 + Int(digit) }
                digits += 1
                i += 1
            }
            guard digits > 0, i < entryEnd, ByteLines.isSpace(bytes[i]) else {
                throw DataFileError(file: file, line: line, message: "sparse entry \(ByteText.quote(bytes, entryStart, entryEnd)); expected 'INDEX VALUE' with a 0-based attribute index")
            }
            guard index < n else {
                throw DataFileError(file: file, line: line, message: "sparse index \(index) is beyond the \(n) declared attributes; expected an index in 0...\(n - 1)")
            }
            guard index > previous else {
                throw DataFileError(file: file, line: line, attribute: attributes[index].name,
                                    message: "sparse index \(index) follows index \(previous); expected strictly ascending indices (no repeats)")
            }
            previous = index
            while i < entryEnd && ByteLines.isSpace(bytes[i]) { i += 1 }
            if let cls = try store(attribute: index, row: row, i, entryEnd, line: line, field: index + 1) { classIndex = cls }
            guard let next else { break }
            position = next
        }
        return classIndex
    }

    /// The next separator-delimited token from `position`, trimmed, honouring '...' / "..."
    /// quoting; returns the token bounds and the start of the following token (nil at the end).
    private func token(from position: Int, end: Int, separator: UInt8, line: Int) throws -> (Int, Int, Int?) {
        var i = position
        while i < end && ByteLines.isSpace(bytes[i]) { i += 1 }
        let start = i
        if i < end && (bytes[i] == UInt8(ascii: "'") || bytes[i] == UInt8(ascii: "\"")) {
            let quote = bytes[i]
            i += 1
            while i < end && bytes[i] != quote {
                if bytes[i] == UInt8(ascii: "\\") { i += 1 }
                i += 1
            }
            guard i < end else {
                throw DataFileError(file: file, line: line, message: "unterminated quoted value starting \(ByteText.quote(bytes, start, end))")
            }
            i += 1
        }
        while i < end && bytes[i] != separator { i += 1 }
        var stop = i
        while stop > start && ByteLines.isSpace(bytes[stop - 1]) { stop -= 1 }
        return (start, stop, i < end ? i + 1 : nil)
    }

    /// Decodes the value of `attribute` for `row`; returns the class index for the class attribute.
    private func store(attribute index: Int, row: Int, _ start: Int, _ end: Int, line: Int, field: Int) throws -> Int? {
        // Hot path: only flat per-attribute codes are read (copying an `ARFFAttribute` would
        // retain its strings and arrays for every value); the attribute itself is looked up
        // for general nominal values and for error messages.
        let value: Float
        let kind = kinds[index]
        if end - start == 1 && (kind == 1 || bytes[start] == UInt8(ascii: "?")) {
            let b = bytes[start]
            if b == UInt8(ascii: "0") || b == UInt8(ascii: "1") {
                value = Float(b &- 48)  // {0,1} nominal: the code equals the digit
            } else if b == UInt8(ascii: "?"), case .label = roles[index] {
                value = .nan  // a missing label: masked (Dataset.labelMask)
            } else if b == UInt8(ascii: "?") {
                throw DataFileError(file: file, line: line, column: field, attribute: attributes[index].name,
                                    message: "missing value '?'; expected a value (missing values are not supported)")
            } else {
                value = Float(try nominalCode(attributes[index], start, end, line: line, field: field))
            }
        } else if kind == 0 {
            var (s, e) = (start, end)
            if e - s >= 2, bytes[s] == bytes[e - 1], bytes[s] == UInt8(ascii: "'") || bytes[s] == UInt8(ascii: "\"") {
                s += 1
                e -= 1
            }
            switch DecimalParser.parse(bytes, s, e) {
            case .finite(let v): value = v
            case .nonFinite(let v):
                guard allowNonFinite, case .feature = roles[index] else {
                    throw DataFileError(file: file, line: line, column: field, attribute: attributes[index].name,
                                        message: "non-finite value \(ByteText.quote(bytes, start, end)); expected a finite number (allow non-finite values to accept NaN/inf)")
                }
                value = v
            case .invalid:
                throw DataFileError(file: file, line: line, column: field, attribute: attributes[index].name,
                                    message: "non-numeric value \(ByteText.quote(bytes, start, end)); expected a number")
            }
        } else {
            value = Float(try nominalCode(attributes[index], start, end, line: line, field: field))
        }
        switch roles[index] {
        case .feature(let column):
            if let sparse {
                if value != 0 { sparse.append(column: column, value: value) }
            } else {
                x[row * d + column] = value
            }
        case .label(let column):
            guard value == 0 || value == 1 || value.isNaN else {
                throw DataFileError(file: file, line: line, column: field, attribute: attributes[index].name,
                                    message: "label value \(ByteText.quote(bytes, start, end)); expected 0 or 1")
            }
            y[row * l + column] = value
        case .classTarget:
            return Int(value)
        }
        return nil
    }

    /// Position of the token among the attribute's nominal values.
    private func nominalCode(_ attribute: ARFFAttribute, _ start: Int, _ end: Int, line: Int, field: Int) throws -> Int {
        var s = start
        var e = end
        if e - s >= 2, bytes[s] == bytes[e - 1], bytes[s] == UInt8(ascii: "'") || bytes[s] == UInt8(ascii: "\"") {
            s += 1
            e -= 1
        }
        let length = e - s
        for (code, value) in attribute.nominalBytes.enumerated() where value.count == length {
            var equal = true
            for k in 0..<length where value[k] != bytes[s + k] { equal = false; break }
            if equal { return code }
        }
        let declared = attribute.nominalBytes.count <= 10
            ? "{" + attribute.nominalBytes.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",") + "}"
            : "the \(attribute.nominalBytes.count) declared nominal values"
        throw DataFileError(file: file, line: line, column: field, attribute: attribute.name,
                            message: "value \(ByteText.quote(bytes, start, end)) is not a declared nominal value; expected one of \(declared)")
    }
}

/// The CSR arrays the ARFF parser appends to when features are read sparse (a class, so that
/// the parser's non-mutating `store` can append). Columns arrive ascending within a row: features
/// keep the attributes' header order, and sparse rows list ascending attribute indices.
final class SparseRowSink {
    var offsets: [Int]
    var columns: [Int32] = []
    var values: [Float] = []

    init(rows: Int) {
        offsets = [0]
        offsets.reserveCapacity(rows + 1)
    }

    func append(column: Int, value: Float) {
        columns.append(Int32(truncatingIfNeeded: column))
        values.append(value)
    }

    func endRow() { offsets.append(columns.count) }
}
