import Logits

/// The model's TF-IDF weighting (`TermWeighting`) as ONNX nodes, before the standardization:
///
///     tf   = x                                   (sublinear: Where(x > 0, 1 + Log(x), 0))
///     w    = Mul(tf, idf)                         idf: [F]
///     norm = ReduceL2(w, axes=[1], keepdims=1)    [N, 1]
///     out  = Div(w, Where(norm == 0, 1, norm))    a row of zeros stays zeros
///
/// The row norm is accumulated in float32 by the runtime (Logits accumulates in `Double`), so
/// outputs can differ in the last bits.
enum ONNXTermWeighting {
    /// Appends the nodes to `g` on input `x` (`[N, F]`) and returns the weighted value's name.
    static func append(_ weighting: TermWeighting, input x: String, features: Int, to g: inout ONNXGraphBuilder) throws -> String {
        guard weighting.featureCount == features else {
            throw ONNXExportError.inconsistentModel("TF-IDF weights for \(weighting.featureCount) features, the model takes \(features)")
        }
        let zero = try g.scalar("const.zero", 0), one = try g.scalar("const.one", 1)
        var tf = x
        if weighting.sublinearTF {
            let positive = g.node("Greater", [x, zero], output: g.fresh("tf_positive"))
            let logged = g.node("Add", [g.node("Log", [x], output: g.fresh("tf_log")), one], output: g.fresh("tf_sublinear"))
            tf = g.node("Where", [positive, logged, zero], output: g.fresh("tf"))
        }
        let idf = try g.floatInitializer("term_weighting.idf", shape: [features], values: weighting.idf)
        let weighted = g.node("Mul", [tf, idf], output: g.fresh("tfidf"))
        let norm = g.node("ReduceL2", [weighted], output: g.fresh("row_norm"),
                          attributes: [ONNX.attribute("axes", ints: [1]), ONNX.attribute("keepdims", int: 1)])
        let isZero = g.node("Equal", [norm, zero], output: g.fresh("row_norm_zero"))
        let divisor = g.node("Where", [isZero, one, norm], output: g.fresh("row_divisor"))
        return g.node("Div", [weighted, divisor], output: g.fresh("tfidf_normalized"))
    }
}
