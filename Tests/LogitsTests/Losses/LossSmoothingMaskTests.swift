import Foundation
import LogitsTestSupport
import Testing
@testable import Logits

/// Label smoothing `y (1 - ε) + ε / 2` and target masks on the multi-label losses: every case of
/// `Tests/Fixtures/losses/loss_smoothing_mask.json` (PyTorch float64, `scripts/generate_loss_cases.py`)
/// for `none`, `mean`, `sum` and both gradients, plus central finite differences in Double.
@Suite struct LossSmoothingMaskTests {
    static let file = ReferenceFixtures.fixtures.appendingPathComponent("losses/loss_smoothing_mask.json")

    struct Case {
        var name: String
        var loss: any LossFunction
        var kind: LossKind?
        var options: LossOptions?
        var input: Matrix
        var targets: Matrix
        var mask: Matrix?
        var expected: ReferenceValue
    }

    static func makeCase(_ c: ReferenceValue) throws -> Case {
        let name = c["name"]?.string ?? "?"
        let inputs = try #require(c["inputs"]), params = try #require(c["params"])
        let input = try LossGoldenReference.matrix(inputs["input"])
        let targets = try LossGoldenReference.matrix(inputs["target"])
        let mask: Matrix? = inputs["mask"]?.isNull == false ? try LossGoldenReference.matrix(inputs["mask"]) : nil
        let eps = Float(try #require(params["label_smoothing"]?.double))
        let classWeight = LossGoldenReference.flat(params["weight"])?.map(Float.init)
        var weight: ElementWeight?
        if params["weight"] != nil {
            switch params["weight_shape"]?.string {
            case "[B,C]"?: weight = .perElement(try LossGoldenReference.matrix(params["weight"]))
            case "[B,1]"?: weight = .perSample(classWeight ?? [])
            default: weight = .perLabel(classWeight ?? [])
            }
        }
        let posWeight = LossGoldenReference.flat(params["pos_weight"])?.map(Float.init)
        func p(_ key: String) throws -> Float { Float(try #require(params[key]?.double, "\(name): \(key)")) }
        let loss: any LossFunction
        var kind: LossKind?
        var options = LossOptions(labelSmoothing: eps)
        switch try #require(params["loss"]?.string) {
        case "BCEWithLogitsLoss":
            loss = SigmoidBinaryCrossEntropy(weight: weight, posWeight: posWeight, labelSmoothing: eps)
            if params["weight_shape"] == nil {
                kind = .bce
                options.classWeight = classWeight
                options.posWeight = posWeight.map { .values($0) } ?? .none
            }
        case "BCELoss":
            loss = BinaryCrossEntropy(weight: weight, labelSmoothing: eps)
        case "MultiLabelSoftMarginLoss":
            loss = MultiLabelSoftMargin(weight: classWeight, labelSmoothing: eps)
            kind = .softmargin
            options.classWeight = classWeight
        case "sigmoid_focal_loss":
            loss = SigmoidFocal(alpha: try p("alpha"), gamma: try p("gamma"), labelSmoothing: eps)
            kind = .focal
            options.focalAlpha = try p("alpha")
            options.focalGamma = try p("gamma")
        case "AsymmetricLoss":
            loss = Asymmetric(gammaPos: try p("gamma_pos"), gammaNeg: try p("gamma_neg"), clip: try p("clip"), eps: try p("eps"), labelSmoothing: eps)
            if try p("eps") == 1e-8 {
                kind = .asl
                options.aslGammaPos = try p("gamma_pos")
                options.aslGammaNeg = try p("gamma_neg")
                options.aslClip = try p("clip")
            }
        case let other:
            throw LogitsError.invalidValue("\(name): unknown loss \(other)")
        }
        return Case(name: name, loss: loss, kind: kind, options: kind == nil ? nil : options, input: input,
                    targets: targets, mask: mask, expected: try #require(c["expected"]))
    }

    @Test func everyCaseMatchesPyTorch() throws {
        let root = try ReferenceFixtures.load(Self.file)
        let cases = try #require(root["cases"]?.array)
        #expect(cases.count >= 100)
        var report = LossToleranceReport()
        var kinds = Set<String>(), masked = 0, smoothed = 0, viaFactory = 0
        for raw in cases {
            let c = try Self.makeCase(raw)
            kinds.insert(String(describing: type(of: c.loss)))
            if c.mask != nil { masked += 1 }
            if (c.loss as? any ElementwiseLoss)?.labelSmoothing ?? 0 > 0 { smoothed += 1 }
            var gradient = Matrix(rows: 0, cols: 0)
            for reduction in Reduction.allCases {
                var values: [Float]? = reduction == .none ? [] : nil
                let loss = try c.loss.evaluate(
                    input: c.input, targets: .matrix(c.targets), mask: c.mask, reduction: reduction, values: &values, gradient: &gradient)
                switch reduction {
                case .none:
                    report.compare(values ?? [], LossGoldenReference.flat(c.expected["none"]), "\(c.name) none")
                    // The gradient of `none` is that of the sum of the values.
                    report.compare(gradient.storage, LossGoldenReference.flat(c.expected["grad_sum"]), "\(c.name) grad none")
                case .mean:
                    report.compare(loss, LossGoldenReference.number(c.expected["mean"]), "\(c.name) mean")
                    report.compare(gradient.storage, LossGoldenReference.flat(c.expected["grad_mean"]), "\(c.name) grad_mean")
                case .sum:
                    report.compare(loss, LossGoldenReference.number(c.expected["sum"]), "\(c.name) sum")
                    report.compare(gradient.storage, LossGoldenReference.flat(c.expected["grad_sum"]), "\(c.name) grad_sum")
                }
            }
            // The allocating API and the TrainingLoss hot path with the mask.
            let out = try c.loss.compute(input: c.input, targets: .matrix(c.targets), mask: c.mask)
            report.compare(Double(out.loss), LossGoldenReference.number(c.expected["mean"]), "\(c.name) compute().loss")
            report.compare(out.values.storage, LossGoldenReference.flat(c.expected["none"]), "\(c.name) compute().values")
            let hot = try c.loss.lossAndGradient(logits: c.input, targets: .matrix(c.targets), mask: c.mask, gradient: &gradient)
            report.compare(Double(hot), LossGoldenReference.number(c.expected["mean"]), "\(c.name) lossAndGradient")
            report.compare(gradient.storage, LossGoldenReference.flat(c.expected["grad_mean"]), "\(c.name) lossAndGradient grad")
            // The CLI's route: LossKind + LossOptions (labelSmoothing, class weights, pos weight).
            if let kind = c.kind, let options = c.options {
                viaFactory += 1
                for reduction in [Reduction.mean, .sum] {
                    var o = options
                    o.reduction = reduction
                    let loss = try kind.makeLoss(o)
                    let v = try loss.lossAndGradient(logits: c.input, targets: .matrix(c.targets), mask: c.mask, gradient: &gradient)
                    let key = reduction == .mean ? "mean" : "sum"
                    report.compare(Double(v), LossGoldenReference.number(c.expected[key]), "\(c.name) makeLoss \(key)")
                    report.compare(gradient.storage, LossGoldenReference.flat(c.expected["grad_\(key)"]), "\(c.name) makeLoss grad_\(key)")
                }
            }
        }
        #expect(kinds.count == 5, "loss kinds covered: \(kinds.sorted())")
        #expect(masked >= 40 && smoothed >= 60 && viaFactory >= 60, "masked \(masked), smoothed \(smoothed), via LossKind \(viaFactory)")
        #expect(report.checked > 10000)
        #expect(report.failures.isEmpty, "\(report.failures.count) mismatches of \(report.checked): \(report.failures.prefix(15))")
    }

    // MARK: - Finite differences in Double

    func dsoftplus(_ x: Double) -> Double { Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x))) }
    func dsigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

