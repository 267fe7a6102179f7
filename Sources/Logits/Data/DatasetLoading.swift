import Foundation

extension Dataset {
    /// Loads a data set from `path` in `format` (`.auto`: by file name, see `DataFormat`).
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
        switch chosen {
        case .arff: return try ARFFLoader.load(path: path, options: options)
        case .libsvm: return try LIBSVMLoader.load(path: path, options: options)
        case .csv: return try CSVLoader.load(path: path, options: options)
        case .idx: return try IDXLoader.load(imagesPath: path, options: options)
        case .auto: throw DataFileError(file: path, message: "unreachable format")
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
}
