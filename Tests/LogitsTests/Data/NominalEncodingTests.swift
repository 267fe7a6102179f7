import Foundation
import Testing
@testable import Logits

@Suite struct NominalEncodingTests {
    @Test func plansByCardinality() throws {
        #expect(NominalEncoding.plan(attribute: "colour", values: ["red", "green", "blue"])
                == .oneHot(columnNames: ["colour=red", "colour=green", "colour=blue"], values: [0, 1, 2]))
        #expect(NominalEncoding.plan(attribute: "sex", values: ["m", "f"]) == .oneHot(columnNames: ["sex=m", "sex=f"], values: [0, 1]))
        let ids = (0..<662).map { "P\($0)" }
        guard case .drop(let warning) = NominalEncoding.plan(attribute: "protein", values: ids) else {
            Issue.record("a 662-value attribute must be dropped")
            return
        }
        #expect(warning.contains("'protein'") && warning.contains("662 values") && warning.contains("limit 32"))
        #expect(NominalEncoding.plan(attribute: "x", values: Array(ids.prefix(32))).columnNames.count == 32)
        #expect(NominalEncoding.plan(attribute: "x", values: Array(ids.prefix(33))).columnNames.isEmpty)
        #expect(NominalEncoding.plan(attribute: "x", values: Array(ids.prefix(40)), limit: 40).columnNames.count == 40)
        #expect(NominalEncoding.plan(attribute: "one", values: ["v"]).columnNames.isEmpty)
        #expect(throws: LogitsError.self) { try NominalEncoding.requiredPlan(attribute: "protein", values: ids) }
        #expect(try NominalEncoding.requiredPlan(attribute: "sex", values: ["m", "f"]).columnNames == ["sex=m", "sex=f"])
    }

    @Test func expandsPositionCodes() throws {
        let plan = NominalEncoding.plan(attribute: "c", values: ["r", "g", "b"])
        let m = try NominalEncoding.expand(codes: [2, 0, 1, 0], cardinality: 3, plan: plan)
        #expect(m == (try Matrix([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]])))
        let binary = NominalEncoding.plan(attribute: "s", values: ["m", "f"])
        #expect(try NominalEncoding.expand(codes: [0, 1, 1], cardinality: 2, plan: binary) == (try Matrix([[1, 0], [0, 1], [0, 1]])))
        let dropped = try NominalEncoding.expand(codes: [0, 1], cardinality: 40, plan: .drop(warning: "w"))
        #expect(dropped.rows == 2 && dropped.cols == 0)
        #expect(throws: LogitsError.self) { try NominalEncoding.expand(codes: [0, 3], cardinality: 3, plan: plan) }
        #expect(throws: LogitsError.self) { try NominalEncoding.expand(codes: [0.5], cardinality: 3, plan: plan) }
    }
}
