import Foundation
import Testing
@testable import Logits

@Suite struct ActivationReferenceTests {
    /// Every case of `activations.json`: softmax, log_softmax, sigmoid, logsigmoid, softplus,
    /// logsumexp within 1e-6 abs + 1e-5 rel, exact ±inf, no NaN/inf where the reference is finite.
    @Test func matchesPyTorch() throws {
        var report = LossToleranceReport()
        let cases = try LossGoldenReference.cases("activations.json")
        #expect(cases.count > 20)
        for c in cases {
            let name = c["name"]?.string ?? "?"
            let inputs = try #require(c["inputs"])
            let expected = try #require(c["expected"])
            let x = try LossGoldenReference.matrix(inputs["x"])
            var out = Matrix(rows: 0, cols: 0)
            softmax(rowsOf: x, into: &out)
            report.compare(out.storage, LossGoldenReference.flat(expected["softmax"]), "\(name) softmax")
            logSoftmax(rowsOf: x, into: &out)
            report.compare(out.storage, LossGoldenReference.flat(expected["log_softmax"]), "\(name) log_softmax")
            var lse: [Float] = []
            logSumExp(rowsOf: x, into: &lse)
            report.compare(lse, LossGoldenReference.flat(expected["logsumexp"]), "\(name) logsumexp")
            report.compare(x.storage.map(sigmoid), LossGoldenReference.flat(expected["sigmoid"]), "\(name) sigmoid")
            sigmoid(elementsOf: x, into: &out)
            report.compare(out.storage, LossGoldenReference.flat(expected["sigmoid"]), "\(name) sigmoid (vectorized)")
            report.compare(x.storage.map(logSigmoid), LossGoldenReference.flat(expected["logsigmoid"]), "\(name) logsigmoid")
            report.compare(x.storage.map(softplus), LossGoldenReference.flat(expected["softplus"]), "\(name) softplus")
        }
        #expect(report.checked > 1000)
        #expect(report.failures.isEmpty, "\(report.failures.count) mismatches: \(report.failures.prefix(12))")
    }
}