    /// Checks the masked, smoothed loss (`.mean` and `.sum`) against an independent Double forward
    /// `forward(z, reduction)` by central differences (masked entries must get exactly 0).
    func check(
        _ loss: any LossFunction, input: Matrix, targets: Matrix, mask: Matrix, _ label: String,
        forward: (_ z: [Double], _ reduction: Reduction) -> Double
    ) throws {
        for reduction in [Reduction.mean, .sum] {
            var values: [Float]? = nil
            var grad = Matrix(rows: 0, cols: 0)
            let value = try loss.evaluate(
                input: input, targets: .matrix(targets), mask: mask, reduction: reduction, values: &values, gradient: &grad)
            let z0 = input.storage.map(Double.init)
            let f0 = forward(z0, reduction)
            #expect(Swift.abs(value - f0) <= 1e-11 * Swift.max(1, Swift.abs(f0)), "\(label) \(reduction): value \(value) vs Double \(f0)")
            let h = 1e-6
            for k in 0..<z0.count {
                var zp = z0, zm = z0
                zp[k] += h
                zm[k] -= h
                let fd = (forward(zp, reduction) - forward(zm, reduction)) / (2 * h)
                let g = Double(grad.storage[k])
                if mask.storage[k] == 0 { #expect(g == 0 && fd == 0, "\(label) masked [\(k)]: \(g), fd \(fd)") }
                #expect(Swift.abs(g - fd) <= 1e-6 + 1e-5 * Swift.abs(fd),
                        "\(label) \(reduction) d/dz[\(k)]: analytic \(g), finite difference \(fd)")
            }
        }
    }

