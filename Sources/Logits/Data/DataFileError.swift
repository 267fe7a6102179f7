/// A malformed or unsupported data file: thrown by every loader for bad input, never a trap and
/// never a partially filled data set.
///
/// The description reads `FILE:LINE: attribute 'NAME' (field K): MESSAGE`, where the message
/// says what was found and what was expected, e.g.
/// `yeast-train.arff:57: attribute 'Att3' (field 3): non-numeric value "abc"; expected a number`.
public struct DataFileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file as given to the loader (path or name).
    public var file: String
    /// 1-based line number (text formats), when the problem is tied to one line.
    public var line: Int?
    /// 1-based field / column number within the line, when known.
    public var column: Int?
    /// The attribute / column name involved, when known.
    public var attribute: String?
    /// What was found and what was expected.
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, attribute: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.attribute = attribute
        self.message = message
    }

    /// One line; non-printable characters of the file name, attribute and message are escaped
    /// (see `Printable`).
    public var description: String {
        var text = Printable.escaped(file)
        if let line { text += ":\(line)" }
        text += ": "
        switch (attribute.map(Printable.escaped), column) {
        case let (name?, column?): text += "attribute '\(name)' (field \(column)): "
        case let (name?, nil): text += "attribute '\(name)': "
        case let (nil, column?): text += "field \(column): "
        case (nil, nil): break
        }
        return text + Printable.escaped(message)
    }
}

extension MemoryBudget {
    /// Bytes a Swift `String` array element takes for a short name (inline, 16 bytes).
    static let nameBytes = 16

    /// `check(bytes:what:)` for a loader: a `DataFileError` naming `file` (and `line`) instead of
    /// a `MemoryBudgetError`.
    static func checkLoad(bytes: Int?, what: String, file: String, line: Int? = nil) throws {
        do {
            try check(bytes: bytes, what: what)
        } catch let error as MemoryBudgetError {
            throw DataFileError(file: file, line: line, message: error.invalidSetting == nil ? "\(what) \(error.sizeMessage)" : error.description)
        }
    }

    /// Bytes of a loaded data set: `rows x (features + targets)` float32 values plus the names.
    static func datasetBytes(rows: Int, features: Int, targets: Int, names: Int) -> Int? {
        sum(product(rows, features, 4), product(rows, targets, 4), product(names, nameBytes))
    }
}
