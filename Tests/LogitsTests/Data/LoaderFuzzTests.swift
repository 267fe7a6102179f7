import Foundation
import Testing
@testable import Logits

/// Seeded random corruptions of small valid files: every variant must load into a consistent
/// data set or throw a `DataFileError` — never crash, hang or return a half-filled data set.
@Suite struct LoaderFuzzTests {
    static let arff = """
        % fuzz seed
        @relation fuzz
        @attribute a numeric
        @attribute 'b b' real
        @attribute c {x,y,z}
        @attribute L1 {0,1}
        @attribute L2 {0,1}
        @data
        0.5,-1.25,x,1,0
        {0 2.5,2 z,3 1}
        3e2,4,y,0,1
        {}

        """
    static let libsvm = "2,0 1:0.5 3:-1.25\n1 2:1e-3 # c\n\n 4:2\n3 1:1\n"
    static let csv = "a,b,tags\n1.5,2,x|y\n-3,4e1,\n\"0\",.25,y\n"

    static let alphabet: [UInt8] = Array("0123456789,{}: \n\t@%?e-+.'\"|#xnaif".utf8) + [0, 0xFF, 0xC3, 0x0D]

    static func corrupt(_ original: [UInt8], rng: inout SeededGenerator) -> [UInt8] {
        var bytes = original
        for _ in 0..<(1 + rng.int(below: 3)) {
            guard !bytes.isEmpty else { break }
            let at = rng.int(below: bytes.count)
            let byte = rng.int(below: 4) == 0 ? UInt8(rng.int(below: 256)) : alphabet[rng.int(below: alphabet.count)]
            switch rng.int(below: 6) {
            case 0: bytes[at] = byte
            case 1: bytes.insert(byte, at: at)
            case 2: bytes.remove(at: at)
            case 3: bytes.removeLast(bytes.count - at)
            case 4:
                let length = min(1 + rng.int(below: 12), bytes.count - at)
                bytes.insert(contentsOf: bytes[at..<(at + length)], at: rng.int(below: bytes.count))
            default:
                let length = min(1 + rng.int(below: 8), bytes.count - at)
                bytes.removeSubrange(at..<(at + length))
            }
        }
        return bytes
    }

    /// Loads every variant; returns (loaded, rejected).
    static func run(_ original: String, name: String, variants: Int, seed: UInt64, options: LoadOptions) -> (Int, Int) {
        var rng = SeededGenerator(seed: seed)
        var loaded = 0
        var rejected = 0
        for _ in 0..<variants {
            let bytes = Data(corrupt(Array(original.utf8), rng: &rng))
            do {
                // In memory (the same parsers `Dataset.load` runs after reading the file).
                let ds: Dataset
                switch DataFormat.detect(fileName: name) {
                case .arff?: ds = try ARFFLoader.parse(bytes, path: name, options: options)
                case .csv?: ds = try CSVLoader.parse(bytes, path: name, options: options)
                default: ds = try bytes.withUnsafeBytes { try LIBSVMLoader.parse($0, file: name, options: options) }
                }
                #expect(ds.features.count == ds.count * ds.featureCount)
                #expect(ds.targets.count == ds.count && ds.count > 0)
                #expect(ds.featureNames.count == ds.featureCount)
                #expect(ds.task.outputCount == ds.labelNames.count || ds.task == .binary)
                #expect(ds.features.storage.allSatisfy { $0.isFinite })
                switch ds.targets {
                case .classIndices(let y): #expect(y.allSatisfy { $0 >= 0 && $0 < ds.labelNames.count })
                case .matrix(let m): #expect(m.storage.allSatisfy { $0 == 0 || $0 == 1 } && m.cols == ds.labelNames.count)
                }
                loaded += 1
            } catch let error as DataFileError {
                #expect(error.description.contains(name))
                #expect(!error.message.isEmpty)
                rejected += 1
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
        return (loaded, rejected)
    }

    @Test func arffVariants() throws {
        let start = Date()
        let (loaded, rejected) = Self.run(Self.arff, name: "f.arff", variants: 2000, seed: 1, options: LoadOptions(labels: .trailing(2)))
        #expect(loaded + rejected == 2000 && loaded > 50 && rejected > 500)
        #expect(Date().timeIntervalSince(start) < 60)
    }

    @Test func libsvmVariants() throws {
        let start = Date()
        let (loaded, rejected) = Self.run(Self.libsvm, name: "f.svm", variants: 2000, seed: 2, options: LoadOptions())
        #expect(loaded + rejected == 2000 && loaded > 50 && rejected > 500)
        #expect(Date().timeIntervalSince(start) < 60)
    }

    @Test func csvVariants() throws {
        let start = Date()
        let (loaded, rejected) = Self.run(Self.csv, name: "f.csv", variants: 2000, seed: 3, options: LoadOptions(labels: .column("tags", separator: "|")))
        print("csv fuzz: loaded \(loaded), rejected \(rejected)")
        #expect(loaded + rejected == 2000 && loaded > 50 && rejected > 500)
        #expect(Date().timeIntervalSince(start) < 60)
    }

    @Test func idxVariants() throws {
        let dir = try DataTestSupport.tempDirectory()
        let images = try Gzip.compress(IDXLoaderTests.images)
        try Data(IDXLoaderTests.labels).write(to: dir.appendingPathComponent("train-labels-idx1-ubyte"))
        let path = dir.appendingPathComponent("train-images-idx3-ubyte")
        var rng = SeededGenerator(seed: 4)
        var rejected = 0
        for variant in 0..<600 {
            let original = variant.isMultiple(of: 2) ? images : IDXLoaderTests.images
            try Data(Self.corrupt(original, rng: &rng)).write(to: path)
            do {
                let ds = try Dataset.load(from: path.path)
                #expect(ds.features.count == ds.count * ds.featureCount && ds.count == 3)
            } catch is DataFileError {
                rejected += 1
            }
        }
        #expect(rejected > 300)
    }
}
