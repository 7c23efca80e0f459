// The hand-written matchers behind each pre-tokenizer split (no regex engine). Each mirrors what
// llama.cpp computes for the same regex — including its quirks — over one piece [start, end).

/// Character-class tests shared by the splitters, in llama.cpp's terms.
///
/// llama.cpp runs non-custom regexes over a "collapsed" text where every non-ASCII codepoint
/// stands for its category; \s, \p{L} and \p{N} then agree with the custom splitters' flags, and
/// \p{P} is the punctuation category plus ASCII punctuation — never a non-ASCII symbol.
enum CharClass {
    @inline(__always) static func isLetter(_ c: UInt32) -> Bool {
        c < 0x80 ? (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A : CodepointClass.of(c).contains(.letter)
    }
    @inline(__always) static func isNumber(_ c: UInt32) -> Bool {
        c < 0x80 ? c >= 0x30 && c <= 0x39 : CodepointClass.of(c).contains(.number)
    }
    @inline(__always) static func isSpace(_ c: UInt32) -> Bool {
        c < 0x80 ? c == 0x20 || (c >= 0x09 && c <= 0x0D) : CodepointClass.of(c).contains(.whitespace)
    }
    @inline(__always) static func isMark(_ c: UInt32) -> Bool {
        c >= 0x80 && CodepointClass.of(c).contains(.mark)
    }
    /// \p{P} in collapsed form: ASCII !"#%&'()*,-./:;?@[\]_{} or a non-ASCII punctuation codepoint.
    @inline(__always) static func isPunctuation(_ c: UInt32) -> Bool {
        if c >= 0x80 {
            let k = CodepointClass.of(c)
            return k.contains(.punctuation) && !k.contains(.whitespace)
        }
        switch c {
        case 0x21...0x23, 0x25...0x2A, 0x2C...0x2F, 0x3A, 0x3B, 0x3F, 0x40, 0x5B...0x5D, 0x5F, 0x7B, 0x7D: return true
        default: return false
        }
    }
    @inline(__always) static func isNewline(_ c: UInt32) -> Bool { c == 0x0A || c == 0x0D }
    /// [^\s\p{L}\p{N}]
    @inline(__always) static func isOther(_ c: UInt32) -> Bool { !isSpace(c) && !isLetter(c) && !isNumber(c) }
}

/// Dispatches one split over one piece, appending the end offsets of the sub-pieces to `ends`.
enum SplitRunner {
    typealias Text = UnsafeBufferPointer<UInt32>

    static func run(_ step: Split, _ t: Text, _ start: Int, _ end: Int, _ ends: inout [Int]) {
        switch step {
        case .gpt2: gpt2(t, start, end, &ends)
        case let .llama3(maxDigits, marks): llama3(t, start, end, maxDigits: maxDigits, marks: marks, &ends)
        case let .caseAware(contractions, maxDigits):
            regex(t, start, end, &ends) { caseAware(t, $0, end, contractions: contractions, maxDigits: maxDigits) }
        case .trailingWhitespace:
            // \s+$ matches only the whitespace run that reaches the end of the piece.
            var s = end
            while s > start && CharClass.isSpace(t[s - 1]) { s -= 1 }
            if s > start { ends.append(s) }
            ends.append(end)
        default:
            regex(t, start, end, &ends) { simpleMatch(step, t, $0, end) }
        }
    }

    /// std::regex_iterator semantics: find the leftmost match, emit the unmatched text before it
    /// as one piece, emit the match, continue after it; the tail after the last match is a piece.
    @inline(__always)
    private static func regex(_ t: Text, _ start: Int, _ end: Int, _ ends: inout [Int],
                              _ match: (Int) -> Int?) {
        var pos = start
        var gapStart = start
        while pos < end {
            if let e = match(pos), e > pos {
                if pos > gapStart { ends.append(pos) }
                ends.append(e)
                pos = e
                gapStart = e
            } else {
                pos += 1
            }
        }
        if gapStart < end { ends.append(end) }
    }

    /// Anchored matches of the simple one-alternative regexes; the end of the match or nil.
    private static func simpleMatch(_ step: Split, _ t: Text, _ p: Int, _ end: Int) -> Int? {
        @inline(__always) func run(from q: Int, _ test: (UInt32) -> Bool) -> Int? {
            var e = q
            while e < end && test(t[e]) { e += 1 }
            return e > q ? e : nil
        }
        // \s?X+ : take the space when X+ follows it, otherwise try X+ at p itself.
        @inline(__always) func spaceThen(_ test: (UInt32) -> Bool) -> Int? {
            if p + 1 < end && CharClass.isSpace(t[p]), let e = run(from: p + 1, test) { return e }
            return run(from: p, test)
        }
        switch step {
        case let .punctuationRun(backtick):
            return run(from: p) { c in
                if CharClass.isPunctuation(c) { return true }
                switch c {
                case 0x24, 0x2B, 0x3C, 0x3D, 0x3E, 0x5E, 0x7E, 0x7C: return true   // $ + < = > ^ ~ |
                case 0x60: return backtick
                default: return false
                }
            }
        case .numberRun: return run(from: p, CharClass.isNumber)
        case .singleNumber: return CharClass.isNumber(t[p]) ? p + 1 : nil
        case .asciiDigitTriple:
            guard p + 3 <= end else { return nil }
            for k in p..<(p + 3) where !(t[k] >= 0x30 && t[k] <= 0x39) { return nil }
            return p + 3
        case .newline: return CharClass.isNewline(t[p]) ? p + 1 : nil
        case .deepseekCasedLetters: return spaceThen(DeepSeekClasses.isCasedLetter)
        case .deepseekPunctuation: return spaceThen(DeepSeekClasses.isPunctuation)
        case .deepseekCJK: return run(from: p, DeepSeekClasses.isCJK)
        case .spaceThenLetters: return spaceThen(CharClass.isLetter)
        case .spaceThenPunctuation: return spaceThen(CharClass.isPunctuation)
        case .gpt2, .llama3, .caseAware, .trailingWhitespace: return nil
        }
    }
}

/// The explicit character classes of DeepSeek's regexes. Those regexes have no \p{..}, so
/// llama.cpp matches them on raw codepoints after replacing non-ASCII whitespace with U+000B.
enum DeepSeekClasses {
    @inline(__always) private static func wide(_ c: UInt32) -> UInt32 {
        c >= 0x80 && CodepointClass.isWhitespace(c) ? 0x0B : c
    }

