import ArgumentParser
import Logits

/// `--max-memory`: the process-wide memory budget every large allocation consults
/// (`MemoryBudget`; default half of physical memory, or `LOGITS_MAX_MEMORY`).
struct ResourceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Memory budget for data, model and training buffers, e.g. 4G or 512M (default: LOGITS_MAX_MEMORY, else half of physical memory).", valueName: "size"))
    var maxMemory: String?

    func validate() throws {
        if let maxMemory, MemoryBudget.parse(maxMemory) == nil {
            throw ValidationError("--max-memory takes a size such as 4G, 512M or 1000000 (got '\(maxMemory)')")
        }
    }

    /// Sets the budget (call first in `run`).
    func apply() throws {
        guard let maxMemory, let bytes = MemoryBudget.parse(maxMemory) else { return }
        try MemoryBudget.setLimit(bytes: bytes)
    }
}

/// `--delimiter` / `--no-header` for CSV feature input.
struct CSVInputOptions: ParsableArguments {
    @Option(help: "CSV field delimiter: comma, tab, semicolon or one character (default: detected).")
    var delimiter: String?

    @Flag(help: "The CSV input has no header row (default: detected; a row with any number is data).")
    var noHeader = false

    func validate() throws { _ = try csvOptions() }

    func csvOptions() throws -> CSVOptions {
        var o = CSVOptions()
        if noHeader { o.hasHeader = false }
        if let delimiter {
            switch delimiter.lowercased() {
            case "comma", ",": o.delimiter = ","
            case "tab", "\\t", "\t": o.delimiter = "\t"
            case "semicolon", ";": o.delimiter = ";"
            default:
                guard delimiter.count == 1, let c = delimiter.first else {
                    throw ValidationError("--delimiter must be comma, tab, semicolon or one character (got '\(delimiter)')")
                }
                o.delimiter = c
            }
        }
        return o
    }
}

/// `--sparse` / `--dense` for the commands that run a model on a data file (`predict`,
/// `evaluate`, `curves`): how the loaded features are held (docs/data.md, "Sparse data").
struct StorageOptions: ParsableArguments {
    @Flag(help: "Hold the input features as CSR (sparse) whatever their density.")
    var sparse = false

    @Flag(help: "Hold the input features dense even when the file is sparse (default: CSR when at most 10 % of the values are non-zero).")
    var dense = false

    func validate() throws {
        if sparse && dense { throw ValidationError("--sparse and --dense exclude each other") }
    }

    /// The flags to pass on to `DataOptions`.
    var arguments: [String] { sparse ? ["--sparse"] : dense ? ["--dense"] : [] }
}
