import Foundation
import Testing
@testable import Logits

/// Mulan XML label files, read with Foundation's XMLParser.
@Suite struct MulanXMLTests {
    func names(_ xml: String) throws -> [String] {
        try MulanLabelFile.labelNames(data: Data(xml.utf8), path: "l.xml")
    }

    func error(_ xml: String) -> DataFileError? {
        #expect(throws: DataFileError.self) { _ = try names(xml) }
    }

    @Test func readsFlatAndHierarchicalLabelsWithEntities() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <labels xmlns="http://mulan.sourceforge.net/labels">
              <label name="A &amp; B"></label>
              <label name='c'><label name="c.1"/><label name="c.2"/></label>
            </labels>
            """
        #expect(try names(xml) == ["A & B", "c", "c.1", "c.2"])
    }

    @Test func unclosedTagIsAnErrorWithALine() {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <labels xmlns="http://mulan.sourceforge.net/labels">
            <label name="L1"></label>
            <label name="L2">
            <label name="L3"></label>
            </labels>
            """
        let e = error(xml)
        #expect(e?.line != nil)
        #expect(e?.message.hasPrefix("invalid XML") == true, "\(String(describing: e))")
        #expect(e?.description.hasPrefix("l.xml:") == true)
        // Unclosed start tag (no '>') and truncated file.
        #expect(error("<labels>\n<label name=\"a\"\n<label name=\"b\"/></labels>")?.line != nil)
        #expect(error("<labels><label name=\"a\"/>")?.message.hasPrefix("invalid XML") == true)
    }

    @Test func semanticErrors() {
        #expect(error("<labels><label/></labels>")?.message == "<label> without a name attribute")
        #expect(error("<labels>\n<label name=\"a\"/>\n<label name=\"a\"/></labels>")?.description == "l.xml:3: duplicate label 'a'")
        #expect(error("<x><label name=\"a\"/></x>")?.message == "root element <x>; expected <labels>")
        #expect(error("<labels></labels>")?.message == "no <label name=...> elements; expected at least one label")
        #expect(error("")?.message == "empty file; expected a Mulan XML label file")
        #expect(error("not xml at all")?.message.hasPrefix("invalid XML") == true)
    }
}

extension MulanXMLTests {
    @Test func encodingProblemsAreRejectedBeforeTheParser() {
        let bad = #expect(throws: DataFileError.self) {
            _ = try MulanLabelFile.labelNames(data: Data([0x3C, 0x6C, 0x61, 0x62, 0x65, 0x6C, 0x73, 0x3E, 0x0A, 0x3C, 0xC3, 0x28, 0x2F, 0x3E]), path: "l.xml")
        }
        #expect(bad?.description == "l.xml:2: not valid UTF-8 text; expected a UTF-8 Mulan XML label file")
        #expect(error("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><labels><label name=\"a\"/></labels>")?.message
                == "declares encoding \"iso-8859-1\"; expected UTF-8 (convert the file and its declaration to UTF-8)")
        let utf16 = #expect(throws: DataFileError.self) {
            _ = try MulanLabelFile.labelNames(data: Data([0xFF, 0xFE, 0x3C, 0x00]), path: "l.xml")
        }
        #expect(utf16?.message.contains("convert it to UTF-8") == true)
    }

    @Test func parserMessagesArePrintedForMalformedXML() {
        let e = error("<labels>\n<label name=\"a\">\n</labels>")
        print("XML error example: \(String(describing: e))")
        #expect(e?.line == 2 || e?.line == 3)
    }
}

extension MulanXMLTests {
    /// Inputs that trap corelibs' XMLParser (found by the fuzz harness) are refused before it runs.
    @Test func inputsThatCrashCorelibsXMLParserAreRefused() {
        #expect(error("<?xm?>\n<labels><label name=\"a\"/></labels>")?.description
                == "l.xml:1: processing instruction '<?...?>'; a Mulan label file has none besides the leading <?xml ...?> declaration")
        #expect(error("<?xml version=\"1.0\"?>\n<labels>\n<?pi?><label name=\"a\"/></labels>")?.line == 3)
        #expect(error("<!DOCTYPE a [<!ELEMENT a ANY><!ATTLIST a b CDATA #IMPLIED>]><labels/>")?.message
                == "document type declaration '<!DOCTYPE'; a Mulan label file has none")
        #expect(error("<?xml-stylesheet?><labels/>")?.message.hasPrefix("processing instruction") == true)
        #expect((try? names("\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\"?><labels><label name=\"a\"/></labels>")) == ["a"])
    }
}
