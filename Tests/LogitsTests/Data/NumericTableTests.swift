import Foundation
import Testing
@testable import Logits

/// The library's one CSV reader: dialects (BOM, CRLF, tab, semicolon), header detection,
/// encodings, strict numbers, name matching.
@Suite struct NumericTableTests {
    func table(_ text: String, _ options: CSVOptions = CSVOptions()) throws -> NumericTable {
        try NumericTable.parse(Data(text.utf8), source: "x.csv", options: options)
    }

    func failure(_ bytes: [UInt8], _ options: CSVOptions = CSVOptions()) -> String {
        do {
            _ = try NumericTable.parse(Data(bytes), source: "x.csv", options: options)
            return "no error"
        } catch let e as DataFileError {
            return e.description
        } catch {
            return "wrong error type: \(error)"
        }
    }

    func failure(_ text: String, _ options: CSVOptions = CSVOptions()) -> String { failure(Array(text.utf8), options) }

    @Test func parsesNumbersWithSpacesCRLFAndBlankLines() throws {
        let t = try table(" 1.5, -2e-3 ,3\r\n0,+4.25,1E2\r\n\r\n")
        #expect(t.header == nil && t.rows == 2 && t.cols == 3 && t.lines == [1, 2])
        #expect(t.values == [1.5, -0.002, 3, 0, 4.25, 100])
    }

    @Test func doublesRoundTripExactly() throws {
        let xs = [0.1, 1.0 / 3, 2.5e-300, -123456.789e10, 0.8476, 1e39]
        #expect(try table(xs.map { "\($0)" }.joined(separator: ",")).values == xs)
    }

    @Test func utf8BOMIsSkippedOnFilesAndStdinBytesAlike() throws {
        let t = try table("\u{FEFF}a,b\n1,2\n3,4\n")
        #expect(t.header == ["a", "b"] && t.rows == 2)
        let headerless = try table("\u{FEFF}1,2\n3,4\n")
        #expect(headerless.header == nil && headerless.rows == 2 && headerless.values == [1, 2, 3, 4])
    }

    @Test func tabAndSemicolonAreDetectedOrGiven() throws {
        let tab = try table("a\tb\tc\r\n1\t2\t3\n")
        #expect(tab.delimiter == "\t" && tab.header == ["a", "b", "c"] && tab.values == [1, 2, 3])
        let semi = try table("a;b\n1.5;2\n")
        #expect(semi.delimiter == ";" && semi.values == [1.5, 2])
        let given = try table("1;2\n3;4\n", CSVOptions(delimiter: ";"))
        #expect(given.cols == 2 && given.values == [1, 2, 3, 4])
        let quoted = try table("\"a,1\";b\n1;2\n")
        #expect(quoted.header == ["a,1", "b"] && quoted.delimiter == ";")
    }

    @Test func aDataRowWithABadCellIsNeverTakenForAHeader() {
        #expect(failure("1,abc,3\n4,5,6\n") == "x.csv:1: field 2: non-numeric value \"abc\"; expected a number")
        #expect(failure("1,,3\n4,5,6\n") == "x.csv:1: field 2: empty field; expected a number")
        #expect(failure("a,b\n1,2\n3,x\n") == "x.csv:3: attribute 'b' (field 2): non-numeric value \"x\"; expected a number")
        // A header is only detected when every field is a non-empty non-number.
        #expect(failure("a,,c\n1,2,3\n") == "x.csv:1: field 1: non-numeric value \"a\"; expected a number")
    }

    @Test func explicitHeaderChoice() throws {
        let forced = try table("1,2\n3,4\n", CSVOptions(hasHeader: true))
        #expect(forced.header == ["1", "2"] && forced.rows == 1)
        #expect(failure("a,b\n1,2\n", CSVOptions(hasHeader: false)) == "x.csv:1: field 1: non-numeric value \"a\"; expected a number")
    }

