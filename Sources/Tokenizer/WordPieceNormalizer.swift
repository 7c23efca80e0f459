// BERT's "basic tokenizer": text cleaning, CJK isolation, accent stripping, lower-casing and the
// split on whitespace and punctuation, producing the words WordPiece then cuts into pieces.
// Semantics follow HF tokenizers' BertNormalizer + BertPreTokenizer (what sentence-transformers
// runs), measured where they differ from Google's Python original (see each rule).
import Foundation   // decomposedStringWithCanonicalMapping (NFD): once per non-ASCII text

struct BasicTokenizer: Sendable {
    let lowercase: Bool
    let stripAccents: Bool

    /// Appends the words of `text` to `bytes` (UTF-8, normalised) with their byte ranges to
    /// `words`. Stops early once `limit` words exist (a long text truncated later anyway).
    func split(_ text: Substring, into bytes: inout [UInt8], words: inout [Range<Int>], limit: Int) {
        var start = bytes.count
        @inline(__always) func endWord() {
            if bytes.count > start { words.append(start..<bytes.count) }
            start = bytes.count
        }
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            for b in text.utf8 {
                if words.count >= limit { return }
                switch Self.asciiClass(b) {
                case .removed: continue
                case .space: endWord()
                case .single: endWord(); bytes.append(b); endWord()
                case .letter: bytes.append(lowercase && b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
                }
            }
            endWord()
            return
        }
        // NFD is applied to the whole text before the per-character rules. HF cleans first and
        // decomposes second; the two orders agree because no canonical decomposition produces or
        // consumes control, format or whitespace characters.
        let source = stripAccents ? Substring(text.decomposedStringWithCanonicalMapping) : text
        for s in source.unicodeScalars {
            if words.count >= limit { return }
            let v = s.value
            if v < 0x80 {
                let b = UInt8(v)
                switch Self.asciiClass(b) {
                case .removed: continue
                case .space: endWord()
                case .single: endWord(); bytes.append(b); endWord()
                case .letter: bytes.append(lowercase && b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
                }
                continue
            }
            let category = s.properties.generalCategory
            switch category {
            // Removed by HF's clean_text (Rust `is_other` minus unassigned: measured, an
            // unassigned code point like U+0378 is kept and makes its word [UNK]). NEL (U+0085)
            // is Cc and so removed, although it is also White_Space: the control test comes first.
            case .control, .format, .privateUse, .surrogate: continue
            default: break
            }
            if v == 0xFFFD { continue }
            if s.properties.isWhitespace { endWord(); continue }
            if stripAccents && category == .nonspacingMark { continue }
            if Self.isCJK(v) || Self.isPunctuation(category) {
                endWord()
                append(s, to: &bytes)
                endWord()
                continue
            }
            if lowercase {
                for l in s.properties.lowercaseMapping.unicodeScalars { append(l, to: &bytes) }
            } else {
                append(s, to: &bytes)
            }
        }
        endWord()
    }

    @inline(__always)
    private func append(_ s: Unicode.Scalar, to bytes: inout [UInt8]) {
        UTF8.encode(s) { bytes.append($0) }
    }

    enum ASCIIClass { case removed, space, single, letter }

    /// ASCII: NUL and control characters other than tab/newline/return are removed; those three
    /// and space separate words; ASCII punctuation *and symbols* ($ + < = > ^ ` | ~ included, as
    /// BERT's rule counts every non-alphanumeric printable ASCII) are words of their own.
    @inline(__always)
    static func asciiClass(_ b: UInt8) -> ASCIIClass {
        switch b {
        case 0x09, 0x0A, 0x0D, 0x20: return .space
        case 0x00...0x1F, 0x7F: return .removed
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return .single
        default: return .letter
        }
    }

    /// Unicode punctuation (P*). Symbols outside ASCII (€, ©, emoji) are not split off.
    @inline(__always)
    static func isPunctuation(_ c: Unicode.GeneralCategory) -> Bool {
        switch c {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    /// The CJK ideograph blocks BERT isolates. HF tokenizers' table, which starts the Extension E
    /// block at U+2B920 where Google's Python has U+2B820 (measured: U+2B820 is not split).
    @inline(__always)
    static func isCJK(_ v: UInt32) -> Bool {
        switch v {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: return true
        default: return false
        }
    }
}
