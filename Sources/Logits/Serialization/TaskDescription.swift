/// The task as stored in a model file: JSON `{"kind": "multiclass" | "multilabel" | "binary", "outputs": n}`.
public struct TaskDescription: Codable, Sendable, Equatable {
    /// The task kind; the raw values are the strings stored in model files.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// One softmax over `outputs` classes.
        case multiclass
        /// One sigmoid per label, `outputs` labels.
        case multilabel
        /// One sigmoid output.
        case binary
    }

    /// A `kind` string that is not one of `Kind`'s raw values, met while decoding.
    public struct UnknownKind: Error, Equatable, CustomStringConvertible {
        /// The string found.
        public var kind: String
        public var description: String { "unknown task kind '\(kind)' (expected multiclass, multilabel or binary)" }
    }

    /// The task kind.
    public var kind: Kind
    /// Number of outputs (logits per sample).
    public var outputs: Int

    public init(kind: Kind, outputs: Int) {
        self.kind = kind
        self.outputs = outputs
    }

    public init(_ task: ClassificationTask) {
        switch task {
        case .multiClass(let c): self.init(kind: .multiclass, outputs: c)
        case .multiLabel(let l): self.init(kind: .multilabel, outputs: l)
        case .binary: self.init(kind: .binary, outputs: 1)
        }
    }

    /// The library task.
    public var classificationTask: ClassificationTask {
        switch kind {
        case .multiclass: .multiClass(classes: outputs)
        case .multilabel: .multiLabel(labels: outputs)
        case .binary: .binary
        }
    }

    private enum CodingKeys: String, CodingKey { case kind, outputs }

    /// Decodes `kind` as a string first, so that an unknown one throws `UnknownKind` naming it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .kind)
        guard let kind = Kind(rawValue: text) else { throw UnknownKind(kind: text) }
        self.init(kind: kind, outputs: try container.decode(Int.self, forKey: .outputs))
    }
}
