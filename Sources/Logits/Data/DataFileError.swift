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

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        switch (attribute, column) {
        case let (name?, column?): text += "attribute '\(name)' (field \(column)): "
        case let (name?, nil): text += "attribute '\(name)': "
        case let (nil, column?): text += "field \(column): "
        case (nil, nil): break
        }
        return text + message
    }
}
