import Foundation
import Logits

/// Turns a PyTorch `nn.Sequential` state dict (a safetensors file, as written by
/// `safetensors.torch.save_file(model.state_dict(), path)`) into a Logits model file.
///
/// Supported modules, in `MLPSpec`'s order: `Linear(prev, h)` (with bias), optional
/// `LayerNorm(h)`, the activation (no parameters), optional `Dropout` (no parameters), ..., and a
/// final `Linear(prev, L)`. The parameter names must be `<index>.weight` / `<index>.bias`, where
/// `<index>` is the module's position in the Sequential; a common prefix such as `net.` or
/// `model.` (a Sequential held as an attribute) is stripped. The layout is inferred from the
/// names and shapes — hidden widths, LayerNorm, and where Dropout modules sit (index gaps) — and
/// checked against whatever the caller states. Only the activation, which has no parameters,
/// must be given.
///
/// Standardization statistics may come from the caller or from two extra tensors
/// `standardization.mean` and `standardization.scale` (`[F]` each) in the same file.
/// Tensors may be F32, F64 (rounded to float32), F16 or BF16 (widened exactly).
public enum TorchStateDictImport {
    /// What the state dict does not say.
    public struct Options: Sendable {
        /// The task the outputs solve.
        public var task: TaskDescription.Kind
        /// The hidden activation (`nn.ReLU`, `nn.GELU`, ... are not in a state dict).
        public var activation: Activation
        /// Hidden widths; `nil`: inferred from the Linear weights (checked when given).
        public var hidden: [Int]?
        /// LayerNorm after each hidden Linear; `nil`: inferred (checked when given).
        public var layerNorm: Bool?
        /// The `p` of the Dropout modules; needed only when the indices show Dropout modules.
        public var dropout: Float?
        /// One name per output.
        public var labelNames: [String]
        /// Input feature names (empty: unknown).
        public var featureNames: [String]
        /// Standardization to apply before the network (else taken from the file's tensors, if any).
        public var standardization: Standardizer?

        public init(task: TaskDescription.Kind, activation: Activation, hidden: [Int]? = nil, layerNorm: Bool? = nil,
                    dropout: Float? = nil, labelNames: [String], featureNames: [String] = [],
                    standardization: Standardizer? = nil) {
            self.task = task
            self.activation = activation
            self.hidden = hidden
            self.layerNorm = layerNorm
            self.dropout = dropout
            self.labelNames = labelNames
            self.featureNames = featureNames
            self.standardization = standardization
        }
    }

    /// An import failure, one line naming the tensor or option.
    public struct ImportError: Error, Equatable, LocalizedError, CustomStringConvertible {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
        public var errorDescription: String? { message }
    }

    /// Names of the optional standardization tensors.
    public static let meanTensor = "standardization.mean"
    public static let scaleTensor = "standardization.scale"

