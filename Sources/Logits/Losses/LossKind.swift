import Foundation

/// Loss names for the command line (`--loss ce|bce|focal|asl|softmargin`), and the factory that
/// builds the configured loss. All of them take logits; the probability-space losses
/// (`NegativeLogLikelihood`, `BinaryCrossEntropy`) are library-only because a network trained
/// by Logits always outputs logits.
public enum LossKind: String, Sendable, CaseIterable, Hashable {
    /// `SoftmaxCrossEntropy`: exclusive classes (index targets).
    case ce
    /// `SigmoidBinaryCrossEntropy`: independent labels, optional `posWeight`.
    case bce
    /// `SigmoidFocal`: multi-label with many easy negatives.
    case focal
    /// `Asymmetric` (ASL): multi-label with many negatives per sample.
    case asl
    /// `MultiLabelSoftMargin`: BCE averaged per sample.
    case softmargin

    /// One line for `--help` texts.
    public var summary: String {
        switch self {
        case .ce: return "softmax cross-entropy (exclusive classes; class weights, label smoothing)"
        case .bce: return "sigmoid binary cross-entropy per label (multi-label/binary; class weights, pos-weight)"
        case .focal: return "sigmoid focal loss (torchvision; alpha, gamma)"
        case .asl: return "asymmetric loss (Ridnik et al. 2021; gamma+, gamma-, clip)"
        case .softmargin: return "multi-label soft margin (BCE averaged per sample; class weights)"
        }
    }

    /// Whether the loss is for mutually exclusive classes (softmax) rather than independent labels (sigmoid).
    public var isMultiClass: Bool { self == .ce }

    /// Whether the loss takes a target mask for missing labels (`LossFunction.evaluate(input:targets:mask:...)`,
    /// `lossAndGradient(logits:targets:mask:gradient:)`): every multi-label loss does, `ce` does not
    /// (it has `ignoreIndex` instead).
    public var supportsTargetMask: Bool { self != .ce }

