/// Renders untrusted text (file names, field contents, header names) safely for one-line error
/// messages: control characters (C0, DEL, C1), NUL bytes, line breaks, the replacement character
/// of invalid UTF-8 and other invisible format characters are escaped as `\u{XX}`; printable
/// text, non-ASCII letters included, is kept.
public enum Printable {
    /// `text` with every non-printable scalar escaped.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if needsEscape(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `"text"` escaped and clipped to `limit` characters (`..."` when clipped).
    public static func quoted(_ text: String, limit: Int = 40) -> String {
        let clipped = text.count > limit ? String(text.prefix(limit)) : text
        return "\"" + escaped(clipped) + (clipped.count < text.count ? "...\"" : "\"")
    }

    /// Whether `scalar` is escaped: controls, line/paragraph separators, format characters
    /// (zero-width, bidi controls, BOM) and U+FFFD.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return true }
        if v == 0xFFFD || v == 0x2028 || v == 0x2029 || v == 0xFEFF { return true }
        if v < 0x80 { return false }
        switch scalar.properties.generalCategory {
        case .format, .control, .surrogate, .unassigned, .privateUse, .lineSeparator, .paragraphSeparator:
            return true
        default:
            return false
        }
    }
}