    /// The Logits model for `tensors` (a safetensors state dict).
    /// - Throws: `ImportError` naming the unsupported or inconsistent tensor / option.
    public static func modelFile(tensors: [SafeTensor], options: Options) throws -> ModelFile {
        var byName: [String: SafeTensor] = [:]
        for t in tensors { byName[t.name] = t }
        var fileStandardization: (mean: [Float], scale: [Float])?
        if let m = byName.removeValue(forKey: meanTensor) {
            guard let s = byName.removeValue(forKey: scaleTensor) else { throw ImportError("'\(meanTensor)' without '\(scaleTensor)'") }
            fileStandardization = (try floats(m), try floats(s))
        } else if byName.removeValue(forKey: scaleTensor) != nil {
            throw ImportError("'\(scaleTensor)' without '\(meanTensor)'")
        }
        let prefix = commonPrefix(Array(byName.keys))
        var modules: [Int: [String: SafeTensor]] = [:]
        for (name, t) in byName {
            let local = String(name.dropFirst(prefix.count))
            let parts = local.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, let index = Int(parts[0]), index >= 0, parts[1] == "weight" || parts[1] == "bias" else {
                if local.hasSuffix("running_mean") || local.hasSuffix("running_var") || local.hasSuffix("num_batches_tracked") {
                    throw ImportError("'\(name)' belongs to a BatchNorm layer, which is not supported (supported: Linear, LayerNorm, activations, Dropout)")
                }
                throw ImportError("'\(name)' is not a parameter of a supported nn.Sequential module (expected <index>.weight / <index>.bias of Linear or LayerNorm layers)")
            }
            modules[index, default: [:]][String(parts[1])] = t
        }
        guard !modules.isEmpty else { throw ImportError("the state dict has no Linear layer") }

        // Classify each parameterised module: Linear (weight [out, in] + bias [out]) or LayerNorm (weight [n] + bias [n]).
        var linears: [(index: Int, outputs: Int, inputs: Int)] = []
        var norms: [(index: Int, features: Int)] = []
        for index in modules.keys.sorted() {
            let m = modules[index] ?? [:]
            guard let w = m["weight"] else { throw ImportError("module \(prefix)\(index) has a bias but no weight") }
            guard let b = m["bias"] else {
                throw ImportError("'\(prefix)\(index).weight' has no bias: Linear(bias=False) / LayerNorm(bias=False) are not supported")
            }
            switch w.shape.count {
            case 2:
                guard b.shape == [w.shape[0]] else {
                    throw ImportError("'\(prefix)\(index).bias' has shape \(b.shape), expected [\(w.shape[0])] for the Linear weight \(w.shape)")
                }
                linears.append((index, w.shape[0], w.shape[1]))
            case 1:
                guard b.shape == w.shape else {
                    throw ImportError("'\(prefix)\(index).bias' has shape \(b.shape), expected \(w.shape) like the LayerNorm weight")
                }
                norms.append((index, w.shape[0]))
            default:
                throw ImportError("'\(prefix)\(index).weight' has shape \(w.shape): only Linear ([out, in]) and LayerNorm ([n]) layers are supported (no convolutions)")
            }
        }
        guard let first = linears.first, let last = linears.last else { throw ImportError("the state dict has no Linear layer") }
        let hidden = linears.dropLast().map(\.outputs)
        if let h = options.hidden, h != hidden {
            throw ImportError("--hidden \(h.map(String.init).joined(separator: ",")) does not match the state dict, whose Linear layers give \(hidden.isEmpty ? "no hidden layer" : hidden.map(String.init).joined(separator: ","))")
        }
        let layerNorm = !norms.isEmpty
        if let ln = options.layerNorm, ln != layerNorm {
            throw ImportError(ln ? "--layer-norm was given but the state dict has no LayerNorm weights" : "the state dict has LayerNorm weights (\(prefix)\(norms[0].index).weight) but --layer-norm was not given")
        }
        if layerNorm && norms.count != hidden.count {
            throw ImportError("\(norms.count) LayerNorm layers for \(hidden.count) hidden Linear layers: expected one after each hidden Linear")
        }
        // Module gap between consecutive Linears: Linear, [LayerNorm], activation, [Dropout].
        let base = 2 + (layerNorm ? 1 : 0)
        var hasDropout: Bool? = nil
        for k in 0..<(linears.count - 1) {
            let gap = linears[k + 1].index - linears[k].index
            guard gap == base || gap == base + 1 else {
                throw ImportError("Linear layers \(prefix)\(linears[k].index) and \(prefix)\(linears[k + 1].index) are \(gap) modules apart; expected \(base) (Linear, \(layerNorm ? "LayerNorm, " : "")activation) or \(base + 1) (with a Dropout)")
            }
            if let d = hasDropout, d != (gap == base + 1) {
                throw ImportError("Dropout after some hidden layers but not others (module \(prefix)\(linears[k + 1].index)) is not supported")
            }
            hasDropout = gap == base + 1
        }
        guard first.index == 0 else { throw ImportError("the first Linear is module \(prefix)\(first.index); expected module 0") }
        for (k, n) in norms.enumerated() where n.index != linears[k].index + 1 || n.features != linears[k].outputs {
            throw ImportError("LayerNorm '\(prefix)\(n.index)' (\(n.features) features) must follow the Linear '\(prefix)\(linears[k].index)' (\(linears[k].outputs) outputs) directly")
        }
        var dropout: Float = 0
        if hasDropout == true {
            guard let p = options.dropout, p > 0 else {
                throw ImportError("the module indices show a Dropout after each hidden activation: pass --dropout P (the p of nn.Dropout; it does not change predictions)")
            }
            dropout = p
        } else if let p = options.dropout, p > 0, !hidden.isEmpty {
            throw ImportError("--dropout \(p) was given but the module indices show no Dropout modules")
        }

        let outputs = last.outputs
        if options.task == .binary && outputs != 1 {
            throw ImportError("a binary task needs 1 output, the last Linear '\(prefix)\(last.index)' has \(outputs)")
        }
        guard options.labelNames.count == outputs else {
            throw ImportError("\(options.labelNames.count) label names for \(outputs) outputs (the last Linear '\(prefix)\(last.index).weight' is \(outputs) x \(last.inputs))")
        }
        if !options.featureNames.isEmpty && options.featureNames.count != first.inputs {
            throw ImportError("\(options.featureNames.count) feature names for \(first.inputs) input features")
        }
        if options.standardization != nil && fileStandardization != nil {
            throw ImportError("standardization given twice: as an option and as the tensors '\(meanTensor)' / '\(scaleTensor)'")
        }
        var stats: Standardizer?
        if let s = options.standardization.map({ (mean: $0.mean, scale: $0.scale) }) ?? fileStandardization {
            guard s.mean.count == first.inputs, s.scale.count == first.inputs else {
                throw ImportError("standardization has \(s.mean.count) means and \(s.scale.count) scales; the model takes \(first.inputs) features")
            }
            do { stats = try Standardizer(mean: s.mean, scale: s.scale) } catch { throw ImportError("standardization: \(error)") }
        }

        let spec = MLPSpec(inputs: first.inputs, hidden: hidden, outputs: outputs, activation: options.activation,
                           dropout: dropout, layerNorm: layerNorm)
        let model: MLP
        do { model = try MLP(spec: spec, seed: 0) } catch { throw ImportError("invalid architecture: \(error)") }
        var state: [NamedTensor] = []
        for p in model.parameters {
            guard let t = byName[prefix + p.name] else {
                throw ImportError("the state dict lacks '\(prefix)\(p.name)' (shape \(p.shape)) for \(spec.hidden.isEmpty ? "a linear model" : "hidden layers \(spec.hidden)")")
            }
            state.append(NamedTensor(name: p.name, shape: t.shape, values: try floats(t)))
        }
        do { try model.load(stateDict: state) } catch { throw ImportError("\(error)") }
        let task = TaskDescription(kind: options.task, outputs: outputs).classificationTask
        do {
            return try ModelFile(model: model, task: task, labelNames: options.labelNames,
                                 featureNames: options.featureNames, standardization: stats)
        } catch {
            throw ImportError("\(error)")
        }
    }

