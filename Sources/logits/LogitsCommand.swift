import ArgumentParser

@main
struct LogitsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logits",
        abstract: "Train and evaluate neural-network classifiers (multi-class softmax, multi-label sigmoid).",
        subcommands: [Train.self, Evaluate.self, Predict.self, Curves.self, Metrics.self, Info.self],
        defaultSubcommand: nil
    )
}