    struct Setup {
        var x: Matrix, y: Matrix, mask: Matrix
        var b: Int, c: Int
        var observed: Double { Double(mask.storage.reduce(0, +)) }
    }

    static func setup(seed: UInt64, rows b: Int = 4, cols c: Int = 9) -> Setup {
        var rng = LossTestRNG(seed: seed)
        let x = rng.matrix(b, c) { 3 * $0.normal() }
        var y = rng.matrix(b, c) { $0.uniform() < 0.4 ? 1 : 0 }
        var mask = rng.matrix(b, c) { $0.uniform() < 0.7 ? 1 : 0 }
        for j in 0..<c { mask[1, j] = 0 }  // a row without observed labels
        mask[0, 0] = 1
        for k in 0..<y.count where mask.storage[k] == 0 { y.storage[k] = .nan }  // placeholders are ignored
        return Setup(x: x, y: y, mask: mask, b: b, c: c)
    }

    @Test func sigmoidBCEWithWeightsSmoothedAndMasked() throws {
        let s = Self.setup(seed: 21)
        var rng = LossTestRNG(seed: 22)
        let wl: [Float] = (0..<s.c).map { _ in Float(0.5 + rng.uniform()) }
        let pw: [Float] = (0..<s.c).map { _ in Float(0.2 + 3 * rng.uniform()) }
        let we = rng.matrix(s.b, s.c) { 0.5 + $0.uniform() }
        for (weight, posWeight) in [(nil, nil), (ElementWeight.perLabel(wl), pw), (.perElement(we), pw), (.perSample([1, 2, 0.5, 3]), nil)]
            as [(ElementWeight?, [Float]?)] {
            for eps in [Float(0), 0.1, 0.3] {
                let loss = SigmoidBinaryCrossEntropy(weight: weight, posWeight: posWeight, labelSmoothing: eps)
                try check(loss, input: s.x, targets: s.y, mask: s.mask, "BCE eps \(eps) \(String(describing: weight))") { z, red in
                    var total = 0.0
                    for i in 0..<s.b {
                        for j in 0..<s.c where s.mask[i, j] != 0 {
                            let k = i * s.c + j
                            let t = Double(s.y.storage[k]) * (1 - Double(eps)) + Double(eps) / 2
                            let w = Double(weight?.value(row: i, col: j, cols: s.c) ?? 1), p = Double(posWeight?[j] ?? 1)
                            total += w * (p * t * dsoftplus(-z[k]) + (1 - t) * dsoftplus(z[k]))
                        }
                    }
                    return red == .mean ? total / s.observed : total
                }
            }
        }
    }

    @Test func softMarginAveragesEachRowOverItsObservedLabels() throws {
        let s = Self.setup(seed: 23)
        let wl: [Float] = (0..<s.c).map { Float(1 + $0 % 3) }
        let loss = MultiLabelSoftMargin(weight: wl, labelSmoothing: 0.2)
        try check(loss, input: s.x, targets: s.y, mask: s.mask, "soft margin") { z, red in
            var total = 0.0, rows = 0.0
            for i in 0..<s.b {
                var sum = 0.0, n = 0.0
                for j in 0..<s.c where s.mask[i, j] != 0 {
                    let k = i * s.c + j
                    let t = Double(s.y.storage[k]) * (1 - Double(Float(0.2))) + Double(Float(0.2)) / 2
                    sum += Double(wl[j]) * (t * dsoftplus(-z[k]) + (1 - t) * dsoftplus(z[k]))
                    n += 1
                }
                if n > 0 { total += sum / n; rows += 1 }
            }
            return red == .mean ? total / rows : total
        }
    }

