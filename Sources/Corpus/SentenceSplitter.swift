// Sentence boundaries for chunking and for extractive answers: split after . ! ? (and closing
// quotes/brackets) when the next word starts a sentence, but not after common abbreviations,
// initials or decimal numbers.

public enum SentenceSplitter {
    private static let abbreviations: Set<String> = [
        "e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "no", "fig", "al",
        "inc", "ltd", "co", "corp", "dept", "approx", "u.s", "u.k", "a.m", "p.m", "jan", "feb", "mar", "apr",
        "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "gen", "col", "lt", "sgt", "rev", "ca", "cf",
    ]

    /// The sentences of `text`, trimmed, in order. A text without terminators is one sentence.
    public static func split(_ text: String) -> [String] {
        let chars = Array(text.unicodeScalars)
        var out: [String] = []
        var start = 0
        var i = 0
        while i < chars.count {
            let c = chars[i]
            // Chunk text joins blocks (paragraphs, list items, table rows) with newlines, and
            // extractors join wrapped lines with spaces, so a newline always ends a sentence.
            if c == "\n" {
                append(chars[start..<i], &out); start = i + 1; i += 1; continue
            }
            guard c == "." || c == "!" || c == "?" || c == "。" else { i += 1; continue }
            var end = i + 1
            while end < chars.count, closers.contains(chars[end]) { end += 1 }
            guard end < chars.count else { break }
            guard chars[end] == " " || chars[end] == "\t" else { i = end; continue }
            var next = end
            while next < chars.count, chars[next] == " " || chars[next] == "\t" { next += 1 }
            guard next < chars.count else { break }
            let n = chars[next]
            let np = n.properties
            let startsSentence = np.isUppercase || np.numericType != nil || openers.contains(n) || !np.isAlphabetic && np.numericType == nil && n != ","
            if c == "." {
                // The word before the period: an abbreviation or a single initial does not end a sentence.
                var w = i - 1
                while w >= start, chars[w].properties.isAlphabetic || chars[w] == "." { w -= 1 }
                let word = String(String.UnicodeScalarView(chars[(w + 1)..<i])).lowercased()
                if abbreviations.contains(word) || (word.count == 1 && word.first?.isLetter == true && np.isUppercase) {
                    i = end; continue
                }
            }
            if startsSentence {
                append(chars[start..<end], &out)
                start = next
                i = next
            } else {
                i = end
            }
        }
        if start < chars.count { append(chars[start...], &out) }
        return out
    }

    private static let closers: Set<Unicode.Scalar> = ["\"", "'", "”", "’", ")", "]"]
    private static let openers: Set<Unicode.Scalar> = ["\"", "'", "“", "‘", "(", "["]

    private static func append(_ s: ArraySlice<Unicode.Scalar>, _ out: inout [String]) {
        let t = String(String.UnicodeScalarView(s)).trimmingCharacters()
        if !t.isEmpty { out.append(t) }
    }
}
