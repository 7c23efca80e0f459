// Text repairs the HTML5 parsing rules make and libxml2's HTML 4 parser does not: numeric
// references to C1 control characters (&#150;, &#146;...) mean windows-1252's punctuation.

enum HTMLCharacters {
    /// U+0080...U+009F as HTML5 maps them (ref: WHATWG HTML, "numeric character reference end
    /// state" table). The five unassigned slots stay as they are.
    private static let c1: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    /// `text` with C1 controls replaced; returned unchanged (no copy) when it has none, which
    /// a scan of the UTF-8 bytes for their 0xC2 0x80-0x9F encoding decides.
    static func repairingC1(_ text: String) -> String {
        var hasC1 = false
        var previous: UInt8 = 0
        for b in text.utf8 {
            if previous == 0xC2 && b >= 0x80 && b <= 0x9F { hasC1 = true; break }
            previous = b
        }
        guard hasC1 else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s.value >= 0x80 && s.value <= 0x9F, let mapped = Unicode.Scalar(c1[Int(s.value - 0x80)]) {
                out.append(mapped)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }
}
