import Testing
@testable import Logits

@Suite struct ClassificationTaskTests {
    @Test func defaultsPerTask() {
        #expect(ClassificationTask.multiClass(classes: 4).defaultLoss is SoftmaxCrossEntropy)
        #expect(ClassificationTask.multiLabel(labels: 4).defaultLoss is SigmoidBinaryCrossEntropy)
        #expect(ClassificationTask.binary.defaultLoss is SigmoidBinaryCrossEntropy)
        #expect(ClassificationTask.binary.defaultLossKind == .bce)
        #expect(SoftmaxCrossEntropy().reduction == .mean && SigmoidBinaryCrossEntropy().reduction == .mean)
    }

    @Test func decisions() throws {
        let z = try Matrix([[1, 3, 3], [1e-8, -1e-8, 0], [-5, 2, 0.5]])
        #expect(try ClassificationTask.multiClass(classes: 3).decide(logits: z) == .classIndices([1, 0, 1]))
        let d = try ClassificationTask.multiLabel(labels: 3).decide(logits: z)
        // 1e-8 > 0 is positive although Float(sigmoid(1e-8)) == 0.5; a logit of exactly 0 is not (strict >).
        #expect(d == .matrix(try Matrix([[1, 1, 1], [1, 0, 0], [0, 1, 1]])))
        let strict = try ClassificationTask.multiLabel(labels: 3).decide(logits: z, thresholds: [0.9, 0.5, 0.6])
        #expect(strict == .matrix(try Matrix([[0, 1, 1], [0, 0, 0], [0, 1, 1]])))  // 0.5 > logit(0.6) = 0.405
        #expect(throws: LogitsError.self) { try ClassificationTask.multiLabel(labels: 3).decide(logits: z, threshold: 1) }
        #expect(throws: LogitsError.self) { try ClassificationTask.multiClass(classes: 4).decide(logits: z) }
        #expect(throws: LogitsError.self) { try ClassificationTask.binary.decide(logits: try Matrix([[Float.nan]])) }
    }

    @Test func outputActivations() throws {
        let z = try Matrix([[2, 0, -1], [1e4, -1e4, 0]])
        var p = Matrix(rows: 0, cols: 0)
        try ClassificationTask.multiClass(classes: 3).probabilities(logits: z, into: &p)
        #expect(Swift.abs(p.row(0).reduce(0, +) - 1) <= 1e-6 && p[1, 0] == 1)
        try ClassificationTask.multiLabel(labels: 3).probabilities(logits: z, into: &p)
        #expect(p[0, 0] == sigmoid(2) && p[1, 2] == 0.5 && p.row(0).reduce(0, +) > 1)
    }

    @Test func lossKindFactory() throws {
        #expect(try LossKind.parse("CE") == .ce)
        #expect(try LossKind.parse("bce_with_logits") == .bce)
        #expect(throws: LogitsError.self) { try LossKind.parse("hinge") }
        let labels = try Matrix([[1, 0, 0], [1, 0, 1], [0, 0, 1], [1, 0, 1]])
        // positives 3, 0, 3 of 4 -> 1/3, (none -> 100), 1/3
        let pw = try LossKind.autoPosWeight(labels: labels)
        #expect(Swift.abs(pw[0] - 1.0 / 3) < 1e-6 && pw[1] == 100 && Swift.abs(pw[2] - 1.0 / 3) < 1e-6)
        #expect(try LossKind.autoPosWeight(labels: try Matrix([[1], [1]])) == [0.01])
        let bce = try LossKind.bce.makeLoss(LossOptions(posWeight: .auto), trainingLabels: labels)
        #expect((bce as? SigmoidBinaryCrossEntropy)?.posWeight == pw)
        #expect(throws: LogitsError.self) { try LossKind.bce.makeLoss(LossOptions(posWeight: .auto)) }
        // Label smoothing reaches every loss (the CLI's --label-smoothing); focal options still reject bce.
        for kind in LossKind.allCases {
            let loss = try kind.makeLoss(LossOptions(labelSmoothing: 0.1))
            let eps = (loss as? any ElementwiseLoss)?.labelSmoothing ?? (loss as? SoftmaxCrossEntropy)?.labelSmoothing
            #expect(eps == 0.1, "\(kind)")
        }
        #expect(throws: LogitsError.self) { try LossKind.focal.makeLoss(LossOptions(posWeight: .values([1]))) }
        #expect(throws: LogitsError.self) { try LossKind.ce.makeLoss(LossOptions(labelSmoothing: 2)) }
        #expect(try PosWeightSetting(parsing: "3, 0.5") == .values([3, 0.5]))
        #expect(throws: LogitsError.self) { try PosWeightSetting(parsing: "3,x") }
        for kind in LossKind.allCases {
            let loss = try kind.makeLoss(LossOptions(reduction: .sum))
            #expect(loss.reduction == .sum)
        }
        #expect((try LossKind.asl.makeLoss() as? Asymmetric)?.gammaNeg == 4)
    }
}
