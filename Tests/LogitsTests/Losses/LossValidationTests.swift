import Testing
@testable import Logits

/// Bad input gets a thrown `LogitsError`, never a trap.
@Suite struct LossValidationTests {
    let z = (try? Matrix([[0.5, -1, 2], [1, 0, -0.5]])) ?? Matrix(rows: 0, cols: 0)

    func expectError(_ loss: any LossFunction, on input: Matrix? = nil, _ targets: Targets, _ fragment: String) {
        var g = Matrix(rows: 0, cols: 0)
        do {
            _ = try loss.lossAndGradient(logits: input ?? z, targets: targets, gradient: &g)
            Issue.record("\(loss) accepted bad input (\(fragment))")
        } catch let e as LogitsError {
            #expect(e.description.contains(fragment), "message: \(e)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func crossEntropy() throws {
        expectError(SoftmaxCrossEntropy(), .classIndices([0]), "1 class indices for 2 rows")
        expectError(SoftmaxCrossEntropy(), .classIndices([0, 3]), "class index 3 at row 1 is outside 0..<3")
        expectError(SoftmaxCrossEntropy(), .classIndices([-1, 0]), "class index -1")
        expectError(SoftmaxCrossEntropy(weight: [1, 2]), .classIndices([0, 1]), "weight has 2 entries")
        expectError(SoftmaxCrossEntropy(labelSmoothing: 1.5), .classIndices([0, 1]), "labelSmoothing")
        expectError(SoftmaxCrossEntropy(), .matrix(try Matrix([[0.5, 0.5, 0], [0, 1, .nan]])), "target[1][2] = nan is NaN")
        expectError(SoftmaxCrossEntropy(), .matrix(try Matrix([[1, 0, 0]])), "targets are 1x3, expected 2x3")
        expectError(SoftmaxCrossEntropy(ignoreIndex: 1), .matrix(try Matrix([[1, 0, 0], [0, 1, 0]])), "ignoreIndex 1 is not supported")
        // ignoreIndex may be any value, including a valid class, and is then accepted.
        var g = Matrix(rows: 0, cols: 0)
        let l = try SoftmaxCrossEntropy(ignoreIndex: 7).lossAndGradient(logits: z, targets: .classIndices([7, 1]), gradient: &g)
        #expect(l.isFinite && g.row(0).allSatisfy { $0 == 0 })
        let all = try SoftmaxCrossEntropy(ignoreIndex: 2).lossAndGradient(logits: z, targets: .classIndices([2, 2]), gradient: &g)
        #expect(all.isNaN && g.storage.allSatisfy { $0 == 0 })
    }

    @Test func sigmoidLosses() throws {
        let bad = try Matrix([[0, 1, 1.5], [0, 0, 0]])
        let nan = try Matrix([[0, 1, 0], [.nan, 0, 0]])
        let ok = try Matrix([[0, 1, 1], [0, 0, 1]])
        let losses: [any LossFunction] = [
            SigmoidBinaryCrossEntropy(), MultiLabelSoftMargin(), SigmoidFocal(), Asymmetric(), BinaryCrossEntropy(),
        ]
        let probs = try Matrix([[0.5, 0.1, 0.9], [1, 0, 0.3]])
        for loss in losses {
            let input = loss is BinaryCrossEntropy ? probs : z
            expectError(loss, on: input, .matrix(bad), "target[0][2] = 1.5 is outside [0, 1]")
            expectError(loss, on: input, .matrix(nan), "target[1][0] = nan is NaN")
            expectError(loss, on: input, .classIndices([0, 1]), "expects a B x C target matrix")
            expectError(loss, on: input, .matrix(try Matrix([[0, 1]])), "targets are 1x2, expected 2x3")
        }
        expectError(SigmoidBinaryCrossEntropy(weight: .perLabel([1, 2])), .matrix(ok), "weight has 2 entries")
        expectError(SigmoidBinaryCrossEntropy(weight: .perSample([1])), .matrix(ok), "per-sample weight has 1 entries")
        expectError(SigmoidBinaryCrossEntropy(weight: .perElement(Matrix(rows: 3, cols: 2))), .matrix(ok), "weight is 3x2")
        expectError(SigmoidBinaryCrossEntropy(posWeight: [1]), .matrix(ok), "posWeight has 1 entries")
        expectError(MultiLabelSoftMargin(weight: [1, 1, 1, 1]), .matrix(ok), "weight has 4 entries")
        expectError(BinaryCrossEntropy(), on: z, .matrix(ok), "input[0][1] = -1.0 is not a probability")
        expectError(SigmoidFocal(gamma: -1), .matrix(ok), "gamma")
        expectError(Asymmetric(clip: 1), .matrix(ok), "clip")
        expectError(NegativeLogLikelihood(), .classIndices([0, 5]), "class index 5")
    }
}
