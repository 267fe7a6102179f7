import Foundation
import Testing
@testable import Logits

@Suite struct ActivationReferenceTests {
    /// Every case of `activations.json`: softmax, log_softmax, sigmoid, logsigmoid, softplus,
    /// logsumexp within 1e-6 abs + 1e-5 rel, exact ±inf, no NaN/inf where the reference is finite.
    @Test(.enabled(if: GoldenReference.available("activations.json")))
    func matchesPyTorch() throws {
        var report = ToleranceReport()
        let cases = try GoldenReference.cases("activations.json")
        #expect(cases.count > 20)
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let inputs = try #require(c["inputs"] as? [String: Any])
            let expected = try #require(c["expected"] as? [String: Any])
            let x = try GoldenReference.matrix(inputs["x"])
            var out = Matrix(rows: 0, cols: 0)
            softmax(rowsOf: x, into: &out)
            report.compare(out.storage, GoldenReference.flat(expected["softmax"]), "\(name) softmax")
            logSoftmax(rowsOf: x, into: &out)
            report.compare(out.storage, GoldenReference.flat(expected["log_softmax"]), "\(name) log_softmax")
            var lse: [Float] = []
            logSumExp(rowsOf: x, into: &lse)
            report.compare(lse, GoldenReference.flat(expected["logsumexp"]), "\(name) logsumexp")
            report.compare(x.storage.map(sigmoid), GoldenReference.flat(expected["sigmoid"]), "\(name) sigmoid")
            sigmoid(elementsOf: x, into: &out)
            report.compare(out.storage, GoldenReference.flat(expected["sigmoid"]), "\(name) sigmoid (vectorized)")
            report.compare(x.storage.map(logSigmoid), GoldenReference.flat(expected["logsigmoid"]), "\(name) logsigmoid")
            report.compare(x.storage.map(softplus), GoldenReference.flat(expected["softplus"]), "\(name) softplus")
        }
        #expect(report.checked > 1000)
        #expect(report.failures.isEmpty, "\(report.failures.count) mismatches: \(report.failures.prefix(12))")
    }
}
