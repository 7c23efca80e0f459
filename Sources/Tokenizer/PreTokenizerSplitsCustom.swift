// The three big regexes as hand-written scanners: GPT-2's, the Llama 3 / Qwen2 / Qwen3.5 family,
// and the case-aware GPT-4o / tekken family. Each follows the regex's alternatives in order.

extension SplitRunner {
    /// The pieces' classes read past the piece end as "nothing" (llama.cpp's OUT_OF_RANGE).
    private struct View {
        let t: Text
        let start: Int
        let end: Int
        @inline(__always) func cp(_ i: Int) -> UInt32? { i >= start && i < end ? t[i] : nil }
        @inline(__always) func letter(_ i: Int) -> Bool { i < end && CharClass.isLetter(t[i]) }
        @inline(__always) func number(_ i: Int) -> Bool { i < end && CharClass.isNumber(t[i]) }
        @inline(__always) func space(_ i: Int) -> Bool { i < end && CharClass.isSpace(t[i]) }
        @inline(__always) func mark(_ i: Int) -> Bool { i < end && CharClass.isMark(t[i]) }
        @inline(__always) func lower(_ i: Int) -> UInt32? {
            guard let c = cp(i) else { return nil }
            return c >= 0x41 && c <= 0x5A ? c | 0x20 : c
        }

        /// Length of a contraction ('s 't 're 've 'm 'll 'd) at `p`, 0 if none.
        func contraction(_ p: Int, caseInsensitive: Bool) -> Int {
            guard cp(p) == 0x27, let c1 = caseInsensitive ? lower(p + 1) : cp(p + 1) else { return 0 }
            switch c1 {
            case 0x73, 0x74, 0x6D, 0x64: return 2                       // s t m d
            default: break
            }
            guard let c2 = caseInsensitive ? lower(p + 2) : cp(p + 2) else { return 0 }
            if (c1 == 0x72 && c2 == 0x65) || (c1 == 0x76 && c2 == 0x65) || (c1 == 0x6C && c2 == 0x6C) { return 3 }
            return 0
        }

        /// End of the whitespace run starting at p.
        @inline(__always) func spaceRunEnd(_ p: Int) -> Int {
            var e = p
            while space(e) { e += 1 }
            return e
        }
    }

    // MARK: - GPT-2: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)

    static func gpt2(_ t: Text, _ start: Int, _ end: Int, _ ends: inout [Int]) {
        let v = View(t: t, start: start, end: end)
        var pos = start
        while pos < end {
            let c = t[pos]
            let k = v.contraction(pos, caseInsensitive: false)
            if k > 0 { pos += k; ends.append(pos); continue }
            // The optional leading space binds to whatever class follows it.
            let q = c == 0x20 ? pos + 1 : pos
            if v.letter(q) {
                pos = q
                while v.letter(pos) { pos += 1 }
                ends.append(pos); continue
            }
            if v.number(q) {
                pos = q
                while v.number(pos) { pos += 1 }
                ends.append(pos); continue
            }
            if q < end && CharClass.isOther(t[q]) {
                pos = q
                while pos < end && CharClass.isOther(t[pos]) { pos += 1 }
                ends.append(pos); continue
            }
            let w = v.spaceRunEnd(pos)
            if w - pos > 1 && w < end {          // \s+(?!\S): leave the last space to the next word
                pos = w - 1
                ends.append(pos); continue
            }
            pos = w > pos ? w : pos + 1          // \s+, or an unmatched codepoint on its own
            ends.append(pos)
        }
    }

    // MARK: - Llama 3 family
    // (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
    // Qwen2 takes \p{N} singly; Qwen3.5 also lets letter runs absorb marks (\p{M}).

