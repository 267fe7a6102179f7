import Testing
import Logits

/// `TrainingDefaults.recommended(rows:features:sparse:)` and the recipe's plan on constructed data shapes.
@Suite struct WideSparseDefaultsTests {
    @Test("Large, wide, sparse data (EUR-Lex shape) gets [512] without dropout; other shapes keep the row rule",
          arguments: [
              // rows, features, sparse, expected hidden, expected dropout
              (15_449, 186_104, true, [512], Float(0)),       // EUR-Lex shape
              (15_449, 186_104, false, [512, 256], Float(0.2)), // the same held dense
              (12_920, 500, true, [512, 256], Float(0.2)),      // delicious (CSR, narrow)
              (4_880, 1_836, true, [512], Float(0.5)),          // bibtex (CSR, small: the 1 000-50 000 feature width rule)
              (5_000, 186_104, true, [256], Float(0.5)),        // small wide sparse: not measured, small rule
              (10_001, 10_000, true, [512, 256], Float(0.2)),   // 10 000 columns is not wide
              (10_001, 10_001, true, [512], Float(0)),
          ])
    func rule(rows: Int, features: Int, sparse: Bool, hidden: [Int], dropout: Float) {
        let d = TrainingDefaults.recommended(rows: rows, features: features, sparse: sparse)
        let byRows = TrainingDefaults.recommended(rows: rows)
        #expect(d.hidden == hidden && d.dropout == dropout)
        // Everything else is the row rule's.
        #expect(d.weightDecay == byRows.weightDecay && d.batchSize == byRows.batchSize && d.epochs == byRows.epochs
                && d.learningRate == byRows.learningRate && d.cosine == byRows.cosine)
    }

    @Test("The plan takes the wide-sparse defaults and never overrides an explicit hidden or dropout")
    func plan() throws {
        let task = ClassificationTask.multiLabel(labels: 3956)
        let p = try TrainingRecipe().plan(rows: 15_449, task: task, hasTestSet: true, sparse: true, features: 186_104)
        #expect(p.hidden == [512] && p.dropout == 0 && p.epochs == 20 && p.cosineSchedule && p.candidates.isEmpty)
        #expect(p.entries.contains { $0 == ("hidden", "512") } && p.entries.contains { $0 == ("dropout", "0.0") })
        var o = TrainingOptions()
        o.hidden = [512, 256]
        o.dropout = 0.2
        let fixed = try TrainingRecipe(options: o).plan(rows: 15_449, task: task, hasTestSet: true, sparse: true, features: 186_104)
        #expect(fixed.hidden == [512, 256] && fixed.dropout == 0.2)
        let dense = try TrainingRecipe().plan(rows: 15_449, task: task, hasTestSet: true, sparse: false, features: 186_104)
        #expect(dense.hidden == [512, 256] && dense.dropout == 0.2)
    }
}
