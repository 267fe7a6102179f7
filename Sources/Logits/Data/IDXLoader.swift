import Foundation

/// Reader for the IDX files of MNIST and Fashion-MNIST, gzipped (`.gz`, detected by the magic
/// bytes) or not.
///
/// Images file: magic `0x00000803` (2051), then count, rows, cols as big-endian `UInt32`, then
/// `count * rows * cols` `UInt8` pixels, row-major. Labels file: magic `0x00000801` (2049),
/// count, then `count` `UInt8` labels.
///
/// The result is an `N x (rows*cols)` matrix with pixels scaled to `[0, 1]` by `/ 255`
/// (exactly `Float(pixel) / 255`, the same as torchvision's `ToTensor`), class indices
/// `0..<C`, class names `"0"..."9"` (`C = 10`) or `LoadOptions.classNames` (e.g.
/// Fashion-MNIST's; `C` = their count), and feature names `"r{row}c{col}"`.
public enum IDXLoader {
    /// Fashion-MNIST's class names, for `LoadOptions(classNames:)`.
    public static let fashionMNISTClassNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// The labels file that belongs to an images file, by the standard naming
    /// (`train-images-idx3-ubyte.gz` -> `train-labels-idx1-ubyte.gz`, `t10k-...` likewise).
    public static func labelsPath(forImages path: String) -> String? {
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        guard name.contains("images-idx3") else { return nil }
        let labels = name.replacingOccurrences(of: "images-idx3", with: "labels-idx1")
        let dir = url.deletingLastPathComponent()
        for candidate in [labels, labels.hasSuffix(".gz") ? String(labels.dropLast(3)) : labels + ".gz"] {
            let full = dir.appendingPathComponent(candidate).path
            if FileManager.default.fileExists(atPath: full) { return full }
        }
        return dir.appendingPathComponent(labels).path
    }

    /// Loads an images file and its labels file (found by `labelsPath(forImages:)` when
    /// `labelsPath` is nil). A labels path given as `imagesPath` is swapped for its images file.
    /// - Throws: `DataFileError` for a missing file, a wrong magic number, a truncated file or
    ///   gzip stream, mismatched counts, or trailing bytes.
    public static func load(imagesPath: String, labelsPath explicitLabels: String? = nil,
                            options: LoadOptions = LoadOptions()) throws -> Dataset {
        var images = imagesPath
        let name = URL(fileURLWithPath: imagesPath).lastPathComponent
        if explicitLabels == nil, name.contains("labels-idx1") {
            images = URL(fileURLWithPath: imagesPath).deletingLastPathComponent()
                .appendingPathComponent(name.replacingOccurrences(of: "labels-idx1", with: "images-idx3")).path
        }
        guard let labels = explicitLabels ?? Self.labelsPath(forImages: images) else {
            throw DataFileError(file: imagesPath, message: "cannot find the labels file: expected a name like train-images-idx3-ubyte[.gz] whose labels file is train-labels-idx1-ubyte[.gz]; give the labels file explicitly")
        }
        let classIndices = try readLabels(path: labels)
        return try decode(images: try FileBytes.read(images), file: images, classIndices: classIndices,
                          labelsFile: labels, options: options)
    }

    /// Decodes an images file's bytes (gzipped or not; `file` names it in errors) with the
    /// class indices of its labels file (`labelsFile` names that one).
    static func decode(images raw: Data, file images: String, classIndices: [Int], labelsFile labels: String,
                       options: LoadOptions) throws -> Dataset {
        let names = options.classNames ?? (0..<10).map(String.init)
        if let bad = classIndices.firstIndex(where: { $0 >= names.count }) {
            throw DataFileError(file: labels, message: "label \(classIndices[bad]) of item \(bad) is out of range; expected 0...\(names.count - 1) (\(names.count) class names\(options.classNames == nil ? "; give class names for more classes" : ""))")
        }

        return try raw.withUnsafeBytes { rawBytes -> Dataset in
            // The 16 header bytes first (a tiny partial inflate), then the pixels streamed
            // straight from the inflater into the final Float buffer.
            let head = try prefix(rawBytes, file: images, count: 16)
            let dims = try head.withUnsafeBytes { try header($0, file: images, magic: 2051, dimensions: 3) }
            let (count, rows, cols) = (dims[0], dims[1], dims[2])
            let (pixels, pixelOverflow) = rows.multipliedReportingOverflow(by: cols)
            let (total, overflow) = count.multipliedReportingOverflow(by: pixels)
            guard count > 0, pixels > 0 else {
                throw DataFileError(file: images, message: "the header announces \(count) images of \(rows)x\(cols); expected at least one non-empty image")
            }
            guard !pixelOverflow, !overflow, total <= options.maxDenseElements else {
                throw DataFileError(file: images, message: "\(count) images of \(rows)x\(cols) exceed the dense size limit of \(options.maxDenseElements) elements")
            }
            try MemoryBudget.checkLoad(bytes: MemoryBudget.datasetBytes(rows: count, features: pixels, targets: 2, names: pixels),
                                       what: "the header's \(count) images of \(rows)x\(cols)", file: images)
            var position = 0
            var written = 0
            var extra = 0
            let x = try [Float](unsafeUninitializedCapacity: total) { out, initialized in
                initialized = 0
                try forEachChunk(rawBytes, file: images, limit: total + 16 + (1 << 20)) { chunk in
                    let skip = position < 16 ? min(16 - position, chunk.count) : 0
                    position += chunk.count
                    let available = chunk.count - skip
                    let take = min(available, total - written)
                    Self.scalePixels(chunk, from: skip, count: take, into: out, at: written)
                    written += take
                    extra += available - take
                }
                guard written == total, extra == 0 else {
                    throw DataFileError(file: images, message: written < total
                        ? "truncated: the header announces \(count) images of \(rows)x\(cols) = \(total) bytes but only \(written) follow"
                        : "\(extra) unexpected bytes after the \(total) pixel bytes")
                }
                initialized = total
            }
            guard count == classIndices.count else {
                throw DataFileError(file: labels, message: "\(classIndices.count) labels for \(count) images in \((images as NSString).lastPathComponent); expected the same count")
            }
            let featureNames = (0..<rows).flatMap { r in (0..<cols).map { c in "r\(r)c\(c)" } }
            return Dataset(unchecked: Dataset.matrix(rows: count, cols: pixels, x), targets: .classIndices(classIndices),
                           featureNames: featureNames, labelNames: names, task: .multiClass(classes: names.count))
        }
    }

