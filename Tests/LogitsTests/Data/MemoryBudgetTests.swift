import Foundation
import Testing
@testable import Logits

/// Sizes are checked before anything is allocated: hidden widths, LIBSVM indices and labels.
@Suite struct MemoryBudgetTests {
    static let gib = 1 << 30

    @Test func parsesSizes() {
        #expect(MemoryBudget.parse("4096") == 4096)
        #expect(MemoryBudget.parse("512M") == 512 << 20)
        #expect(MemoryBudget.parse("512mb") == 512 << 20)
        #expect(MemoryBudget.parse("2GiB") == 2 << 30)
        #expect(MemoryBudget.parse("1.5G") == 3 << 29)
        #expect(MemoryBudget.parse(" 1T ") == 1 << 40)
        for bad in ["", "abc", "0", "-1", "1e3", "G", "5X", "1.2.3M", "99999999999T"] {
            #expect(MemoryBudget.parse(bad) == nil, "\(bad)")
        }
        #expect(MemoryBudget.describe(1000) == "1000 bytes")
        #expect(MemoryBudget.describe(41 << 30) == "41.0 GB")
    }

    @Test func defaultIsAFractionOfPhysicalMemoryAndLimitsAreScoped() throws {
        #expect(MemoryBudget.defaultLimit > 0)
        #expect(MemoryBudget.defaultLimit <= Int(clamping: ProcessInfo.processInfo.physicalMemory))
        MemoryBudget.withLimit(bytes: 1234) { #expect(MemoryBudget.limit == 1234) }
        #expect(throws: LogitsError.self) { try MemoryBudget.setLimit(bytes: 0) }
        #expect(throws: MemoryBudgetError.self) {
            try MemoryBudget.withLimit(bytes: 100) { try MemoryBudget.check(bytes: 101, what: "x") }
        }
        #expect(throws: MemoryBudgetError.self) { try MemoryBudget.check(bytes: nil, what: "overflowing") }
        try MemoryBudget.withLimit(bytes: 100) { try MemoryBudget.check(bytes: 100, what: "x") }
        #expect(MemoryBudget.product(Int.max / 2, 3) == nil && MemoryBudget.product(3, 4) == 12)
        #expect(MemoryBudget.sum(Int.max, 1) == nil && MemoryBudget.sum(1, nil) == nil && MemoryBudget.sum(1, 2) == 3)
    }

