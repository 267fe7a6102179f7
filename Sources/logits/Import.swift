import ArgumentParser
import Foundation
import Logits
import LogitsExport

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a PyTorch nn.Sequential state dict (safetensors) into a Logits model file.",
        discussion: """
        Supported modules: Linear (with bias), LayerNorm, the activation, Dropout, in the order \
        Linear, [LayerNorm], activation, [Dropout], ..., Linear. Parameter names are '<index>.weight' \
        and '<index>.bias' (a common prefix like 'net.' is stripped); hidden widths, LayerNorm and \
        Dropout placement are inferred from them. The activation has no parameters: give it with \
        --activation. Save the state dict in Python with \
        safetensors.torch.save_file(model.state_dict(), "IN.safetensors"). Standardization (x - mean) / scale, \
        applied before the network, comes from --standardization or from tensors 'standardization.mean' \
        and 'standardization.scale' in IN. See docs/export.md.
        """)

    @Option(help: "Input format (only torch-state-dict: a safetensors file of a PyTorch state dict).")
    var format: ImportFormat

    @Argument(help: "The state dict (.safetensors).")
    var input: String

    @Option(help: "Model file to write.")
    var out: String

    @Option(help: "Architecture family (only mlp: nn.Sequential of Linear / LayerNorm / activation / Dropout).")
    var arch: Architecture = .mlp

    @Option(help: "Task: multiclass (softmax), multilabel (sigmoid per label) or binary (one sigmoid output).")
    var task: TaskDescription.Kind

    @Option(help: "Hidden activation of the PyTorch model: \(Activation.named.map(\.name).joined(separator: ", ")).")
    var activation: String

    @Option(help: "LeakyReLU negative slope (with --activation leaky-relu).")
    var negativeSlope: Float = 0.01

    @Option(help: ArgumentHelp("Hidden widths, comma-separated, or 'none' (default: inferred; checked when given).", valueName: "w,..."))
    var hidden: String?

    @Flag(help: "Require a LayerNorm after each hidden Linear (default: inferred from the tensors).")
    var layerNorm = false

    @Option(help: "The p of the nn.Dropout modules, if the model has them (recorded; no effect on predictions).")
    var dropout: Float?

    @Option(help: ArgumentHelp("Class / label names in output order, comma-separated.", valueName: "a,b,..."))
    var labels: String?

    @Option(help: "File with one class / label name per line (instead of --labels).")
    var labelsFile: String?

    @Option(help: ArgumentHelp("Input feature names, comma-separated (optional).", valueName: "a,b,..."))
    var featureNames: String?

    @Option(help: "JSON file {\"mean\": [...], \"scale\": [...]} of the feature standardization (e.g. scikit-learn StandardScaler mean_ and scale_).")
    var standardization: String?

    enum ImportFormat: String, ExpressibleByArgument, CaseIterable { case torchStateDict = "torch-state-dict" }
    enum Architecture: String, ExpressibleByArgument, CaseIterable { case mlp }

    func validate() throws {
        if labels != nil && labelsFile != nil { throw ValidationError("give --labels or --labels-file, not both") }
        if labels == nil && labelsFile == nil { throw ValidationError("--labels or --labels-file is required (one name per output)") }
        if let dropout, !(dropout >= 0 && dropout < 1) { throw ValidationError("--dropout must be in [0, 1), got \(dropout)") }
        if Activation(name: activation) == nil {
            throw ValidationError("--activation must be one of \(Activation.named.map(\.name).joined(separator: ", ")) (got '\(activation)')")
        }
        if activation != "leaky-relu" && negativeSlope != 0.01 { throw ValidationError("--negative-slope needs --activation leaky-relu") }
        if !negativeSlope.isFinite { throw ValidationError("--negative-slope must be finite") }
    }

    func run() throws {
        try OutputPath.checkWritable(URL(fileURLWithPath: out), flag: "--out")
        let hiddenWidths = try hidden.map(Self.parseHidden)
        let names = try labelNames()
        let stats = try standardization.map(Self.readStandardization)
        try DataOptions.checkReadable(input, what: "state dict")
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: input)))
        } catch {
            throw UserError("cannot read state dict '\(input)': \(error.localizedDescription)")
        }
        let tensors = try Self.readStateDict(bytes, path: input)
        var act = Activation(name: activation) ?? .relu
        if activation == "leaky-relu" { act = .leakyReLU(slope: negativeSlope) }
        let options = TorchStateDictImport.Options(
            task: task, activation: act, hidden: hiddenWidths, layerNorm: layerNorm ? true : nil,
            dropout: dropout, labelNames: names, featureNames: Self.list(featureNames ?? ""), standardization: stats)
        let file: ModelFile
        do {
            file = try TorchStateDictImport.modelFile(tensors: tensors, options: options)
        } catch let e as TorchStateDictImport.ImportError {
            throw UserError("state dict '\(input)': \(e.message)")
        }
        try file.write(to: URL(fileURLWithPath: out))
        let spec = try file.mlpSpec()
        try StandardOutput.write("Wrote \(out): MLP \(([spec.inputs] + spec.hidden + [spec.outputs]).map(String.init).joined(separator: "-")), "
              + "\(activation)\(spec.layerNorm ? ", LayerNorm" : ""), \(task.rawValue)"
              + (file.standardization != nil ? ", standardized inputs" : "") + "\n")
    }

    /// The tensors of a safetensors state dict, with a clear error for the files people mistake
    /// for one (ONNX models, `torch.save` pickles).
    static func readStateDict(_ bytes: [UInt8], path: String) throws -> [SafeTensor] {
        do {
            return try SafeTensors.decode(bytes, path: path).tensors
        } catch let error as ModelFileError {
            if path.lowercased().hasSuffix(".onnx") || ONNXExport.looksLikeONNX(bytes) {
                throw UserError("'\(path)' is an ONNX file (or a damaged one): logits import reads PyTorch state dicts saved as safetensors (--format torch-state-dict); ONNX import is not supported")
            }
            if bytes.starts(with: [0x50, 0x4b, 0x03, 0x04]) || bytes.first == 0x80 {
                throw UserError("'\(path)' is a torch.save checkpoint (zip/pickle), not safetensors: save it with safetensors.torch.save_file(model.state_dict(), \"model.safetensors\")")
            }
            throw UserError("'\(path)' is not a valid safetensors state dict: \(error.description)")
        }
    }

    private func labelNames() throws -> [String] {
        if let labelsFile {
            try DataOptions.checkReadable(labelsFile, what: "labels file")
            let text: String
            do { text = try String(contentsOfFile: labelsFile, encoding: .utf8) } catch {
                throw UserError("cannot read labels file '\(labelsFile)': \(error.localizedDescription)")
            }
            let names = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !names.isEmpty else { throw UserError("labels file '\(labelsFile)' has no names") }
            return names
        }
        let names = Self.list(labels ?? "")
        guard !names.isEmpty else { throw ValidationError("--labels is empty") }
        return names
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func parseHidden(_ text: String) throws -> [Int] {
        if text.lowercased() == "none" { return [] }
        return try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            guard let w = Int(part.trimmingCharacters(in: .whitespaces)), w > 0 else {
                throw ValidationError("--hidden: '\(part)' is not a positive width (expected e.g. 256,128 or none)")
            }
            return w
        }
    }

    static func readStandardization(_ path: String) throws -> Standardizer {
        try DataOptions.checkReadable(path, what: "standardization file")
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw UserError("cannot read standardization file '\(path)': \(error.localizedDescription)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw UserError("standardization file '\(path)': expected a JSON object {\"mean\": [...], \"scale\": [...]}")
        }
        func floats(_ key: String) throws -> [Float] {
            guard let values = object[key] as? [Any] else {
                throw UserError("standardization file '\(path)': '\(key)' must be an array of numbers")
            }
            return try values.enumerated().map { i, v in
                guard let n = v as? NSNumber, !(v is Bool) else {
                    throw UserError("standardization file '\(path)': \(key)[\(i)] is not a number")
                }
                return n.floatValue
            }
        }
        let (mean, scale) = (try floats("mean"), try floats("scale"))
        do { return try Standardizer(mean: mean, scale: scale) } catch {
            throw UserError("standardization file '\(path)': \(error)")
        }
    }
}

extension TaskDescription.Kind: ExpressibleByArgument {}
