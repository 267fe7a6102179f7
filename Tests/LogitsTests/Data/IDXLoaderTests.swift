import Foundation
import Testing
@testable import Logits

@Suite struct IDXLoaderTests {
    static func u32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 255), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }

    /// Three 2x2 images and their labels.
    static let images: [UInt8] = u32(2051) + u32(3) + u32(2) + u32(2) + [0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0]
    static let labels: [UInt8] = u32(2049) + u32(3) + [7, 0, 9]

    func write(images: [UInt8], labels: [UInt8], gzip: Bool) throws -> String {
        let dir = try DataTestSupport.tempDirectory()
        let suffix = gzip ? ".gz" : ""
        try DataTestSupport.write(bytes: gzip ? try Gzip.compress(labels) : labels, "train-labels-idx1-ubyte" + suffix, in: dir)
        return try DataTestSupport.write(bytes: gzip ? try Gzip.compress(images) : images, "train-images-idx3-ubyte" + suffix, in: dir)
    }

    @Test(arguments: [false, true]) func loadsPlainAndGzipped(gzip: Bool) throws {
        let path = try write(images: Self.images, labels: Self.labels, gzip: gzip)
        let ds = try Dataset.load(from: path)
        #expect(ds.features.rows == 3 && ds.features.cols == 4)
        #expect(ds.features.nestedRows[0] == [0, 1, Float(51) / 255, Float(102) / 255])
        #expect(ds.features[2, 0] == 1 && ds.features[1, 3] == Float(4) / 255)
        #expect(ds.targets == .classIndices([7, 0, 9]))
        #expect(ds.task == .multiClass(classes: 10) && ds.labelNames == (0...9).map(String.init))
        #expect(ds.featureNames == ["r0c0", "r0c1", "r1c0", "r1c1"])
        // Giving the labels file finds the images file.
        let viaLabels = try IDXLoader.load(imagesPath: path.replacingOccurrences(of: "images-idx3", with: "labels-idx1"))
        #expect(viaLabels == ds)
        let named = try Dataset.load(from: path, options: LoadOptions(classNames: (0...9).map { "c\($0)" }))
        #expect(named.labelNames.last == "c9")
    }

    func error(images: [UInt8], labels: [UInt8], gzip: Bool = false) throws -> DataFileError {
        let path = try write(images: images, labels: labels, gzip: gzip)
        let thrown = DataTestSupport.dataError { try Dataset.load(from: path) }
        #expect(thrown != nil)
        return thrown ?? DataFileError(file: "", message: "")
    }

    @Test func malformedFiles() throws {
        let truncated = try error(images: Array(Self.images.dropLast(3)), labels: Self.labels)
        #expect(truncated.file.hasSuffix("train-images-idx3-ubyte") && truncated.message.contains("truncated"))
        let extra = try error(images: Self.images + [1], labels: Self.labels)
        #expect(extra.message.contains("unexpected bytes"))
        let magic = try error(images: Self.u32(2049) + Self.images.dropFirst(4), labels: Self.labels)
        #expect(magic.message.contains("magic number 2049") && magic.message.contains("expected 2051"))
        let count = try error(images: Self.images, labels: Self.u32(2049) + Self.u32(2) + [1, 2])
        #expect(count.message.contains("2 labels for 3 images"))
        let empty = try error(images: [], labels: Self.labels)
        #expect(empty.message.contains("empty file"))
        let shortHeader = try error(images: Array(Self.images.prefix(9)), labels: Self.labels)
        #expect(shortHeader.message.contains("truncated IDX header"))
        let bigLabel = try error(images: Self.images, labels: Self.u32(2049) + Self.u32(3) + [1, 2, 200])
        #expect(bigLabel.message.contains("label 200"))
        let missing = DataTestSupport.dataError { try Dataset.load(from: "/nonexistent/train-images-idx3-ubyte.gz") }
        #expect(missing?.message.contains("cannot read file") == true)
    }

    @Test func truncatedAndCorruptGzip() throws {
        let gz = try Gzip.compress(Self.images + [UInt8](repeating: 0, count: 0))
        for cut in [gz.count - 1, gz.count - 9, gz.count / 2, 12] {
            let e = try error(images: Array(gz.prefix(cut)), labels: Self.labels)
            #expect(e.message.contains("gzip") || e.message.contains("truncated"), "cut \(cut): \(e)")
        }
        var corrupt = gz
        corrupt[12] ^= 0xFF
        corrupt[13] ^= 0x55
        let e = try error(images: corrupt, labels: Self.labels)
        #expect(e.message.contains("gzip") || e.message.contains("magic") || e.message.contains("truncated"), "\(e)")
        // Two concatenated members decode as one stream.
        let half = Self.images.count / 2
        let twoMembers = try Gzip.compress(Array(Self.images.prefix(half))) + Gzip.compress(Array(Self.images.dropFirst(half)))
        let path = try write(images: twoMembers, labels: Self.labels, gzip: false)
        #expect(try Dataset.load(from: path).count == 3)
    }

    @Test(.enabled(if: DataTestSupport.hasSharedData)) func mnistAndFashionMNIST() throws {
        // Label files (small) always; image files only with LOGITS_SLOW_TESTS=1 (slow in debug
        // builds; the release benchmark `logits-bench load` covers the train images).
        func counts(_ path: String) throws -> [Int] {
            let labels = try IDXLoader.readLabels(path: DataTestSupport.shared(path))
            var counts = [Int](repeating: 0, count: 10)
            for label in labels { counts[label] += 1 }
            return counts
        }
        #expect(try counts("fashion-mnist/train-labels-idx1-ubyte.gz") == [Int](repeating: 6000, count: 10))
        #expect(try counts("fashion-mnist/t10k-labels-idx1-ubyte.gz") == [Int](repeating: 1000, count: 10))
        #expect(try counts("mnist/train-labels-idx1-ubyte.gz") == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        #expect(try counts("mnist/t10k-labels-idx1-ubyte.gz") == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        guard DataTestSupport.slowTestsEnabled else { print("set LOGITS_SLOW_TESTS=1 to load the 60000-image train files"); return }
        let fashionTest = try Dataset.load(from: DataTestSupport.shared("fashion-mnist/t10k-images-idx3-ubyte.gz"))
        #expect(fashionTest.count == 10000 && fashionTest.featureCount == 784)
        #expect(fashionTest.labelCounts == [Int](repeating: 1000, count: 10))
        #expect(fashionTest.features.storage.allSatisfy { $0 >= 0 && $0 <= 1 })
        let fashion = try Dataset.load(from: DataTestSupport.shared("fashion-mnist/train-images-idx3-ubyte.gz"))
        #expect(fashion.count == 60000 && fashion.labelCounts == [Int](repeating: 6000, count: 10))
        let mnist = try Dataset.load(from: DataTestSupport.shared("mnist/train-images-idx3-ubyte.gz"))
        #expect(mnist.count == 60000 && mnist.featureCount == 784)
        #expect(mnist.labelCounts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
    }
}

