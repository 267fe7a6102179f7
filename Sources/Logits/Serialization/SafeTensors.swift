import Foundation

/// One named tensor of a safetensors file: its dtype, shape and raw little-endian bytes.
public struct SafeTensor: Sendable, Equatable {
    /// The tensor's key in the file, e.g. `"0.weight"`.
    public var name: String
    /// The safetensors dtype string (`"F32"`, `"F64"`, `"I64"`, ...).
    public var dtype: String
    /// The shape, outermost dimension first (PyTorch order; `[]` for a scalar).
    public var shape: [Int]
    /// The raw little-endian element bytes, `shape.product * dtypeSize` of them.
    public var bytes: [UInt8]

    /// A float32 tensor from row-major values; `values.count` must equal the product of `shape`.
    /// - Throws: `ModelFileError.invalidTensor` if it does not.
    public init(name: String, shape: [Int], values: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw ModelFileError(.invalidTensor("'\(name)': shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)"))
        }
        self.name = name
        self.dtype = "F32"
        self.shape = shape
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 4)
        for v in values {
            let bits = v.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        self.bytes = bytes
    }

    /// A tensor from raw bytes, as the reader produces it (sizes already validated).
    public init(name: String, dtype: String, shape: [Int], bytes: [UInt8]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// Number of elements (product of the shape).
    public var elementCount: Int { shape.reduce(1, *) }

    /// The elements as `Float`, row-major.
    /// - Throws: `ModelFileError.unsupportedDType` unless the dtype is `F32`.
    public func floats() throws -> [Float] {
        guard dtype == "F32" else { throw ModelFileError(.unsupportedDType(tensor: name, dtype: dtype)) }
        let n = bytes.count / 4
        var out = [Float](repeating: 0, count: n)
        bytes.withUnsafeBytes { raw in
            for i in 0..<n {
                let bits = raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)
                out[i] = Float(bitPattern: UInt32(littleEndian: bits))
            }
        }
        return out
    }
}

/// The safetensors container format (Hugging Face), read and written exactly as the Python
/// `safetensors` library does:
///
/// ```
/// [u64 little-endian N][N bytes of UTF-8 JSON header, padded with spaces to a multiple of 8][data]
/// header = {"__metadata__": {string: string}, name: {"dtype": "F32", "shape": [d0, d1, ...],
///                                                   "data_offsets": [begin, end]}, ...}
/// ```
/// Offsets are relative to the start of the data section; tensors are laid out contiguously in
/// the order the Python library uses (larger dtype alignment first, then by name), with no gap
/// and no overlap, and the last tensor ends at the end of the file.
public enum SafeTensors {
    /// The largest header the reader accepts (the Python library's limit).
    public static let maxHeaderBytes = 100_000_000

    /// Bytes per element for each safetensors dtype.
    public static let dtypeSizes: [String: Int] = [
        "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1,
        "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
        "I32": 4, "U32": 4, "F32": 4,
        "I64": 8, "U64": 8, "F64": 8,
    ]

