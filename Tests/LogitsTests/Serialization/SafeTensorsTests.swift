import Foundation
import Testing
@testable import Logits

@Suite struct SafeTensorsTests {
    static func sample() throws -> ModelFile {
        let w0 = try SafeTensor(name: "0.weight", shape: [3, 2], values: [1, -2, 3.5, 0.25, -0, 1e-7])
        let b0 = try SafeTensor(name: "0.bias", shape: [3], values: [0.1, 0.2, 0.3])
        let w2 = try SafeTensor(name: "2.weight", shape: [2, 3], values: [6, 5, 4, 3, 2, 1])
        let b2 = try SafeTensor(name: "2.bias", shape: [2], values: [-1, 1])
        return ModelFile(tensors: [w2, b0, w0, b2], architecture: #"{"hidden":[3]}"#,
                         task: TaskDescription(.multiLabel(labels: 2)), labelNames: ["a", "b\"q"],
                         featureNames: ["x1", "x2"],
                         standardization: try Standardizer(mean: [0.5, -1], scale: [2, 1]),
                         thresholds: [0.3, 0.7])
    }

    static func header(_ bytes: [UInt8]) -> String {
        var n = 0
        for i in 0..<8 { n |= Int(bytes[i]) << (8 * i) }
        return String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
    }

    static func withHeader(_ header: String, data: [UInt8]) -> [UInt8] {
        var h = Array(header.utf8)
        while h.count % 8 != 0 { h.append(32) }
        var out = [UInt8]()
        withUnsafeBytes(of: UInt64(h.count).littleEndian) { out.append(contentsOf: $0) }
        return out + h + data
    }

    static func reason(_ body: () throws -> Void) -> ModelFileError.Reason? {
        do { try body() } catch let e as ModelFileError { return e.reason } catch { return nil }
        return nil
    }

    @Test func roundTripKeepsEverything() throws {
        let model = try Self.sample()
        let bytes = try model.encode()
        let back = try ModelFile.decode(bytes)
        #expect(back.architecture == model.architecture)
        #expect(back.task == model.task)
        #expect(back.labelNames == model.labelNames)
        #expect(back.featureNames == model.featureNames)
        #expect(back.standardization == model.standardization)
        #expect(back.thresholds == model.thresholds)
        #expect(back.logitsVersion == LogitsLibrary.version)
        #expect(try back.values(of: "0.weight", shape: [3, 2]) == [1, -2, 3.5, 0.25, -0, 1e-7])
        #expect(try back.values(of: "2.bias", shape: [2]) == [-1, 1])
        #expect(Set(back.tensors.map(\.name)) == ["0.weight", "0.bias", "2.weight", "2.bias"])
    }