    /// [一-龥ࠀ-一가-퟿]
    static func isCJK(_ raw: UInt32) -> Bool {
        let c = wide(raw)
        return (0x4E00...0x9FA5).contains(c) || (0x0800...0x4E00).contains(c) || (0xAC00...0xD7FF).contains(c)
    }

    /// [!-/:-~！-／：-～‘-‟　-。] (':'..'~' includes the ASCII letters).
    static func isPunctuation(_ raw: UInt32) -> Bool {
        let c = wide(raw)
        return (0x21...0x2F).contains(c) || (0x3A...0x7E).contains(c) || (0xFF01...0xFF0F).contains(c)
            || (0xFF1A...0xFF5E).contains(c) || (0x2018...0x201F).contains(c) || (0x3000...0x3002).contains(c)
    }

    /// DeepSeek LLM's enumerated class of cased letters (A-Za-z, Latin, Greek, Cyrillic, ...),
    /// transcribed range by range from its tokenizer's regex.
    static func isCasedLetter(_ raw: UInt32) -> Bool {
        let c = wide(raw)
        if c < 0x80 { return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
        var lo = 0, hi = casedRanges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if casedRanges[mid].upperBound < c { lo = mid + 1 } else { hi = mid }
        }
        return lo < casedRanges.count && casedRanges[lo].contains(c)
    }

    private static let casedRanges: [ClosedRange<UInt32>] = [
        0x00B5...0x00B5, 0x00C0...0x00D6, 0x00D8...0x00F6, 0x00F8...0x01BA, 0x01BC...0x01BF,
        0x01C4...0x0293, 0x0295...0x02AF, 0x0370...0x0373, 0x0376...0x0377, 0x037B...0x037D,
        0x037F...0x037F, 0x0386...0x0386, 0x0388...0x038A, 0x038C...0x038C, 0x038E...0x03A1,
        0x03A3...0x03F5, 0x03F7...0x0481, 0x048A...0x052F, 0x0531...0x0556, 0x10A0...0x10C5,
        0x13A0...0x13F5, 0x13F8...0x13FD, 0x1C90...0x1CBA, 0x1CBD...0x1CBF, 0x1D00...0x1D2B,
        0x1D6B...0x1D77, 0x1D79...0x1D9A, 0x1E00...0x1F15, 0x1F18...0x1F1D, 0x1F20...0x1F45,
        0x1F48...0x1F4D, 0x1F50...0x1F57, 0x1F59...0x1F59, 0x1F5B...0x1F5B, 0x1F5D...0x1F5D,
        0x1F5F...0x1F7D, 0x1F80...0x1FB4, 0x1FB6...0x1FBC, 0x1FBE...0x1FBE, 0x1FC2...0x1FC4,
        0x1FC6...0x1FCC, 0x1FD0...0x1FD3, 0x1FD6...0x1FDB, 0x1FE0...0x1FEC, 0x1FF2...0x1FF4,
        0x1FF6...0x1FFC, 0x2102...0x2102, 0x2107...0x2107, 0x210A...0x2113, 0x2115...0x2115,
        0x2119...0x211D, 0x2124...0x2124, 0x2126...0x2126, 0x2128...0x2128, 0x212A...0x212D,
        0x212F...0x2134, 0x2139...0x2139, 0x213C...0x213F, 0x2145...0x2149, 0x214E...0x214E,
        0x2183...0x2184, 0x2C00...0x2C7B, 0x2C7E...0x2CE4, 0x2CEB...0x2CEE, 0x2CF2...0x2CF3,
        0xA640...0xA66D, 0xA680...0xA69B, 0xA722...0xA76F, 0xA771...0xA787, 0xA78B...0xA78E,
        0xAB70...0xABBF, 0xFB00...0xFB06, 0xFB13...0xFB17, 0xFF21...0xFF3A, 0xFF41...0xFF5A,
        0x10400...0x1044F, 0x104B0...0x104D3, 0x104D8...0x104FB, 0x10C80...0x10CB2,
        0x10CC0...0x10CF2, 0x118A0...0x118DF, 0x1E900...0x1E943,
    ]
}
