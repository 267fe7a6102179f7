/// Why a model file (safetensors) could not be read or written.
///
/// Every failure names the file (when known) and says what was found and what was expected;
/// a damaged file never reaches a trap or an out-of-bounds read.
public struct ModelFileError: Error, Equatable, CustomStringConvertible {
    /// The file involved, if the error came from a file.
    public var path: String?
    /// What went wrong.
    public var reason: Reason

    public enum Reason: Equatable, Sendable {
        /// The file ended before the 8-byte header length, the header or the tensor data.
        case truncated(String)
        /// The header length is zero, absurdly large, or larger than the file.
        case invalidHeaderLength(found: UInt64, fileSize: Int)
        /// The header is not a UTF-8 JSON object in the safetensors layout.
        case invalidHeader(String)
        /// A tensor's dtype is not one the reader knows (or, for loading weights, not F32).
        case unsupportedDType(tensor: String, dtype: String)
        /// A tensor's byte range does not match its shape and dtype.
        case tensorSizeMismatch(tensor: String, expectedBytes: Int, foundBytes: Int)
        /// A tensor's byte range is outside the data section, overlaps another, or leaves a gap.
        case offsetsOutOfRange(String)
        /// A tensor the model needs is not in the file.
        case missingTensor(String)
        /// The file holds a tensor the architecture has no parameter for.
        case unexpectedTensor(name: String, expected: [String])
        /// Building the model the metadata describes would exceed the memory budget.
        case exceedsMemoryBudget(String)
        /// A tensor has another shape than the architecture implies.
        case tensorShapeMismatch(tensor: String, expected: [Int], found: [Int])
        /// A metadata entry the model needs is absent.
        case missingMetadata(String)
        /// A metadata entry is present but not valid.
        case invalidMetadata(key: String, message: String)
        /// The file is a Logits model of another format version.
        case unsupportedFormatVersion(found: String, supported: String)
        /// Reading or writing the file failed at the operating-system level.
        case io(String)
        /// The tensors given to the writer are inconsistent (duplicate names, shape/data mismatch).
        case invalidTensor(String)
    }

    public init(path: String? = nil, _ reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// One line; non-printable characters (from names in the file) are escaped.
    public var description: String { Printable.escaped(text) }

    private var text: String {
        let prefix = path.map { "model file '\($0)': " } ?? "model file: "
        switch reason {
        case .truncated(let m): return prefix + "truncated: \(m)"
        case .invalidHeaderLength(let n, let size):
            return prefix + "invalid header length \(n) (file is \(size) bytes; expected 1 ... \(max(0, size - 8)) bytes of JSON header after the 8-byte length)"
        case .invalidHeader(let m): return prefix + "invalid safetensors header: \(m)"
        case .unsupportedDType(let t, let d): return prefix + "tensor '\(t)' has unsupported dtype '\(d)' (supported: F32)"
        case .tensorSizeMismatch(let t, let e, let f):
            return prefix + "tensor '\(t)' spans \(f) bytes but its shape and dtype need \(e)"
        case .offsetsOutOfRange(let m): return prefix + "bad data_offsets: \(m)"
        case .missingTensor(let t): return prefix + "missing tensor '\(t)'"
        case .unexpectedTensor(let t, let expected):
            let list = expected.count <= 12 ? expected.joined(separator: ", ") : expected.prefix(12).joined(separator: ", ") + ", ..."
            return prefix + "unexpected tensor '\(t)': the architecture has no such parameter (expected exactly: \(list))"
        case .exceedsMemoryBudget(let m): return prefix + m
        case .tensorShapeMismatch(let t, let e, let f):
            return prefix + "tensor '\(t)' has shape \(f), expected \(e) from the architecture"
        case .missingMetadata(let k): return prefix + "missing metadata entry '\(k)' (not a Logits model file?)"
        case .invalidMetadata(let k, let m): return prefix + "invalid metadata entry '\(k)': \(m)"
        case .unsupportedFormatVersion(let f, let s):
            return prefix + "model format version \(f) is not supported (this Logits reads version \(s))"
        case .io(let m): return prefix + m
        case .invalidTensor(let m): return prefix + "invalid tensor: \(m)"
        }
    }
}