    /// Serializes tensors and string metadata into a safetensors byte buffer.
    /// - Throws: `ModelFileError.invalidTensor` for duplicate names, unknown dtypes or byte counts
    ///   that do not match the shape.
    public static func encode(_ tensors: [SafeTensor], metadata: [String: String]) throws -> [UInt8] {
        var seen = Set<String>()
        for t in tensors {
            guard t.name != "__metadata__", seen.insert(t.name).inserted else {
                throw ModelFileError(.invalidTensor("duplicate or reserved tensor name '\(t.name)'"))
            }
            guard let size = dtypeSizes[t.dtype] else {
                throw ModelFileError(.invalidTensor("'\(t.name)': unknown dtype '\(t.dtype)'"))
            }
            guard t.shape.allSatisfy({ $0 >= 0 }), t.elementCount * size == t.bytes.count else {
                throw ModelFileError(.invalidTensor("'\(t.name)': \(t.bytes.count) bytes for shape \(t.shape) of \(t.dtype)"))
            }
        }
        // The Python library sorts by dtype alignment (descending), then by name.
        let ordered = tensors.sorted { a, b in
            let sa = dtypeSizes[a.dtype] ?? 0, sb = dtypeSizes[b.dtype] ?? 0
            return sa != sb ? sa > sb : a.name < b.name
        }
        var header = "{"
        var fields: [String] = []
        if !metadata.isEmpty {
            let entries = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0] ?? ""))" }
            fields.append("\"__metadata__\":{" + entries.joined(separator: ",") + "}")
        }
        var offset = 0
        for t in ordered {
            let end = offset + t.bytes.count
            let shape = t.shape.map(String.init).joined(separator: ",")
            fields.append("\(jsonString(t.name)):{\"dtype\":\(jsonString(t.dtype)),\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += fields.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        let padding = (8 - headerBytes.count % 8) % 8
        headerBytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))

        var out = [UInt8]()
        out.reserveCapacity(8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: headerBytes)
        for t in ordered { out.append(contentsOf: t.bytes) }
        return out
    }

    /// Parses and validates a safetensors buffer.
    /// - Returns: the tensors in file order and the `__metadata__` strings.
    /// - Throws: `ModelFileError` (truncated buffer, bad header length, invalid JSON or layout,
    ///   unknown dtype, size mismatch, offsets out of range / overlapping / not contiguous).
    public static func decode(_ bytes: [UInt8], path: String? = nil) throws -> (tensors: [SafeTensor], metadata: [String: String]) {
        func fail(_ r: ModelFileError.Reason) -> ModelFileError { ModelFileError(path: path, r) }
        guard bytes.count >= 8 else {
            throw fail(.truncated("\(bytes.count) bytes, expected at least 8 (the header length)"))
        }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n > 0, n <= UInt64(maxHeaderBytes) else {
            throw fail(.invalidHeaderLength(found: n, fileSize: bytes.count))
        }
        let headerLength = Int(n)
        guard headerLength <= bytes.count - 8 else {
            throw fail(.truncated("header needs \(headerLength) bytes after the length, only \(bytes.count - 8) present"))
        }
        let headerBytes = bytes[8..<(8 + headerLength)]
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw fail(.invalidHeader("does not start with '{'"))
        }
        guard let text = String(validating: headerBytes, as: UTF8.self) else {
            throw fail(.invalidHeader("not valid UTF-8"))
        }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [])
        } catch {
            throw fail(.invalidHeader("not valid JSON (\(error.localizedDescription))"))
        }
        guard let object = json as? [String: Any] else { throw fail(.invalidHeader("not a JSON object")) }

        var metadata: [String: String] = [:]
        if let meta = object["__metadata__"] {
            guard let dict = meta as? [String: Any] else { throw fail(.invalidHeader("__metadata__ is not an object")) }
            for (k, v) in dict {
                guard let s = v as? String else {
                    throw fail(.invalidHeader("__metadata__ value of '\(k)' is not a string"))
                }
                metadata[k] = s
            }
        }
        let dataStart = 8 + headerLength
        let dataLength = bytes.count - dataStart
        var entries: [(name: String, dtype: String, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in object where name != "__metadata__" {
            guard let info = value as? [String: Any] else { throw fail(.invalidHeader("entry '\(name)' is not an object")) }
            guard let dtype = info["dtype"] as? String else { throw fail(.invalidHeader("tensor '\(name)' has no string dtype")) }
            guard let shapeAny = info["shape"] as? [Any], let shape = nonNegativeInts(shapeAny) else {
                throw fail(.invalidHeader("tensor '\(name)' has no shape array of non-negative integers"))
            }
            guard let offAny = info["data_offsets"] as? [Any], let offsets = nonNegativeInts(offAny), offsets.count == 2 else {
                throw fail(.invalidHeader("tensor '\(name)' has no data_offsets [begin, end]"))
            }
            guard let size = dtypeSizes[dtype] else { throw fail(.unsupportedDType(tensor: name, dtype: dtype)) }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin <= end else {
                throw fail(.offsetsOutOfRange("tensor '\(name)': begin \(begin) > end \(end)"))
            }
            guard end <= dataLength else {
                throw fail(.truncated("tensor '\(name)' ends at data byte \(end), but the data section has \(dataLength) bytes"))
            }
            var elements = 1
            for d in shape {
                let (p, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow else { throw fail(.invalidHeader("tensor '\(name)': shape \(shape) overflows")) }
                elements = p
            }
            let (expected, overflow) = elements.multipliedReportingOverflow(by: size)
            guard !overflow, expected == end - begin else {
                throw fail(.tensorSizeMismatch(tensor: name, expectedBytes: overflow ? Int.max : expected, foundBytes: end - begin))
            }
            entries.append((name, dtype, shape, begin, end))
        }
        entries.sort { $0.begin != $1.begin ? $0.begin < $1.begin : $0.end < $1.end }
        var cursor = 0
        for e in entries {
            guard e.begin == cursor else {
                throw fail(.offsetsOutOfRange("tensor '\(e.name)' starts at \(e.begin), expected \(cursor) (tensors must be contiguous, without gaps or overlaps)"))
            }
            cursor = e.end
        }
        guard cursor == dataLength else {
            throw fail(.offsetsOutOfRange("tensors end at data byte \(cursor), but the data section has \(dataLength) bytes"))
        }
        let tensors = entries.map {
            SafeTensor(name: $0.name, dtype: $0.dtype, shape: $0.shape,
                       bytes: Array(bytes[(dataStart + $0.begin)..<(dataStart + $0.end)]))
        }
        return (tensors, metadata)
    }

    /// Writes tensors and metadata to `url` atomically (see `AtomicFile.write`).
    public static func write(_ tensors: [SafeTensor], metadata: [String: String], to url: URL) throws {
        let bytes = try encode(tensors, metadata: metadata)
        try AtomicFile.write(bytes, to: url)
    }

    /// Reads and validates the safetensors file at `url`.
    /// - Throws: `ModelFileError` for an unreadable or damaged file, or one whose bytes (read,
    ///   then copied into tensors) would exceed the memory budget.
    public static func read(from url: URL) throws -> (tensors: [SafeTensor], metadata: [String: String]) {
        if let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int {
            do {
                try MemoryBudget.check(bytes: MemoryBudget.product(size, 2), what: "reading a \(MemoryBudget.describe(size)) model file")
            } catch let error as MemoryBudgetError {
                throw ModelFileError(path: url.path, .exceedsMemoryBudget(error.description))
            }
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ModelFileError(path: url.path, .io("cannot read: \(error.localizedDescription)"))
        }
        return try decode([UInt8](data), path: url.path)
    }

    private static func nonNegativeInts(_ values: [Any]) -> [Int]? {
        var out: [Int] = []
        out.reserveCapacity(values.count)
        for v in values {
            guard let number = v as? NSNumber else { return nil }
            // Reject booleans and non-integral numbers.
            let d = number.doubleValue
            guard String(cString: number.objCType) != "c", d >= 0, d == d.rounded(), d < 9.0e15 else { return nil }
            out.append(Int(d))
        }
        return out
    }

    /// `s` as a JSON string literal: quoted, with `"`, `\\` and control characters escaped.
    public static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