    static func llama3(_ t: Text, _ start: Int, _ end: Int, maxDigits: Int, marks: Bool, _ ends: inout [Int]) {
        let v = View(t: t, start: start, end: end)
        @inline(__always) func wordChar(_ i: Int) -> Bool { v.letter(i) || (marks && v.mark(i)) }
        @inline(__always) func blocked(_ i: Int) -> Bool {           // \s, \p{L}, \p{N} (and \p{M})
            v.space(i) || v.letter(i) || v.number(i) || (marks && v.mark(i))
        }
        var pos = start
        while pos < end {
            let c = t[pos]
            let k = v.contraction(pos, caseInsensitive: true)
            if k > 0 { pos += k; ends.append(pos); continue }
            let isNum = CharClass.isNumber(c)
            if !(CharClass.isNewline(c) || isNum) && (wordChar(pos) || wordChar(pos + 1)) {
                pos += 1
                while wordChar(pos) { pos += 1 }
                ends.append(pos); continue
            }
            if isNum {
                var run = 0
                while v.number(pos) && run < maxDigits { pos += 1; run += 1 }
                ends.append(pos); continue
            }
            let q = c == 0x20 ? pos + 1 : pos
            // llama.cpp tests that `pos` (not q) is in range here, so a lone final space enters
            // this branch too; it yields the same one-space piece as \s+ would.
            if !blocked(q) {
                pos = q
                while pos < end && !blocked(pos) { pos += 1 }
                while pos < end && CharClass.isNewline(t[pos]) { pos += 1 }
                ends.append(pos); continue
            }
            var w = pos
            var lastNewlineEnd = -1
            while v.space(w) {
                if CharClass.isNewline(t[w]) { lastNewlineEnd = w + 1 }
                w += 1
            }
            if lastNewlineEnd >= 0 { pos = lastNewlineEnd; ends.append(pos); continue }   // \s*[\r\n]+
            if w - pos > 1 && w < end { pos = w - 1; ends.append(pos); continue }          // \s+(?!\S)
            pos = w > pos ? w : pos + 1                                                      // \s+, or no match
            ends.append(pos)
        }
    }

    // MARK: - GPT-4o / tekken (std::regex path in llama.cpp, so ECMAScript backtracking rules)
    // [^\r\n\p{L}\p{N}]?U*L+C?|[^\r\n\p{L}\p{N}]?U+L*C?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
    // where U = a letter that is not a-z, L = a letter that is not A-Z (a non-ASCII letter is
    // both), C = a case-insensitive contraction (GPT-4o only; tekken has none and single digits).

    static func caseAware(_ t: Text, _ p: Int, _ end: Int, contractions: Bool, maxDigits: Int) -> Int? {
        let v = View(t: t, start: p, end: end)
        @inline(__always) func upperish(_ i: Int) -> Bool { v.letter(i) && !(t[i] >= 0x61 && t[i] <= 0x7A) }
        @inline(__always) func lowerish(_ i: Int) -> Bool { v.letter(i) && !(t[i] >= 0x41 && t[i] <= 0x5A) }
        @inline(__always) func withContraction(_ e: Int) -> Int {
            contractions ? e + v.contraction(e, caseInsensitive: true) : e
        }
        let c = t[p]
        // The optional prefix: a letter run can only follow it, so take it when it is there.
        let q = !(CharClass.isNewline(c) || CharClass.isLetter(c) || CharClass.isNumber(c)) ? p + 1 : p
        var uEnd = q
        while upperish(uEnd) { uEnd += 1 }
        // U*L+: the greedy U* gives back codepoints until an L can start.
        var k = uEnd
        while k >= q {
            if lowerish(k) {
                var e = k
                while lowerish(e) { e += 1 }
                return withContraction(e)
            }
            k -= 1
        }
        if uEnd > q {                                            // U+L*
            var e = uEnd
            while lowerish(e) { e += 1 }
            return withContraction(e)
        }
        if CharClass.isNumber(c) {                               // \p{N}{1,maxDigits}
            var e = p
            while v.number(e) && e - p < maxDigits { e += 1 }
            return e
        }
        let r = c == 0x20 && p + 1 < end && CharClass.isOther(t[p + 1]) ? p + 1 : p
        if CharClass.isOther(t[r]) {                             //  ?[^\s\p{L}\p{N}]+[\r\n/]*
            var e = r
            while e < end && CharClass.isOther(t[e]) { e += 1 }
            while e < end && (CharClass.isNewline(t[e]) || t[e] == 0x2F) { e += 1 }
            return e
        }
        var w = p
        var lastNewlineEnd = -1
        while v.space(w) {
            if CharClass.isNewline(t[w]) { lastNewlineEnd = w + 1 }
            w += 1
        }
        if lastNewlineEnd >= 0 { return lastNewlineEnd }          // \s*[\r\n]+
        if w == end && w > p { return w }                         // \s+(?!\S) at the end
        if w - p > 1 { return w - 1 }                             // \s+(?!\S) before a non-space
        return w > p ? w : nil                                    // \s+
    }
}
