// Missing labels in the multi-label metrics.
//
// Every multi-label metric takes an optional `mask: BinaryMatrix?` (N x L, 1 = observed, 0 = missing,
// e.g. an ARFF `?` in a label column; `nil` = every label observed). Masked entries are skipped:
// - per-label metrics (confusion counts, precision/recall/F1/Jaccard, ROC AUC, AP, their micro,
//   macro and weighted averages) use only the observed rows of each label;
// - per-sample metrics (Hamming loss, subset accuracy, `average="samples"` scores, ranking metrics)
//   restrict each row to its observed labels and average over the rows with at least one observed
//   label; the Hamming loss divides by the number of observed entries;
// - the Brier score and the calibration use the observed cells only.
// With `mask: nil` (or all ones) every result equals the unmasked one.

/// Throws unless `mask` (when given) is `rows x cols`, and returns the number of observed entries.
func observedCount(_ mask: BinaryMatrix?, rows: Int, cols: Int) throws -> Int {
    guard let mask else { return rows * cols }
    guard mask.rows == rows, mask.cols == cols else {
        throw MetricsError.shapeMismatch("mask is \(mask.rows) x \(mask.cols), expected \(rows) x \(cols) like the truth")
    }
    let n = mask.values.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
    guard n > 0 else { throw MetricsError.empty("every label is masked (missing)") }
    return n
}