    @Test func utf16AndUTF32AreRejectedWithAConversionHint() {
        let utf16LE: [UInt8] = [0xFF, 0xFE] + Array("1,2\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let message = failure(utf16LE)
        #expect(message == "x.csv: the text is UTF-16 (little-endian byte-order mark); convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)")
        #expect(!message.contains("\0"))
        #expect(failure([0xFE, 0xFF, 0, 0x31]).contains("UTF-16 (big-endian"))
        #expect(failure([0xFF, 0xFE, 0, 0, 0x31, 0, 0, 0]).contains("UTF-32"))
        let noBOM: [UInt8] = Array("1,2\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(failure(noBOM) == "x.csv: NUL byte at offset 1: the text looks like UTF-16 or UTF-32, or is binary; convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)")
    }

    @Test func nonPrintableBytesAreEscapedInMessages() {
        let message = failure([0x31, 0x2C, 0x61, 0x07, 0x1B, 0xFF, 0x0A])
        #expect(message == "x.csv:1: field 2: non-numeric value \"a\\u{7}\\u{1b}\\u{fffd}\"; expected a number")
        #expect(!message.unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test func strictNumbersAndShapes() {
        #expect(failure("1,2\n3,0x1p3\n") == "x.csv:2: field 2: non-numeric value \"0x1p3\"; expected a number")
        #expect(failure("1,2\n3\n") == "x.csv:2: found 1 fields; expected 2 as in the first row")
        #expect(failure("1e999\n") == "x.csv:1: field 1: non-finite value \"1e999\"; expected a finite number")
        #expect(failure("nan\n") == "x.csv:1: field 1: non-finite value \"nan\"; expected a finite number")
        #expect(failure("\n\n") == "x.csv: no data rows; expected numeric CSV rows")
        #expect(failure("a,b\n") == "x.csv:1: a header but no data rows; expected at least one row of numbers")
        #expect(failure("1,\"2\n") == "x.csv:1: field 2: quoted field is never closed; expected a closing '\"'")
        #expect(failure("\"1\"x,2\n") == "x.csv:1: field 1: unexpected \"x\" after a closing quote; expected a delimiter or the end of the line")
    }

    @Test func nonFiniteAllowedOnRequest() throws {
        let t = try table("nan,inf,-inf\n", CSVOptions(allowNonFinite: true))
        #expect(t.values[0].isNaN && t.values[1] == .infinity && t.values[2] == -.infinity)
    }

    @Test func quotedNumbersAndLineNumbersAcrossQuotedLineBreaks() throws {
        let t = try table("\"a\nb\",c\n\"1\",2\n3,4\n")
        #expect(t.header == ["a\nb", "c"] && t.values == [1, 2, 3, 4] && t.lines == [3, 4])
    }

    @Test func columnsAreMatchedByName() throws {
        let t = try table("c,a,b\n3,1,2\n6,4,5\n")
        let m = try t.features(names: ["a", "b", "c"], count: 3)
        #expect(m.storage == [1, 2, 3, 4, 5, 6])
        let withLabel = try table("label,b,a\n0,2,1\n")
        #expect(try withLabel.features(names: ["a", "b"], count: 2, ignoring: ["label"]).storage == [1, 2])
        let headerless = try table("1,2\n")
        #expect(try headerless.features(names: ["a", "b"], count: 2).storage == [1, 2])
        #expect(throws: DataFileError(file: "x.csv", line: 1, message: "found 2 columns; expected 3 (the model's features)")) {
            try headerless.features(names: ["a", "b", "c"], count: 3)
        }
    }

