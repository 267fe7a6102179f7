import Foundation
import Testing
@testable import Logits

/// Model files are checked against their architecture before anything is allocated.
@Suite struct StrictModelFileTests {
    static func model() throws -> ModelFile {
        let model = try MLP(spec: MLPSpec(inputs: 5, hidden: [7], outputs: 3), seed: 1)
        return try ModelFile(model: model, task: .multiClass(classes: 3), labelNames: ["a", "b", "c"],
                             featureNames: ["f1", "f2", "f3", "f4", "f5"])
    }

    func reason(_ body: () throws -> Void) -> ModelFileError.Reason? {
        do { try body() } catch let e as ModelFileError { return e.reason } catch { Issue.record("wrong error type \(error)") }
        return nil
    }

    @Test func extraTensorIsNamed() throws {
        var file = try Self.model()
        file.tensors.append(try SafeTensor(name: "backdoor", shape: [2], values: [1, 2]))
        let decoded = try ModelFile.decode(file.encode(), path: "m.safetensors")
        let error = #expect(throws: ModelFileError.self) { _ = try decoded.makeMLP(path: "m.safetensors") }
        #expect(error?.reason == .unexpectedTensor(name: "backdoor", expected: ["0.weight", "0.bias", "2.weight", "2.bias"]))
        #expect(error?.description == "model file 'm.safetensors': unexpected tensor 'backdoor': the architecture has no such parameter (expected exactly: 0.weight, 0.bias, 2.weight, 2.bias)")
    }

    @Test func metadataClaimingAHugeHiddenWidthFailsBeforeAllocating() throws {
        var file = try Self.model()
        file.architecture = try ModelFile.json(MLPSpec(inputs: 5, hidden: [100_000_000], outputs: 3))
        let bytes = try file.encode()
        #expect(bytes.count < 200_000)
        let start = Date()
        let r = reason { _ = try ModelFile.decode(bytes).makeMLP() }
        #expect(r == .tensorShapeMismatch(tensor: "0.weight", expected: [100_000_000, 5], found: [7, 5]))
        #expect(Date().timeIntervalSince(start) < 1)
    }

    @Test func consistentModelOverTheBudgetIsRefused() throws {
        let file = try Self.model()
        let r = MemoryBudget.withLimit(bytes: 100) { reason { _ = try file.makeMLP() } }
        guard case .exceedsMemoryBudget(let message)? = r else {
            Issue.record("expected exceedsMemoryBudget, got \(String(describing: r))")
            return
        }
        #expect(message.contains("an MLP 5 -> 7 -> 3 needs"))
    }

    @Test func featureNamesMustMatchTheInputs() throws {
        var file = try Self.model()
        file.featureNames = ["only", "two"]
        #expect(reason { _ = try file.makeMLP() } == .invalidMetadata(key: ModelFile.Key.featureNames, message: "2 names but the model takes 5 features"))
    }

    @Test func truncatedFileIsAnError() throws {
        let bytes = try Self.model().encode()
        for cut in [1, 4, 40, bytes.count - 9, bytes.count - 1] {
            let r = reason { _ = try ModelFile.decode(Array(bytes.prefix(cut))) }
            #expect(r != nil, "cut at \(cut)")
        }
    }

    @Test func namesWithControlCharactersAreEscaped() {
        let e = ModelFileError(path: "m\u{1b}[31m.safetensors", .missingTensor("a\nb"))
        #expect(e.description == "model file 'm\\u{1b}[31m.safetensors': missing tensor 'a\\u{a}b'")
    }
}
