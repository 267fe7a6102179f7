/// A named tensor of a state dict: what PyTorch's `model.state_dict()` holds, flattened row-major.
public struct NamedTensor: Sendable, Equatable {
    /// PyTorch name, e.g. `0.weight`.
    public var name: String
    /// PyTorch shape: `[out, in]` for a Linear weight, `[n]` for a bias or LayerNorm vector.
    public var shape: [Int]
    /// Row-major values, `shape.reduce(1, *)` of them.
    public var values: [Float]

    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }
}

extension MLP {
    /// Parameters with their state-dict names, in order.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        parameters.map { ($0.name, $0) }
    }

    /// A snapshot of every parameter with names and shapes matching `nn.Sequential` built from the
    /// same spec (see `MLPSpec`), ready to be written as safetensors and loaded by PyTorch's
    /// `load_state_dict`.
    public func stateDict() -> [NamedTensor] {
        parameters.map { NamedTensor(name: $0.name, shape: $0.shape, values: $0.canonicalValue.storage) }
    }

    /// Replaces every parameter from `stateDict` (any order). Nothing is changed when it throws.
    /// - Throws: `LogitsError.invalidValue` for a missing or unknown name or a non-finite value,
    ///   `LogitsError.shapeMismatch` for a wrong shape or value count.
    public func load(stateDict: [NamedTensor]) throws {
        var byName: [String: NamedTensor] = [:]
        for t in stateDict {
            guard byName[t.name] == nil else { throw LogitsError.invalidValue("state dict names '\(t.name)' twice") }
            byName[t.name] = t
        }
        for p in parameters {
            guard let t = byName[p.name] else {
                throw LogitsError.invalidValue("state dict lacks '\(p.name)' (expected shape \(p.shape))")
            }
            guard t.shape == p.shape, t.values.count == p.count else {
                throw LogitsError.shapeMismatch(
                    "'\(p.name)' has shape \(t.shape) with \(t.values.count) values, expected \(p.shape)")
            }
            if let bad = t.values.firstIndex(where: { !$0.isFinite }) {
                throw LogitsError.invalidValue("'\(p.name)' holds \(t.values[bad]) at flat index \(bad)")
            }
        }
        let known = Set(parameters.map(\.name))
        if let extra = stateDict.first(where: { !known.contains($0.name) }) {
            throw LogitsError.invalidValue("state dict has unexpected '\(extra.name)'; the model has \(parameters.map(\.name))")
        }
        for p in parameters {
            guard let t = byName[p.name] else { continue }
            if p.isStoredTransposed, p.shape.count == 2 {
                // Validated above: `shape` values; stored transposed.
                p.value = try Matrix(rows: p.shape[0], cols: p.shape[1], storage: t.values).transposed()
            } else {
                p.value.storage = t.values
            }
        }
    }

    /// Copies of the current parameter values, in `parameters` order (for restoring best weights).
    public func snapshot() -> [Matrix] { parameters.map(\.value) }

    /// Restores values taken by `snapshot()` (copied into the existing buffers).
    public func restore(_ values: [Matrix]) {
        for (p, v) in zip(parameters, values) {
            p.value.withUnsafeMutableBufferPointer { dst in
                v.withUnsafeBufferPointer { src in
                    if let d = dst.baseAddress, let s = src.baseAddress { d.update(from: s, count: min(dst.count, src.count)) }
                }
            }
        }
    }
}