    @Test func wrongNamesAreListed() throws {
        #expect(throws: DataFileError(file: "x.csv", line: 1, message: "header is missing feature(s) a, b; has unknown column(s) c; duplicate column(s) d")) {
            try CSVColumns.order(header: ["c", "d", "d", "e"], expected: ["a", "b", "d", "e"], source: "x.csv")
        }
        let error = #expect(throws: DataFileError.self) {
            try CSVColumns.order(header: ["x", "y"], expected: ["x", "y", "z"], source: "x.csv")
        }
        #expect(error?.description == "x.csv:1: header is missing feature(s) z")
        let unknownOnly = #expect(throws: DataFileError.self) {
            try CSVColumns.order(header: ["x", "q"], expected: ["x"], source: "x.csv")
        }
        #expect(unknownOnly?.message == "header has unknown column(s) q")
        #expect(try CSVColumns.order(header: ["b", "a"], expected: ["a", "b"], source: "x.csv") == [1, 0])
    }

    @Test func truthConversions() throws {
        let classes = try table("0\n2\n1\n")
        #expect(try classes.classIndices(classes: 3) == [0, 2, 1])
        #expect(throws: DataFileError(file: "x.csv", line: 2, column: 1, message: "class 2.0 is not an integer in 0..<2 (the scores have 2 columns)")) {
            try classes.classIndices(classes: 2)
        }
        let ml = try table("0,1\n1,0.5\n")
        #expect(throws: DataFileError(file: "x.csv", line: 2, column: 2, message: "0.5 is not 0 or 1")) { try ml.binaryValues() }
    }

    @Test func tableOverTheMemoryBudgetFailsCleanly() {
        let text = String(repeating: "1,2,3,4\n", count: 200)
        let message = MemoryBudget.withLimit(bytes: 1000) { failure(text) }
        #expect(message.hasPrefix("x.csv:"), "\(message)")
        #expect(message.contains("over the memory budget of 1000 bytes"), "\(message)")
    }
}

/// The labelled-CSV loader on the same reader.
@Suite struct CSVDialectTests {
    func load(_ text: String, _ options: LoadOptions = LoadOptions(labels: .column("y", separator: nil))) throws -> Dataset {
        try CSVLoader.parse(Data(text.utf8), path: "t.csv", options: options)
    }

    @Test func crlfTabSemicolonAndBOM() throws {
        let expected = try load("a,b,y\n1,2,p\n3,4,q\n")
        #expect(try load("a,b,y\r\n1,2,p\r\n3,4,q\r\n") == expected)
        #expect(try load("a\tb\ty\n1\t2\tp\n3\t4\tq\n") == expected)
        #expect(try load("a;b;y\n1;2;p\n3;4;q\n") == expected)
        #expect(try load("\u{FEFF}a,b,y\n1,2,p\n3,4,q\n") == expected)
        #expect(try load("a|b|y\n1|2|p\n3|4|q\n", LoadOptions(labels: .column("y", separator: nil), delimiter: "|")) == expected)
    }

    @Test func aNumericFirstRowIsNotAHeader() throws {
        let error = #expect(throws: DataFileError.self) { try load("1,2,0\n3,4,1\n") }
        #expect(error?.description == "t.csv:1: the first row holds only numbers; expected a header row of column names (or read the file as headerless)")
        let headerless = try load("1,2,0\n3,4,1\n", LoadOptions(labels: .trailing(1), hasHeader: false))
        #expect(headerless.featureNames == ["1", "2"] && headerless.labelNames == ["3"] && headerless.count == 2)
    }

    @Test func badCellsNameLineAndColumn() {
        let error = #expect(throws: DataFileError.self) { try load("a,b,y\n1,,p\n") }
        #expect(error?.description == "t.csv:2: attribute 'b' (field 2): empty field; expected a number")
        let utf16 = #expect(throws: DataFileError.self) {
            try CSVLoader.parse(Data([0xFF, 0xFE, 0x61, 0]), path: "t.csv", options: LoadOptions())
        }
        #expect(utf16?.message.contains("convert it to UTF-8") == true)
    }
}

extension CSVDialectTests {
    @Test func headerInAnotherOrderIsMatchedByName() throws {
        let trained = try load("a,b,y\n1,2,p\n3,4,q\n")
        let shuffled = try load("b,y,a\n2,p,1\n4,q,3\n")
        #expect(shuffled.featureNames == ["b", "a"])
        let aligned = try shuffled.reorderingFeatures(to: trained.featureNames, source: "t.csv")
        #expect(aligned == trained)
        let wrong = try load("b,y,z\n2,p,1\n4,q,3\n")
        let error = #expect(throws: DataFileError.self) { try wrong.reorderingFeatures(to: trained.featureNames, source: "t.csv") }
        #expect(error?.description == "t.csv:1: header is missing feature(s) a; has unknown column(s) z")
    }
}
