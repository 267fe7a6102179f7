import Foundation
import Logits

/// Turns the recipe's events into progress on stderr (`ProgressReporter`) and keeps the time.
final class TrainProgress {
    private let plan: TrainingPlan
    private var reporter: ProgressReporter
    private var totalEpochs: Int
    private let start = ContinuousClock.now
    private var epochStart: Double = 0

    init(plan: TrainingPlan) {
        self.plan = plan
        totalEpochs = plan.epochs
        reporter = ProgressReporter(totalEpochs: plan.epochs)
    }

    /// Seconds since training started.
    var seconds: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    func handle(_ event: TrainingRecipe.Event) {
        switch event {
        case .phase(let name):
            if name != "train" && name != "refit" { reporter.note(name) }
            reporter = ProgressReporter(totalEpochs: plan.epochs)
            totalEpochs = plan.epochs
            epochStart = seconds
        case .candidate(let c):
            reporter.note("  weight decay \(c.candidate.weightDecay), dropout \(c.candidate.dropout): best \(plan.monitor) \(fmt(c.score)) at epoch \(c.bestEpoch)")
        case .training(let event):
            handle(event)
        }
    }

    private func handle(_ event: TrainingEvent) {
        switch event {
        case let .batch(epoch, batch, batches, loss, samplesPerSecond):
            reporter.batch(epoch: epoch, batch: batch, of: batches, loss: loss, samplesPerSecond: samplesPerSecond,
                           now: seconds - epochStart)
        case .epoch(let r):
            epochStart = seconds
            var values: [(String, Double)] = []
            if let v = r.validationLoss { values.append(("val_loss", v)) }
            if plan.monitor != "val_loss", let m = r.metric { values.append((plan.monitor, m)) }
            reporter.epochEnd(ProgressReporter.epochLine(
                epoch: r.epoch, totalEpochs: totalEpochs, trainLoss: r.trainLoss, validation: values,
                seconds: r.seconds, samplesPerSecond: r.samplesPerSecond,
                best: r.improved && r.validationLoss != nil && plan.patience != nil))
        case let .refit(epochs, rows):
            reporter.note("refit on all \(rows) rows for \(epochs) epochs")
            reporter = ProgressReporter(totalEpochs: epochs)
            totalEpochs = epochs
            epochStart = seconds
        }
    }
}