    /// Parses a name or a common alias (case-insensitive), e.g. `cross-entropy`, `bce-with-logits`.
    /// - Throws: `LogitsError.invalidValue` listing the accepted names.
    public static func parse(_ name: String) throws -> LossKind {
        let key = name.lowercased().replacingOccurrences(of: "_", with: "-")
        if let k = LossKind(rawValue: key) { return k }
        switch key {
        case "cross-entropy", "crossentropy", "softmax-ce", "softmax": return .ce
        case "bce-with-logits", "bcewithlogits", "sigmoid-bce", "sigmoid": return .bce
        case "sigmoid-focal", "focal-loss": return .focal
        case "asymmetric": return .asl
        case "soft-margin", "multilabel-soft-margin", "mlsm": return .softmargin
        default:
            throw LogitsError.invalidValue(
                "unknown loss '\(name)'; expected one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// Builds the loss.
    /// - Parameters:
    ///   - options: hyper-parameters; those that do not apply to this loss must keep their defaults
    ///     (`labelSmoothing` applies to every loss).
    ///   - trainingLabels: the `N x C` 0/1 label matrix of the training set, needed for `posWeight: .auto`.
    /// - Throws: `LogitsError.invalidValue` for an option the loss does not take, a smoothing
    ///   outside [0, 1] or `.auto` without labels.
    public func makeLoss(_ options: LossOptions = LossOptions(), trainingLabels: Matrix? = nil) throws -> any LossFunction {
        let o = options
        func reject(_ used: Bool, _ option: String) throws {
            if used { throw LogitsError.invalidValue("option \(option) does not apply to loss '\(rawValue)'") }
        }
        guard o.labelSmoothing >= 0 && o.labelSmoothing <= 1 else {
            throw LogitsError.invalidValue("labelSmoothing = \(o.labelSmoothing), expected a value in [0, 1]")
        }
        try reject(o.posWeight != .none && self != .bce, "posWeight")
        try reject(o.classWeight != nil && ![.ce, .bce, .softmargin].contains(self), "classWeight")
        switch self {
        case .ce:
            return SoftmaxCrossEntropy(weight: o.classWeight, labelSmoothing: o.labelSmoothing, reduction: o.reduction)
        case .bce:
            var pw: [Float]?
            switch o.posWeight {
            case .none: pw = nil
            case .values(let v): pw = v
            case .auto:
                guard let labels = trainingLabels else {
                    throw LogitsError.invalidValue("posWeight 'auto' needs the training label matrix")
                }
                pw = try LossKind.autoPosWeight(labels: labels)
            }
            return SigmoidBinaryCrossEntropy(
                weight: o.classWeight.map { .perLabel($0) }, posWeight: pw, labelSmoothing: o.labelSmoothing, reduction: o.reduction)
        case .focal:
            return SigmoidFocal(alpha: o.focalAlpha, gamma: o.focalGamma, labelSmoothing: o.labelSmoothing, reduction: o.reduction)
        case .asl:
            return Asymmetric(
                gammaPos: o.aslGammaPos, gammaNeg: o.aslGammaNeg, clip: o.aslClip, labelSmoothing: o.labelSmoothing, reduction: o.reduction)
        case .softmargin:
            return MultiLabelSoftMargin(weight: o.classWeight, labelSmoothing: o.labelSmoothing, reduction: o.reduction)
        }
    }

    /// The range `autoPosWeight` clamps to by default: a label is never weighted more than 100x
    /// (nor less than 1/100x), so a label with no or a single positive in the training set
    /// cannot dominate the loss (or be silenced, for a label that is nearly always on).
    public static let defaultPosWeightRange: ClosedRange<Float> = 0.01...100

    /// `posWeight = negatives / positives` per label (PyTorch's recommendation, e.g. 300 negatives
    /// and 100 positives give 3), computed from a training label matrix (`N x C`, 0/1 or soft:
    /// positives = sum of the column, negatives = N - positives), clamped to `range`. A label
    /// without positives gets `range.upperBound`.
    /// - Throws: `LogitsError.invalidValue` if a label is outside [0, 1] or NaN.
    public static func autoPosWeight(labels: Matrix, range: ClosedRange<Float> = defaultPosWeightRange) throws -> [Float] {
        try LossCheck.targetsInUnitInterval(labels, loss: "autoPosWeight")
        let n = Double(labels.rows)
        var pos = [Double](repeating: 0, count: labels.cols)
        for i in 0..<labels.rows {
            for j in 0..<labels.cols { pos[j] += Double(labels[i, j]) }
        }
        return pos.map { p in
            let ratio = p > 0 ? Float((n - p) / p) : range.upperBound
            return Swift.min(Swift.max(ratio, range.lowerBound), range.upperBound)
        }
    }
}

/// How `SigmoidBinaryCrossEntropy`'s `posWeight` is chosen.
public enum PosWeightSetting: Sendable, Equatable, Hashable {
    /// No positive weighting.
    case none
    /// `negatives / positives` per label from the training labels (`LossKind.autoPosWeight`).
    case auto
    /// Explicit weights, one per label.
    case values([Float])

    /// Parses `none`, `auto`, or a comma-separated list of numbers.
    public init(parsing text: String) throws {
        switch text.lowercased() {
        case "none", "": self = .none
        case "auto": self = .auto
        default:
            var v: [Float] = []
            for part in text.split(separator: ",") {
                guard let x = Float(part.trimmingCharacters(in: .whitespaces)), x.isFinite, x >= 0 else {
                    throw LogitsError.invalidValue("posWeight '\(text)': '\(part)' is not a non-negative number")
                }
                v.append(x)
            }
            self = .values(v)
        }
    }
}

/// Hyper-parameters for `LossKind.makeLoss`. Each applies to the losses named in its comment.
public struct LossOptions: Sendable, Equatable {
    /// All losses.
    public var reduction: Reduction = .mean
    /// `ce`, `bce` (per label), `softmargin`.
    public var classWeight: [Float]? = nil
    /// `bce`.
    public var posWeight: PosWeightSetting = .none
    /// All losses, in [0, 1]. `ce`: PyTorch's `label_smoothing` (targets `(1 - ε) onehot + ε / C`);
    /// `bce`, `focal`, `asl`, `softmargin`: targets `y (1 - ε) + ε / 2` (two classes per label).
    public var labelSmoothing: Float = 0
    /// `focal` (torchvision defaults).
    public var focalAlpha: Float = 0.25
    public var focalGamma: Float = 2
    /// `asl` (reference defaults).
    public var aslGammaPos: Float = 1
    public var aslGammaNeg: Float = 4
    public var aslClip: Float = 0.05

    public init(
        reduction: Reduction = .mean, classWeight: [Float]? = nil, posWeight: PosWeightSetting = .none,
        labelSmoothing: Float = 0, focalAlpha: Float = 0.25, focalGamma: Float = 2,
        aslGammaPos: Float = 1, aslGammaNeg: Float = 4, aslClip: Float = 0.05
    ) {
        self.reduction = reduction
        self.classWeight = classWeight
        self.posWeight = posWeight
        self.labelSmoothing = labelSmoothing
        self.focalAlpha = focalAlpha
        self.focalGamma = focalGamma
        self.aslGammaPos = aslGammaPos
        self.aslGammaNeg = aslGammaNeg
        self.aslClip = aslClip
    }
}
