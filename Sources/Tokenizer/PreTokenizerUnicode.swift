// Codepoint classes as llama.cpp's pre-tokenizers see them (\p{L}, \p{N}, \s ...) and its
// lenient UTF-8 decoding. Categories come from Swift's Unicode.Scalar.Properties.

/// The class bits of one codepoint: one general-category bit plus the whitespace bit.
///
/// Categories follow llama.cpp's grouping (gen-unicode-data.py): L* letter, N* number, P*
/// punctuation, S* symbol, M* mark, Z* separator, Cc/Cf/Co/Cs control, Cn undefined.
struct CodepointClass: OptionSet, Sendable {
    let rawValue: UInt16
    static let undefined = CodepointClass(rawValue: 0x0001)
    static let number = CodepointClass(rawValue: 0x0002)
    static let letter = CodepointClass(rawValue: 0x0004)
    static let separator = CodepointClass(rawValue: 0x0008)
    static let mark = CodepointClass(rawValue: 0x0010)
    static let punctuation = CodepointClass(rawValue: 0x0020)
    static let symbol = CodepointClass(rawValue: 0x0040)
    static let control = CodepointClass(rawValue: 0x0080)
    static let whitespace = CodepointClass(rawValue: 0x0100)

    /// The general-category part (without the whitespace bit).
    var category: CodepointClass { CodepointClass(rawValue: rawValue & 0x00FF) }

    /// The class of `cp`; surrogates count as control and values above U+10FFFF as undefined,
    /// as in llama.cpp, whose lenient decoder can produce both.
    @inline(__always)
    static func of(_ cp: UInt32) -> CodepointClass {
        if cp < 0x1_0000 { return CodepointClass(rawValue: bmpTable[Int(cp)]) }
        return compute(cp)
    }

    /// One entry per BMP codepoint, built once (≈ 65k category look-ups, a few milliseconds).
    private static let bmpTable: [UInt16] = (0..<0x1_0000).map { compute(UInt32($0)).rawValue }

    private static func compute(_ cp: UInt32) -> CodepointClass {
        guard let scalar = Unicode.Scalar(cp) else {
            return (0xD800...0xDFFF).contains(cp) ? .control : .undefined
        }
        var c: CodepointClass
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: c = .letter
        case .nonspacingMark, .spacingMark, .enclosingMark: c = .mark
        case .decimalNumber, .letterNumber, .otherNumber: c = .number
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: c = .punctuation
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol: c = .symbol
        case .spaceSeparator, .lineSeparator, .paragraphSeparator: c = .separator
        case .control, .format, .surrogate, .privateUse: c = .control
        case .unassigned: c = .undefined
        @unknown default: c = .undefined
        }
        if isWhitespace(cp) { c.insert(.whitespace) }
        return c
    }

    /// Unicode's White_Space property (the set llama.cpp uses for \s).
    static func isWhitespace(_ cp: UInt32) -> Bool {
        switch cp {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}

/// UTF-8 as llama.cpp reads and writes it during pre-tokenization.
enum LenientUTF8 {
    /// Decodes `bytes` into codepoints the way llama.cpp's `unicode_cpts_from_utf8` does: a lead
    /// byte with its continuation bytes present is accepted without checking for overlong forms or
    /// surrogates; anything else becomes U+FFFD and consumes one byte. Values above U+10FFFF
    /// (which llama.cpp cannot re-encode) are replaced by U+FFFD too.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt32]) {
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(bytes.count)
        let n = bytes.count
        var i = 0
        while i < n {
            let b0 = UInt32(bytes[i])
            if b0 < 0x80 { out.append(b0); i += 1; continue }
            var length = 0
            var cp: UInt32 = 0
            if b0 & 0xE0 == 0xC0 { length = 2; cp = b0 & 0x1F }
            else if b0 & 0xF0 == 0xE0 { length = 3; cp = b0 & 0x0F }
            else if b0 & 0xF8 == 0xF0 { length = 4; cp = b0 & 0x07 }
            var ok = length > 0 && i + length <= n
            if ok {
                for k in 1..<length {
                    let b = UInt32(bytes[i + k])
                    if b & 0xC0 != 0x80 { ok = false; break }
                    cp = (cp << 6) | (b & 0x3F)
                }
            }
            if ok && cp <= 0x10FFFF {
                out.append(cp)
                i += length
            } else {
                out.append(0xFFFD)
                i += ok ? length : 1
            }
        }
    }

    /// Appends the UTF-8 encoding of `cp` (surrogates encode as three bytes, as llama.cpp does).
    @inline(__always)
    static func append(_ cp: UInt32, to out: inout [UInt8]) {
        if cp < 0x80 {
            out.append(UInt8(cp))
        } else if cp < 0x800 {
            out.append(UInt8(0xC0 | (cp >> 6)))
            out.append(UInt8(0x80 | (cp & 0x3F)))
        } else if cp < 0x1_0000 {
            out.append(UInt8(0xE0 | (cp >> 12)))
            out.append(UInt8(0x80 | ((cp >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (cp & 0x3F)))
        } else {
            out.append(UInt8(0xF0 | (cp >> 18)))
            out.append(UInt8(0x80 | ((cp >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((cp >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (cp & 0x3F)))
        }
    }
}