    @Test func hugeHiddenWidthFailsBeforeAllocating() throws {
        let spec = MLPSpec(inputs: 4, hidden: [100_000_000], outputs: 3)
        let start = Date()
        let error = MemoryBudget.withLimit(bytes: Self.gib) {
            #expect(throws: MemoryBudgetError.self) { _ = try MLP(spec: spec) }
        }
        #expect(error?.neededBytes == 800_000_003 * 8)
        #expect(error?.description.hasPrefix("an MLP 4 -> 100000000 -> 3 needs 6.0 GB (6400000024 bytes), over the memory budget of 1.0 GB") == true,
                "\(String(describing: error))")
        // The training estimate (the trainer's check) is larger still; absurd widths overflow.
        #expect(spec.trainingBytes(batch: 64)! > spec.modelBytes!)
        let absurd = MLPSpec(inputs: 1 << 40, hidden: [1 << 40], outputs: 2)
        #expect(absurd.modelBytes == nil)
        let overflow = #expect(throws: MemoryBudgetError.self) { try absurd.checkMemory(batch: 32) }
        #expect(overflow?.description.contains("the size overflows") == true)
        #expect(Date().timeIntervalSince(start) < 2)
        // A normal model still builds.
        _ = try MemoryBudget.withLimit(bytes: Self.gib) { try MLP(spec: MLPSpec(inputs: 4, hidden: [16], outputs: 3)) }
    }

    @Test func trainingEstimateCountsTheBestCopyAndTheSparseTranspose() throws {
        // 10 -> 4 -> 3: 44 + 15 = 59 parameters; per row of a batch 2 x (4 + 3) floats.
        let spec = MLPSpec(inputs: 10, hidden: [4], outputs: 3)
        let dense = 59 * 20 + 8 * 2 * 7 * 4  // value, gradient, two moments, best copy; activations
        #expect(spec.trainingBytes(batch: 8) == dense)
        // Sparse input: the first weight (4 x 10) and its gradient coexist in both layouts while turning.
        #expect(spec.trainingBytes(batch: 8, sparseInput: true) == dense + 40 * 8)
        let wide = MLPSpec(inputs: 50_000_000, hidden: [8], outputs: 2)
        let denseBytes = try #require(wide.trainingBytes(batch: 1))
        MemoryBudget.withLimit(bytes: denseBytes + 1) {
            #expect(throws: Never.self) { try wide.checkMemory(batch: 1) }
            #expect(throws: MemoryBudgetError.self) { try wide.checkMemory(batch: 1, sparseInput: true) }
        }
    }

    @Test func parameterShapesMatchTheBuiltModel() throws {
        for spec in [MLPSpec(inputs: 5, hidden: [7, 4], outputs: 3, dropout: 0.1),
                     MLPSpec(inputs: 3, hidden: [6], outputs: 2, layerNorm: true),
                     MLPSpec(inputs: 2, hidden: [], outputs: 1)] {
            let model = try MLP(spec: spec)
            #expect(spec.parameterShapes().map(\.name) == model.parameters.map(\.name))
            #expect(spec.parameterShapes().map(\.shape) == model.parameters.map(\.shape))
            #expect(spec.checkedParameterCount == model.parameterCount)
        }
    }

    /// Two LIBSVM rows with one huge index, loaded under a 1 GiB budget.
    func libsvm(_ text: String, options: LoadOptions = LoadOptions()) throws -> (Dataset?, DataFileError?, TimeInterval) {
        let start = Date()
        return try MemoryBudget.withLimit(bytes: Self.gib) {
            do {
                let ds = try Data(text.utf8).withUnsafeBytes { try LIBSVMLoader.parse($0, file: "big.svm", options: options) }
                return (ds, nil, Date().timeIntervalSince(start))
            } catch let e as DataFileError {
                return (nil, e, Date().timeIntervalSince(start))
            }
        }
    }

    @Test func libsvmHugeFeatureIndexFailsFast() throws {
        for index in [50_000_000, 700_000_000] {
            let (ds, error, seconds) = try libsvm("1 1:0.5\n0 \(index):1\n")
            #expect(ds == nil)
            #expect(error?.description.hasPrefix("big.svm: 2 rows x \(index) features (largest index \(index)) and 2 labels needs") == true,
                    "\(String(describing: error))")
            #expect(error?.description.contains("over the memory budget of 1.0 GB") == true)
            #expect(seconds < 2)
        }
    }

    @Test func libsvmHugeLabelIndexFailsFast() throws {
        let (ds, error, seconds) = try libsvm("500000000 1:0.5\n0 2:1\n")
        #expect(ds == nil)
        #expect(error?.description.hasPrefix("big.svm: 2 rows x 2 features (largest index 2) and 500000001 labels needs") == true,
                "\(String(describing: error))")
        #expect(seconds < 2)
        let (_, multiClass, _) = try libsvm("500000000 1:0.5\n0 2:1\n", options: LoadOptions(task: .multiClass(classes: 0)))
        #expect(multiClass?.message.contains("500000001 classes needs") == true, "\(String(describing: multiClass))")
    }

    @Test func libsvmTwoMillionFeaturesLoadsThenTheModelIsChecked() throws {
        let (ds, error, seconds) = try libsvm("1 1:0.5\n0 2000000:1\n")
        #expect(error == nil)
        let data = try #require(ds)
        #expect(data.count == 2 && data.featureCount == 2_000_000 && data.isSparse && data.sparseFeatures?[1, 1_999_999] == 1)
        #expect(seconds < 10)
        // A 256-wide hidden layer on 2M inputs: 512M parameters, refused under the budget before allocating.
        let spec = MLPSpec(inputs: data.featureCount, hidden: [256], outputs: data.labelNames.count)
        MemoryBudget.withLimit(bytes: Self.gib) {
            #expect(throws: MemoryBudgetError.self) { try spec.checkMemory(batch: 2) }
            #expect(throws: MemoryBudgetError.self) { _ = try MLP(spec: spec) }
        }
    }

    @Test func idxHeaderClaimingHugeDimensionsFailsFast() throws {
        let dir = try DataTestSupport.tempDirectory()
        var images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0x40, 0, 0, 0, 0x40, 0]  // 2 images of 16384 x 16384
        images += [UInt8](repeating: 0, count: 8)
        try Data(images).write(to: dir.appendingPathComponent("train-images-idx3-ubyte"))
        try Data([0, 0, 8, 1, 0, 0, 0, 2, 1, 2]).write(to: dir.appendingPathComponent("train-labels-idx1-ubyte"))
        let error = MemoryBudget.withLimit(bytes: Self.gib) {
            #expect(throws: DataFileError.self) { try Dataset.load(from: dir.appendingPathComponent("train-images-idx3-ubyte").path) }
        }
        #expect(error?.message.contains("over the memory budget") == true, "\(String(describing: error))")
    }
}

extension MemoryBudgetTests {
    /// The trainer checks optimizer state and workspaces against the budget before allocating them.
    @Test func trainerChecksTheTrainingEstimate() throws {
        let spec = MLPSpec(inputs: 4, hidden: [256], outputs: 3)
        let model = try MLP(spec: spec)
        let x = Matrix(rows: 8, cols: 4, repeating: 0.5)
        let y = Targets.classIndices([0, 1, 2, 0, 1, 2, 0, 1])
        let limit = try #require(spec.modelBytes) + 100  // the model fits, training does not
        #expect(try #require(spec.trainingBytes(batch: 8)) > limit)
        let trainer = Trainer(config: TrainerConfig(epochs: 1, batchSize: 8, loss: SoftmaxCrossEntropy()))
        let error = MemoryBudget.withLimit(bytes: limit) {
            #expect(throws: MemoryBudgetError.self) { try trainer.fit(model, features: x, targets: y) }
        }
        #expect(error?.what == "training an MLP 4 -> 256 -> 3 with batches of 8")
        _ = try trainer.fit(model, features: x, targets: y)
    }
}
