import ArgumentParser

@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logits-bench",
        abstract: "Logits benchmarks (build with -c release). Every subcommand offers --json.",
        subcommands: [GemmBench.self, LossesBench.self, MetricsBench.self, LoadBench.self, TrainBench.self, FoldsBench.self, SparseBench.self, OptimizerBench.self]
    )
}