    @Test func focalSmoothedAndMasked() throws {
        let s = Self.setup(seed: 24)
        for (alpha, gamma) in [(Float(0.25), Float(2)), (-1, 2), (0.6, 0.5), (0.4, 1)] {
            let eps: Float = 0.1
            let loss = SigmoidFocal(alpha: alpha, gamma: gamma, labelSmoothing: eps)
            try check(loss, input: s.x, targets: s.y, mask: s.mask, "focal a=\(alpha) g=\(gamma)") { z, red in
                var total = 0.0
                for k in 0..<s.x.count where s.mask.storage[k] != 0 {
                    let t = Double(s.y.storage[k]) * (1 - Double(eps)) + Double(eps) / 2, p = dsigmoid(z[k])
                    let ce = t * dsoftplus(-z[k]) + (1 - t) * dsoftplus(z[k])
                    let pt = p * t + (1 - p) * (1 - t)
                    var l = ce * Foundation.pow(1 - pt, Double(gamma))
                    if alpha >= 0 { l *= Double(alpha) * t + (1 - Double(alpha)) * (1 - t) }
                    total += l
                }
                return red == .mean ? total / s.observed : total
            }
        }
    }

    @Test func asymmetricSmoothedAndMasked() throws {
        let s = Self.setup(seed: 25)
        for (gp, gn, m) in [(Float(1), Float(4), Float(0.05)), (0, 2, 0), (2, 1, 0.2)] {
            let eps: Float = 0.2
            let loss = Asymmetric(gammaPos: gp, gammaNeg: gn, clip: m, labelSmoothing: eps)
            try check(loss, input: s.x, targets: s.y, mask: s.mask, "ASL g+=\(gp) g-=\(gn) m=\(m)") { z, red in
                var total = 0.0
                for k in 0..<s.x.count where s.mask.storage[k] != 0 {
                    let t = Double(s.y.storage[k]) * (1 - Double(eps)) + Double(eps) / 2
                    let xsPos = dsigmoid(z[k])
                    var xsNeg = 1 - xsPos
                    if m > 0 { xsNeg = Swift.min(xsNeg + Double(m), 1) }
                    let los = t * Foundation.log(Swift.max(xsPos, Double(Float(1e-8))))
                        + (1 - t) * Foundation.log(Swift.max(xsNeg, Double(Float(1e-8))))
                    let pt = xsPos * t + xsNeg * (1 - t)
                    total += -los * Foundation.pow(1 - pt, Double(gp) * t + Double(gn) * (1 - t))
                }
                return red == .mean ? total / s.observed : total
            }
        }
    }

    @Test func binaryCrossEntropyOnProbabilitiesSmoothedAndMasked() throws {
        var s = Self.setup(seed: 26)
        for k in 0..<s.x.count { s.x.storage[k] = Float(dsigmoid(Double(s.x.storage[k]) / 2)) }
        let w: [Float] = (0..<s.c).map { Float(1 + $0 % 4) / 2 }
        let loss = BinaryCrossEntropy(weight: .perLabel(w), labelSmoothing: 0.1)
        try check(loss, input: s.x, targets: s.y, mask: s.mask, "BCE-probabilities") { p, red in
            var total = 0.0
            for k in 0..<s.x.count where s.mask.storage[k] != 0 {
                let t = Double(s.y.storage[k]) * (1 - Double(Float(0.1))) + Double(Float(0.1)) / 2
                total -= Double(w[k % s.c]) * (t * Foundation.log(p[k]) + (1 - t) * Foundation.log(1 - p[k]))
            }
            return red == .mean ? total / s.observed : total
        }
    }

    // MARK: - Identities and errors

    /// The Float kernel (no mask) and the shared Double loop (all-ones mask) agree with smoothing,
    /// and ε = 0 with an all-ones mask is the unmasked loss.
    @Test func kernelAndSharedLoopAgree() throws {
        var rng = LossTestRNG(seed: 27)
        let x = rng.matrix(5, 19) { 4 * $0.normal() }
        let y = rng.matrix(5, 19) { $0.uniform() < 0.3 ? 1 : 0 }
        var ones = Matrix(rows: 5, cols: 19)
        for k in 0..<ones.count { ones.storage[k] = 1 }
        let pw: [Float] = (0..<19).map { Float(1 + $0 % 3) }
        for eps in [Float(0), 0.1, 1] {
            let losses: [any LossFunction] = [
                SigmoidBinaryCrossEntropy(posWeight: pw, labelSmoothing: eps), MultiLabelSoftMargin(labelSmoothing: eps),
            ]
            for loss in losses {
                for reduction in Reduction.allCases {
                    let a = try loss.compute(input: x, targets: .matrix(y), reduction: reduction)
                    let b = try loss.compute(input: x, targets: .matrix(y), mask: ones, reduction: reduction)
                    #expect(LossToleranceReport.close(Double(a.loss), Double(b.loss)), "\(loss) \(reduction) \(a.loss) vs \(b.loss)")
                    for k in 0..<a.gradient.count {
                        #expect(LossToleranceReport.close(Double(a.gradient.storage[k]), Double(b.gradient.storage[k])))
                    }
                    for k in 0..<a.values.count {
                        #expect(LossToleranceReport.close(Double(a.values.storage[k]), Double(b.values.storage[k])))
                    }
                }
            }
        }
    }

