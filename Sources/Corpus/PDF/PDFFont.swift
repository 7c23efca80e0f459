// A font as far as text extraction needs it (ISO 32000-1 §9.5-§9.10): how a shown string splits
// into codes, each code's Unicode text (ToUnicode first, then the simple-font encoding with
// /Differences, §9.10.2) and its advance width. Glyph shapes are not our concern.

final class PDFFont {
    struct Glyph {
        var text: String?
        /// Advance in text space units (already divided by 1000, or scaled by a Type 3 FontMatrix).
        var width: Double
        /// Single-byte code 32, to which word spacing (Tw) applies (§9.3.3).
        var isWordSpace: Bool
    }

    let isComposite: Bool
    /// False when codes have no Unicode meaning (Type0 with Identity encoding and no ToUnicode).
    let hasUnicode: Bool
    private let toUnicode: PDFCMap?
    /// For composite fonts: a CMap that only splits codes (codespaces from ToUnicode), else 2 bytes.
    private let codeLength: Int
    private var encoding: [String?] = []
    /// For Type0 fonts with a UCS-2/UTF-16 CMap: the code is the character.
    private let codeIsUnicode: Bool
    private var widths: [UInt32: Double] = [:]
    private var firstChar = 0
    private var simpleWidths: [Double] = []
    private let defaultWidth: Double
    private let widthScale: Double

    init(_ d: PDFDict, file: PDFFile) {
        let subtype = d.name("Subtype") ?? ""
        isComposite = subtype == "Type0"
        var tu: PDFCMap? = nil
        if let s = file.resolve(d["ToUnicode"]).stream, let bytes = file.decode(s) {
            let m = PDFCMap(bytes)
            if !m.isEmpty { tu = m }
        }
        toUnicode = tu
        var scale = 0.001
        if subtype == "Type3", let m = file.resolve(d["FontMatrix"]).array, let a = m.first.flatMap({ file.resolve($0).number }), a != 0, abs(a) < 1 {
            scale = abs(a)
        }
        widthScale = scale

        if isComposite {
            let encName = file.resolve(d["Encoding"]).name ?? ""
            codeIsUnicode = encName.contains("UCS2") || encName.contains("UTF16")
            codeLength = 2
            hasUnicode = tu != nil || codeIsUnicode
            let descendant = file.resolve(d["DescendantFonts"]).array?.first.map { file.resolveDict($0) } ?? nil
            defaultWidth = (descendant.flatMap { file.resolve($0["DW"]).number } ?? 1000) * scale
            if let w = descendant.flatMap({ file.resolve($0["W"]).array }) { readCIDWidths(w, file: file) }
        } else {
            codeIsUnicode = false
            codeLength = 1
            let descriptor = file.resolveDict(d["FontDescriptor"])
            let missing = descriptor.flatMap { file.resolve($0["MissingWidth"]).number }
            let base = d.name("BaseFont") ?? ""
            defaultWidth = (missing ?? (base.contains("Courier") ? 600 : 500)) * scale
            firstChar = max(0, min(file.resolve(d["FirstChar"]).int ?? 0, 255))
            if let w = file.resolve(d["Widths"]).array {
                simpleWidths = w.prefix(256).map { (file.resolve($0).number ?? 0) * scale }
            }
            encoding = PDFFont.simpleEncoding(d, subtype: subtype, file: file, readProgram: tu == nil)
            hasUnicode = tu != nil || encoding.contains { $0 != nil }
        }
    }

    /// The code → text table of a simple font: base encoding, then /Differences (§9.6.6).
    private static func simpleEncoding(_ d: PDFDict, subtype: String, file: PDFFile, readProgram: Bool) -> [String?] {
        let enc = file.resolve(d["Encoding"])
        let base = d.name("BaseFont") ?? ""
        var baseName = subtype == "Type1" || subtype == "MMType1" ? "StandardEncoding" : "WinAnsiEncoding"
        if base.hasSuffix("Symbol") || base.contains("Dingbats") { baseName = "" } // built-in symbol encodings
        if let n = enc.name { baseName = n }
        if let ed = enc.dict, let n = file.resolve(ed["BaseEncoding"]).name { baseName = n }
        var table = [String?](repeating: nil, count: 256)
        let explicitBase = enc.name != nil || enc.dict.map { $0["BaseEncoding"] != nil } == true
        if !explicitBase, readProgram, subtype == "Type1" || subtype == "MMType1", let builtin = builtinEncoding(d, file: file) {
            table = builtin // §9.6.6.2: without a base encoding, the font program's own encoding applies
        } else if let t = PDFEncodings.named(baseName) ?? (enc.dict != nil ? PDFEncodings.standard : nil) {
            for i in 0..<256 where t[i] != 0 {
                if let u = Unicode.Scalar(UInt32(t[i])) { table[i] = String(Character(u)) }
            }
        }
        if let diffs = enc.dict.flatMap({ file.resolve($0["Differences"]).array }) {
            var code = 0
            for item in diffs.prefix(4096) {
                switch file.resolve(item) {
                case let .int(c): code = max(-1, min(c, 256)) // out-of-range codes name nothing
                case let .name(n):
                    if code >= 0 && code < 256 { table[code] = PDFGlyphNames.text(for: n) }
                    code += 1
                default: break
                }
            }
        }
        return table
    }

