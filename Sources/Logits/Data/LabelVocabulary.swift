/// A two-way map between class/label names and their indices (`names[i]` has index `i`).
public struct LabelVocabulary: Sendable, Equatable, Codable {
    /// Names in index order.
    public let names: [String]
    private let indexByName: [String: Int]

    /// - Throws: `LogitsError.invalidValue` if a name repeats.
    public init(names: [String]) throws {
        var map = [String: Int](minimumCapacity: names.count)
        for (i, name) in names.enumerated() {
            guard map.updateValue(i, forKey: name) == nil else {
                throw LogitsError.invalidValue("label name '\(name)' appears twice")
            }
        }
        self.names = names
        self.indexByName = map
    }

    /// Number of names.
    public var count: Int { names.count }

    /// Index of `name`, or `nil`.
    public func index(of name: String) -> Int? { indexByName[name] }

    /// Name at `index`, or `nil` when out of range.
    public func name(at index: Int) -> String? { names.indices.contains(index) ? names[index] : nil }

    private enum CodingKeys: String, CodingKey { case names }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(names: c.decode([String].self, forKey: .names))
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(names, forKey: .names)
    }
}

extension Dataset {
    /// The class/label name <-> index map of this data set.
    public var labelVocabulary: LabelVocabulary {
        get throws { try LabelVocabulary(names: labelNames) }
    }
}