    @Test func layoutFollowsThePythonLibrary() throws {
        let bytes = try Self.sample().encode()
        var n = 0
        for i in 0..<8 { n |= Int(bytes[i]) << (8 * i) }
        #expect(n % 8 == 0, "header padded to 8 bytes")
        let header = Self.header(bytes)
        #expect(header.hasPrefix(#"{"__metadata__":{"#))
        #expect(header.contains(#""format":"pt""#))
        // Sorted by name, contiguous from 0.
        #expect(header.contains(#""0.bias":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}"#))
        #expect(header.contains(#""0.weight":{"dtype":"F32","shape":[3,2],"data_offsets":[12,36]}"#))
        #expect(header.contains(#""2.bias":{"dtype":"F32","shape":[2],"data_offsets":[36,44]}"#))
        #expect(header.contains(#""2.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[44,68]}"#))
        #expect(bytes.count == 8 + n + 68)
        // Little-endian float32: 0.1 first (0.bias[0]).
        let bits = UInt32(bytes[8 + n]) | UInt32(bytes[9 + n]) << 8 | UInt32(bytes[10 + n]) << 16 | UInt32(bytes[11 + n]) << 24
        #expect(Float(bitPattern: bits) == 0.1)
        let json = try JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String: Any]
        #expect((json?["__metadata__"] as? [String: String])?["logits.format_version"] == ModelFile.formatVersion)
    }

    @Test func atomicWriteAndRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("logits-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("m.safetensors")
        try Self.sample().write(to: url)
        try Self.sample().write(to: url)  // overwrite
        #expect(try ModelFile.read(from: url) == Self.sample().withVersion(LogitsLibrary.version).sortedLikeFile())
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["m.safetensors"], "no temporary file left")
        // Writing into a missing directory fails cleanly, naming the path.
        let bad = dir.appendingPathComponent("missing/m.safetensors")
        let r = Self.reason { try Self.sample().write(to: bad) }
        guard case .io(let m)? = r else { Issue.record("expected io error, got \(String(describing: r))"); return }
        #expect(m.contains("temporary"))
        #expect(!FileManager.default.fileExists(atPath: bad.path))
        // A missing file: io error.
        guard case .io? = Self.reason({ _ = try ModelFile.read(from: dir.appendingPathComponent("nope")) }) else {
            Issue.record("expected io error"); return
        }
    }

    @Test func truncationAtEveryLengthThrows() throws {
        let bytes = try Self.sample().encode()
        for cut in 0..<bytes.count {
            let r = Self.reason { _ = try ModelFile.decode(Array(bytes[0..<cut])) }
            #expect(r != nil, "cut at \(cut) must throw ModelFileError")
        }
        guard case .truncated? = Self.reason({ _ = try ModelFile.decode(Array(bytes[0..<5])) }) else {
            Issue.record("5 bytes: expected truncated"); return
        }
        guard case .truncated? = Self.reason({ _ = try ModelFile.decode(Array(bytes[0..<(bytes.count - 3)])) }) else {
            Issue.record("missing data: expected truncated"); return
        }
    }

    @Test func badHeaderLength() {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard case .invalidHeaderLength(0, 16)? = Self.reason({ _ = try SafeTensors.decode(bytes) }) else {
            Issue.record("zero length"); return
        }
        bytes[7] = 0xFF
        guard case .invalidHeaderLength? = Self.reason({ _ = try SafeTensors.decode(bytes) }) else {
            Issue.record("huge length"); return
        }
        bytes[7] = 0
        bytes[0] = 200
        guard case .truncated? = Self.reason({ _ = try SafeTensors.decode(bytes) }) else {
            Issue.record("length past the end"); return
        }
    }

    @Test func invalidJSONAndLayout() {
        func check(_ header: String, data: [UInt8] = [], _ matches: (ModelFileError.Reason) -> Bool, _ what: String) {
            let r = Self.reason { _ = try SafeTensors.decode(Self.withHeader(header, data: data)) }
            #expect(r.map(matches) == true, "\(what): got \(String(describing: r))")
        }
        func isHeader(_ r: ModelFileError.Reason) -> Bool { if case .invalidHeader = r { return true }; return false }
        func isOffsets(_ r: ModelFileError.Reason) -> Bool { if case .offsetsOutOfRange = r { return true }; return false }
        check("{not json", isHeader, "bad JSON")
        check("[1,2]", isHeader, "not an object")
        check(#"{"a":{"dtype":"F32","shape":[1]}}"#, isHeader, "no offsets")
        check(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0], isHeader, "negative dim")
        check(#"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0], isHeader, "fractional dim")
        check(#"{"__metadata__":{"k":1}}"#, isHeader, "non-string metadata")
        check(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0], {
            if case .tensorSizeMismatch("a", 8, 4) = $0 { return true }; return false
        }, "shape product")
        check(#"{"a":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0], {
            if case .unsupportedDType("a", "Q7") = $0 { return true }; return false
        }, "unknown dtype")
        check(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: [UInt8](repeating: 0, count: 8), isOffsets, "gap at start")
        check(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
              data: [UInt8](repeating: 0, count: 8), isOffsets, "overlap")
        check(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [UInt8](repeating: 0, count: 8), isOffsets, "trailing bytes")
        check(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#, data: [UInt8](repeating: 0, count: 8), isOffsets, "begin > end")
        check(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,400]}}"#, data: [0, 0, 0, 0], {
            if case .truncated = $0 { return true }; return false
        }, "offsets past the end")
        check(#"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0], {
            if case .tensorSizeMismatch = $0 { return true }; if case .invalidHeader = $0 { return true }; return false
        }, "overflowing shape")
    }

    @Test func modelLevelErrors() throws {
        var model = try Self.sample()
        let meta = try model.metadata()
        func decodeWith(_ edit: (inout [String: String]) -> Void) -> ModelFileError.Reason? {
            var m = meta
            edit(&m)
            return Self.reason { _ = try ModelFile.decode(SafeTensors.encode(model.tensors, metadata: m)) }
        }
        #expect(decodeWith { $0[ModelFile.Key.formatVersion] = "7" } == .unsupportedFormatVersion(found: "7", supported: ModelFile.formatVersion))
        #expect(decodeWith { $0[ModelFile.Key.formatVersion] = nil } == .missingMetadata(ModelFile.Key.formatVersion))
        #expect(decodeWith { $0[ModelFile.Key.architecture] = nil } == .missingMetadata(ModelFile.Key.architecture))
        guard case .invalidMetadata(key: ModelFile.Key.labelNames, _)? = decodeWith({ $0[ModelFile.Key.labelNames] = "[\"only-one\"]" }) else {
            Issue.record("label count"); return
        }
        guard case .invalidMetadata(key: ModelFile.Key.task, _)? = decodeWith({ $0[ModelFile.Key.task] = "{oops" }) else {
            Issue.record("task JSON"); return
        }
        #expect(decodeWith { $0[ModelFile.Key.task] = #"{"kind":"ordinal","outputs":2}"# }
                == .invalidMetadata(key: ModelFile.Key.task, message: "unknown task kind 'ordinal' (expected multiclass, multilabel or binary)"))
        #expect(try ModelFile.decode(model.encode()).task == TaskDescription(kind: .multilabel, outputs: 2))
        #expect(meta[ModelFile.Key.task] == #"{"kind":"multilabel","outputs":2}"#)
        #expect(meta[ModelFile.Key.standardization] == #"{"mean":[0.5,-1],"scale":[2,1]}"#)
        let back = try ModelFile.decode(model.encode())
        #expect(Self.reason { _ = try back.values(of: "4.weight", shape: [1]) } == .missingTensor("4.weight"))
        #expect(Self.reason { _ = try back.values(of: "0.weight", shape: [2, 3]) } == .tensorShapeMismatch(tensor: "0.weight", expected: [2, 3], found: [3, 2]))
        model.thresholds = [0.5]
        guard case .invalidMetadata? = Self.reason({ _ = try model.encode() }) else { Issue.record("thresholds count"); return }
        let message = ModelFileError(path: "m.safetensors", .unsupportedFormatVersion(found: "7", supported: "1")).description
        #expect(message.contains("m.safetensors") && message.contains("7") && message.contains("1"))
    }

    @Test func randomCorruptionNeverTraps() throws {
        let bytes = try Self.sample().encode()
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var b = bytes
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            _ = try? ModelFile.decode(b)
        }
    }
}

extension ModelFile {
    func withVersion(_ v: String) -> ModelFile { var m = self; m.logitsVersion = v; return m }
    /// Tensors in the order the file stores them (by name for a single dtype).
    func sortedLikeFile() -> ModelFile { var m = self; m.tensors.sort { $0.name < $1.name }; return m }
}