    @Test func maskAndSmoothingErrors() throws {
        let x = try Matrix([[0.5, -1], [2, 0]]), y = try Matrix([[1, 0], [0, 1]])
        var g = Matrix(rows: 0, cols: 0)
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return "no error"
        }
        let bce = SigmoidBinaryCrossEntropy()
        #expect(message { _ = try bce.lossAndGradient(logits: x, targets: .matrix(y), mask: try Matrix([[1, 1]]), gradient: &g) }
            .contains("mask is 1x2, expected 2x2"))
        #expect(message { _ = try bce.lossAndGradient(logits: x, targets: .matrix(y), mask: try Matrix([[1, 0.5], [1, 1]]), gradient: &g) }
            .contains("mask[0][1] = 0.5"))
        // An observed NaN target is still an error; a masked one is not.
        let nanY = try Matrix([[1, .nan], [0, 1]])
        #expect(message { _ = try SigmoidFocal().lossAndGradient(logits: x, targets: .matrix(nanY), mask: try Matrix([[1, 1], [1, 1]]), gradient: &g) }
            .contains("target[0][1] = nan is NaN"))
        let ok = try SigmoidFocal().lossAndGradient(logits: x, targets: .matrix(nanY), mask: try Matrix([[1, 0], [1, 1]]), gradient: &g)
        #expect(ok.isFinite && g[0, 1] == 0)
        // Smoothing outside [0, 1], and a mask on a loss that has none.
        #expect(message { _ = try SigmoidBinaryCrossEntropy(labelSmoothing: 1.5).lossAndGradient(logits: x, targets: .matrix(y), gradient: &g) }
            .contains("labelSmoothing = 1.5"))
        #expect(message { _ = try LossKind.bce.makeLoss(LossOptions(labelSmoothing: -0.1)) }.contains("labelSmoothing = -0.1"))
        #expect(message { _ = try SoftmaxCrossEntropy().lossAndGradient(logits: x, targets: .classIndices([0, 1]), mask: y, gradient: &g) }
            .contains("does not take a target mask"))
        #expect(!LossKind.ce.supportsTargetMask && LossKind.allCases.filter(\.supportsTargetMask).count == 4)
        // Smoothing must not hide an out-of-range target from the kernel's check.
        #expect(message { _ = try SigmoidBinaryCrossEntropy(labelSmoothing: 0.1).lossAndGradient(logits: x, targets: .matrix(try Matrix([[1.05, 0], [0, 1]])), gradient: &g) }
            .contains("target[0][0] = 1.05 is outside [0, 1]"))
    }

    /// Everything masked: `none` and `sum` are 0, `mean` is NaN (0/0) and its gradient zero, as PyTorch.
    @Test func everythingMasked() throws {
        let x = try Matrix([[0.5, -1], [2, 0]]), y = try Matrix([[1, 0], [0, 1]])
        let none = Matrix(rows: 2, cols: 2)
        let losses: [any LossFunction] = [
            SigmoidBinaryCrossEntropy(labelSmoothing: 0.1), MultiLabelSoftMargin(), SigmoidFocal(), Asymmetric(),
        ]
        for loss in losses {
            let mean = try loss.compute(input: x, targets: .matrix(y), mask: none, reduction: .mean)
            #expect(mean.loss.isNaN && mean.gradient.storage.allSatisfy { $0 == 0 } && mean.values.storage.allSatisfy { $0 == 0 })
            let sum = try loss.compute(input: x, targets: .matrix(y), mask: none, reduction: .sum)
            #expect(sum.loss == 0 && sum.gradient.storage.allSatisfy { $0 == 0 })
        }
    }
}