@Suite struct IDXLimitTests {
    @Test func hugeOrEmptyHeadersAreErrors() throws {
        let u32 = IDXLoaderTests.u32
        for dims in [(3, 0xFFFF_FFFF, 0xFFFF_FFFF), (0, 28, 28), (3, 0, 2), (0xFFFF_FFFF, 28, 28)] {
            let dir = try DataTestSupport.tempDirectory()
            try DataTestSupport.write(bytes: IDXLoaderTests.labels, "train-labels-idx1-ubyte", in: dir)
            let images = u32(2051) + u32(dims.0) + u32(dims.1) + u32(dims.2) + [1, 2, 3]
            let path = try DataTestSupport.write(bytes: images, "train-images-idx3-ubyte", in: dir)
            let e = DataTestSupport.dataError { try Dataset.load(from: path) }
            #expect(e != nil, "\(dims)")
        }
    }
}

@Suite struct IDXPixelScalingTests {
    @Test func everyPixelValueIsExactlyFloatOver255() throws {
        let u32 = IDXLoaderTests.u32
        let dir = try DataTestSupport.tempDirectory()
        try DataTestSupport.write(bytes: u32(2049) + u32(1) + [3], "t10k-labels-idx1-ubyte.gz", in: dir)
        let pixels = (0..<256).map { UInt8($0) }
        let images = u32(2051) + u32(1) + u32(16) + u32(16) + pixels
        let path = try DataTestSupport.write(bytes: try Gzip.compress(images), "t10k-images-idx3-ubyte.gz", in: dir)
        let ds = try Dataset.load(from: path)
        #expect(ds.features.storage == (0..<256).map { Float($0) / 255 })
        #expect(ds.targets == .classIndices([3]) && ds.featureNames[17] == "r1c1")
    }
}