    /// The encoding built into an embedded Type 1 font program: `dup <code> /<name> put` entries in
    /// the program's clear-text part (/Length1 bytes, before `eexec`). Nil when there is none.
    private static func builtinEncoding(_ d: PDFDict, file: PDFFile) -> [String?]? {
        guard let desc = file.resolveDict(d["FontDescriptor"]), let s = file.resolve(desc["FontFile"]).stream,
              let bytes = file.decode(s) else { return nil }
        let clear = min(bytes.count, max(0, file.resolve(s.dict["Length1"]).int ?? bytes.count))
        guard let start = PDFRebuild.find(Array("/Encoding".utf8), in: bytes, to: clear, first: true).first else { return nil }
        var lex = PDFLexer(bytes, at: start + 9, end: clear)
        var table = [String?](repeating: nil, count: 256)
        var found = false
        var last: [PDFToken] = []
        while true {
            let t = lex.next()
            if case .eof = t { break }
            if lex.isKeyword(t, "def") || lex.isKeyword(t, "eexec") { break }
            last.append(t)
            if last.count > 4 { last.removeFirst() }
            if last.count == 4, lex.isKeyword(last[0], "dup"), case let .int(code) = last[1], case let .name(n) = last[2],
               lex.isKeyword(last[3], "put"), code >= 0 && code < 256 {
                table[code] = PDFGlyphNames.text(for: n)
                found = true
            }
        }
        return found ? table : nil
    }

    /// §9.7.4.3: `c [w1 w2 ...]` or `cfirst clast w`, in thousandths.
    private func readCIDWidths(_ w: [PDFObject], file: PDFFile) {
        var i = 0
        while i < w.count && widths.count < 100_000 {
            guard let c = file.resolve(w[i]).int, c >= 0, c < 1 << 24 else { i += 1; continue }
            if i + 1 < w.count, let list = file.resolve(w[i + 1]).array {
                for (k, v) in list.prefix(65536).enumerated() { widths[UInt32(truncatingIfNeeded: c + k)] = (file.resolve(v).number ?? 0) * widthScale }
                i += 2
            } else if i + 2 < w.count, let last = file.resolve(w[i + 1]).int, let v = file.resolve(w[i + 2]).number {
                if last >= c && last - c < 65536 { for code in c...last { widths[UInt32(truncatingIfNeeded: code)] = v * widthScale } }
                i += 3
            } else {
                i += 1
            }
        }
    }

    /// The glyphs of a shown string.
    func glyphs(_ bytes: [UInt8]) -> [Glyph] {
        if !isComposite {
            var out: [Glyph] = []
            out.reserveCapacity(bytes.count)
            for b in bytes {
                let c = Int(b)
                var text = toUnicode?.lookup(UInt32(c), length: 1)
                if text == nil { text = encoding.isEmpty ? nil : encoding[c] }
                let k = c - firstChar
                let w = k >= 0 && k < simpleWidths.count && simpleWidths[k] > 0 ? simpleWidths[k] : defaultWidth
                out.append(Glyph(text: text, width: w, isWordSpace: c == 32))
            }
            return out
        }
        let codes = toUnicode?.codes(bytes, fallback: codeLength) ?? PDFCMap([]).codes(bytes, fallback: codeLength)
        return codes.map { code, length in
            var text = toUnicode?.lookup(code, length: length)
            if text == nil && codeIsUnicode, let u = Unicode.Scalar(code) { text = String(Character(u)) }
            // Some writers give the space glyph the one-byte code 32 within a two-byte font.
            return Glyph(text: text, width: widths[code] ?? defaultWidth, isWordSpace: length == 1 && code == 32)
        }
    }
}