    /// A tensor's values as float32: F32 as is, F16 / BF16 widened, F64 rounded.
    static func floats(_ t: SafeTensor) throws -> [Float] {
        let b = t.bytes
        func word(_ i: Int, _ size: Int) -> UInt64 {
            var v: UInt64 = 0
            for k in 0..<size { v |= UInt64(b[i * size + k]) << (8 * UInt64(k)) }
            return v
        }
        let count = t.shape.reduce(1, *)
        switch t.dtype {
        case "F32": return (0..<count).map { Float(bitPattern: UInt32(word($0, 4))) }
        case "F64": return (0..<count).map { Float(Double(bitPattern: word($0, 8))) }
        case "BF16": return (0..<count).map { Float(bitPattern: UInt32(word($0, 2)) << 16) }
        case "F16": return (0..<count).map { halfToFloat(UInt16(word($0, 2))) }
        default:
            throw ImportError("tensor '\(t.name)' has dtype \(t.dtype); expected a floating-point state dict (F32, F64, F16 or BF16)")
        }
    }

    /// IEEE 754 binary16 to float32 (exact).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign: Float = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1f), mantissa = Float(h & 0x3ff)
        switch exponent {
        case 0: return sign * mantissa * 0x1p-24
        case 31: return mantissa == 0 ? sign * .infinity : .nan
        default: return sign * (1 + mantissa / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }

    /// The prefix shared by all names before their module index, e.g. `net.` in `net.0.weight`
    /// (empty when the names start with the index).
    static func commonPrefix(_ names: [String]) -> String {
        let prefixes = Set(names.map { name -> String in
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count >= 3, Int(parts[parts.count - 2]) != nil else { return "" }
            return parts.dropLast(2).joined(separator: ".") + "."
        })
        return prefixes.count == 1 ? (prefixes.first ?? "") : ""
    }
}
