import Foundation

extension Dataset {
    /// Loads a data set from `path` in `format` (`.auto`: by file name, see `DataFormat`), then
    /// one-hot encodes its nominal feature attributes (`encodingNominalFeatures` with
    /// `options.oneHotLimit` and `options.requiredNominal`; only ARFF files declare them).
    /// - Throws: `DataFileError` naming the file (and line, field) for anything malformed.
    public static func load(from path: String, format: DataFormat = .auto,
                            options: LoadOptions = LoadOptions()) throws -> Dataset {
        var chosen = format
        if chosen == .auto {
            guard let detected = DataFormat.detect(fileName: (path as NSString).lastPathComponent) else {
                throw DataFileError(file: path, message: "cannot tell the format from the file name; expected .arff, .svm/.libsvm/.txt, .csv or *-idx*-ubyte[.gz] (or pass a format)")
            }
            chosen = detected
        }
        let loaded: Dataset
        switch chosen {
        case .arff: loaded = try ARFFLoader.load(path: path, options: options)
        case .libsvm: loaded = try LIBSVMLoader.load(path: path, options: options)
        case .csv: loaded = try CSVLoader.load(path: path, options: options)
        case .idx: loaded = try IDXLoader.load(imagesPath: path, options: options)
        case .auto: throw DataFileError(file: path, message: "unreachable format")
        }
        let encoded: Dataset
        do {
            encoded = try loaded.encodingNominalFeatures(limit: options.oneHotLimit, required: options.requiredNominal,
                                                         maxElements: options.maxDenseElements)
        } catch let error as LogitsError {
            switch error {
            case .shapeMismatch(let m), .invalidValue(let m), .unavailable(let m), .nonFinite(let m):
                throw DataFileError(file: path, message: m)
            }
        }
        return try encoded.converted(to: options.task, file: path).stored(as: options)
    }

    /// Applies `options.storage` to a loaded data set: the LIBSVM and ARFF loaders already chose
    /// (a sparse file is read straight into CSR); a dense one is converted when CSR is preferred.
    func stored(as options: LoadOptions) throws -> Dataset {
        if isSparse {
            guard options.storage == .dense else { return self }
            return try densified()
        }
        guard options.storage != .dense else { return self }
        let nonZeros = features.storage.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        guard options.prefersSparse(rows: count, cols: featureCount, nonZeros: nonZeros) else { return self }
        return try sparsified()
    }

    /// Applies a requested task kind (its counts are ignored) to a loaded data set:
    /// - `.multiLabel` from class indices: one-hot `N x C` matrix, label names = class names;
    /// - `.multiClass` from a label matrix: each row must have exactly one positive label,
    ///   which becomes its class (class names = label names);
    /// - `.binary` from a one-column label matrix, or from two classes (class 1 = positive).
    /// - Throws: `DataFileError` when the targets cannot take the requested form.
    func converted(to requested: ClassificationTask?, file: String) throws -> Dataset {
        var out = try convertedTargets(to: requested, file: file)
        out.sparseFeatures = sparseFeatures  // the conversions below rebuild the targets only
        return out
    }

    private func convertedTargets(to requested: ClassificationTask?, file: String) throws -> Dataset {
        guard let requested else { return self }
        switch (requested, targets) {
        case (.multiLabel, .matrix):
            if case .binary = task {
                return Dataset(unchecked: features, targets: targets, featureNames: featureNames,
                               labelNames: labelNames, task: .multiLabel(labels: labelNames.count), labelMask: labelMask)
            }
            return self
        case (.multiClass, .classIndices):
            return self
        case (.multiLabel, .classIndices(let y)):
            let c = labelNames.count
            var m = [Float](repeating: 0, count: y.count * c)
            for (r, k) in y.enumerated() { m[r * c + k] = 1 }
            return Dataset(unchecked: features, targets: .matrix(Dataset.matrix(rows: y.count, cols: c, m)),
                           featureNames: featureNames, labelNames: labelNames, task: .multiLabel(labels: c))
        case (.multiClass, .matrix(let m)):
            if labelMask != nil {
                throw DataFileError(file: file, message: "missing labels ('?'); a multi-class task needs every label")
            }
            var y = [Int](repeating: 0, count: m.rows)
            for r in 0..<m.rows {
                let positives = (0..<m.cols).filter { m.storage[r * m.cols + $0] != 0 }
                guard positives.count == 1 else {
                    throw DataFileError(file: file, message: "data row \(r + 1) has \(positives.count) positive labels; expected exactly one for a multi-class task")
                }
                y[r] = positives[0]
            }
            return Dataset(unchecked: features, targets: .classIndices(y), featureNames: featureNames,
                           labelNames: labelNames, task: .multiClass(classes: labelNames.count))
        case (.binary, .matrix(let m)):
            guard m.cols == 1 else {
                throw DataFileError(file: file, message: "\(m.cols) label columns; expected exactly one for a binary task")
            }
            return Dataset(unchecked: features, targets: targets, featureNames: featureNames, labelNames: labelNames, task: .binary,
                           labelMask: labelMask)
        case (.binary, .classIndices(let y)):
            guard labelNames.count == 2 else {
                throw DataFileError(file: file, message: "\(labelNames.count) classes; expected exactly two for a binary task")
            }
            let m = Dataset.matrix(rows: y.count, cols: 1, y.map { Float($0) })
            return Dataset(unchecked: features, targets: .matrix(m), featureNames: featureNames,
                           labelNames: [labelNames[1]], task: .binary)
        }
    }

    /// `load(from: url.path, ...)`.
    public static func load(from url: URL, format: DataFormat = .auto,
                            options: LoadOptions = LoadOptions()) throws -> Dataset {
        try load(from: url.path, format: format, options: options)
    }
}

/// Reads whole files for the loaders (one read, memory-mapped when possible).
enum FileBytes {
    static func read(_ path: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw DataFileError(file: path, message: "cannot read file: \(error.localizedDescription)")
        }
    }

    /// The file's bytes, gunzipped when they start with the gzip magic (`.arff.gz`, `.csv.gz`, ...).
    static func readText(_ path: String, limit: Int) throws -> Data {
        let raw = try read(path)
        let inflated: [UInt8]? = try raw.withUnsafeBytes { bytes in
            Gzip.isGzip(bytes) ? try Gzip.decompress(bytes, file: path, limit: limit) : nil
        }
        return inflated.map { Data($0) } ?? raw
    }
}