    /// `out[at + i] = Float(bytes[from + i]) / 255` for `i < count` (a plain loop the compiler
    /// vectorizes; the division is kept, so values are exactly `Float(p) / 255`).
    @inline(__always)
    static func scalePixels(_ bytes: UnsafeRawBufferPointer, from: Int, count: Int,
                            into out: UnsafeMutableBufferPointer<Float>, at: Int) {
        guard count > 0, let source = bytes.baseAddress, let target = out.baseAddress else { return }
        let src = (source + from).assumingMemoryBound(to: UInt8.self)
        let dst = target + at
        for i in 0..<count { dst[i] = Float(src[i]) / 255 }
    }

    /// Calls `consume` with the decoded bytes of `raw` in order: inflated chunks for gzip data,
    /// else the bytes themselves in one piece.
    static func forEachChunk(_ raw: UnsafeRawBufferPointer, file: String, limit: Int,
                             _ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        if Gzip.isGzip(raw) {
            try Gzip.inflate(raw, file: file, limit: limit, consume: consume)
        } else {
            try consume(raw)
        }
    }

    private struct EnoughBytes: Error {}

    /// The first `count` decoded bytes (fewer if the data is shorter).
    static func prefix(_ raw: UnsafeRawBufferPointer, file: String, count: Int) throws -> [UInt8] {
        var head: [UInt8] = []
        do {
            try forEachChunk(raw, file: file, limit: Int.max) { chunk in
                head.append(contentsOf: chunk.prefix(count - head.count))
                if head.count >= count { throw EnoughBytes() }
            }
        } catch is EnoughBytes {}
        return head
    }

    /// The labels of an IDX labels file (magic 2049), as integers 0...255.
    public static func readLabels(path labels: String) throws -> [Int] {
        try withDecodedBytes(labels, limit: min(1 << 31, MemoryBudget.limit)) { try Self.labels(in: $0, file: labels) }
    }

    /// The labels of decoded IDX labels bytes (`file` names them in errors).
    static func labels(in b: UnsafeRawBufferPointer, file labels: String) throws -> [Int] {
        let count = try header(b, file: labels, magic: 2049, dimensions: 1)[0]
        guard b.count - 8 == count else {
            throw DataFileError(file: labels, message: b.count - 8 < count
                ? "truncated: the header announces \(count) labels but only \(b.count - 8) bytes follow"
                : "\(b.count - 8 - count) unexpected bytes after the \(count) labels")
        }
        try MemoryBudget.checkLoad(bytes: MemoryBudget.product(count, 8), what: "the header's \(count) labels", file: labels)
        return (0..<count).map { Int(b[8 + $0]) }
    }

    /// Calls `body` with the file's bytes, gunzipped when they start with the gzip magic.
    static func withDecodedBytes<R>(_ path: String, limit: Int, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let raw = try FileBytes.read(path)
        let inflated: [UInt8]? = try raw.withUnsafeBytes { b in
            Gzip.isGzip(b) ? try Gzip.decompress(b, file: path, limit: limit) : nil
        }
        if let inflated { return try inflated.withUnsafeBytes(body) }
        return try raw.withUnsafeBytes(body)
    }

    /// Checks the magic number and reads `dimensions` big-endian sizes.
    static func header(_ b: UnsafeRawBufferPointer, file: String, magic: Int, dimensions: Int) throws -> [Int] {
        let needed = 4 + 4 * dimensions
        guard b.count >= needed else {
            throw DataFileError(file: file, message: b.count == 0 ? "empty file; expected an IDX header" : "truncated IDX header: \(b.count) bytes, expected at least \(needed)")
        }
        func u32(_ offset: Int) -> Int {
            Int(b[offset]) << 24 | Int(b[offset + 1]) << 16 | Int(b[offset + 2]) << 8 | Int(b[offset + 3])
        }
        let found = u32(0)
        guard found == magic else {
            let kind = magic == 2051 ? "an images file (idx3, unsigned bytes)" : "a labels file (idx1, unsigned bytes)"
            throw DataFileError(file: file, message: "magic number \(found) (0x\(String(found, radix: 16))); expected \(magic) (0x\(String(magic, radix: 16))) for \(kind)")
        }
        return (0..<dimensions).map { u32(4 + 4 * $0) }
    }
}
