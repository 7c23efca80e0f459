// How text becomes search terms, mirroring the FTS5 tokenizer we configure (unicode61 with
// diacritics removed, then porter): split on anything not a letter or digit, lowercase, fold
// accents, drop stopwords for queries, stem.

public enum Analyzer {
    /// English function words that carry no retrieval signal in a question.
    public static let stopwords: Set<String> = [
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be",
        "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do",
        "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having",
        "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it",
        "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on",
        "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so",
        "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these",
        "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what",
        "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
        "yourself", "yourselves", "s", "t", "don", "also", "many", "much", "get", "got", "did", "does", "whose",
        "may", "might", "must", "shall", "us", "one", "ever", "yet", "via", "per",
    ]

    /// Lowercased, accent-folded word tokens in order (no stopword removal, no stemming).
    public static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var cur = String.UnicodeScalarView()
        func flush() {
            if !cur.isEmpty { out.append(String(cur)); cur = String.UnicodeScalarView() }
        }
        for u in text.unicodeScalars {
            if u.isASCII {
                let v = u.value
                if (v >= 97 && v <= 122) || (v >= 48 && v <= 57) { cur.append(u) }
                else if v >= 65 && v <= 90 { cur.append(Unicode.Scalar(v + 32)!) }
                else { flush() }
                continue
            }
            let p = u.properties
            if p.isAlphabetic || p.numericType != nil {
                if p.generalCategory == .nonspacingMark { continue }
                for f in fold(u) { cur.append(f) }
            } else if p.generalCategory == .nonspacingMark {
                continue
            } else {
                flush()
            }
        }
        flush()
        return out
    }

    /// Lowercase and strip the diacritic of common Latin letters (é → e), like remove_diacritics.
    static func fold(_ u: Unicode.Scalar) -> [Unicode.Scalar] {
        let lower = u.properties.lowercaseMapping.unicodeScalars
        var out: [Unicode.Scalar] = []
        for l in lower {
            // Canonical decomposition keeps the base letter first; drop the combining marks.
            let decomposed = String(l).decomposedScalars
            if let base = decomposed.first, base.isASCII || decomposed.count == 1 { out.append(base) } else { out.append(l) }
        }
        return out
    }

    /// Stemmed content terms of a question or sentence: tokens minus stopwords, Porter-stemmed.
    public static func terms(_ text: String) -> [String] {
        tokens(text).filter { !stopwords.contains($0) }.map { PorterStemmer.stem($0) }
    }

    /// An FTS5 MATCH expression: every distinct term quoted (so no FTS operator can be injected),
    /// OR-ed so that partial matches still rank. Nil when the text has no searchable term.
    public static func matchExpression(_ text: String) -> String? {
        var seen = Set<String>()
        var parts: [String] = []
        let toks = tokens(text)
        var content = toks.filter { !stopwords.contains($0) }
        if content.isEmpty { content = toks }
        for t in content where seen.insert(t).inserted {
            parts.append("\"\(t)\"")
        }
        return parts.isEmpty ? nil : parts.joined(separator: " OR ")
    }
}

extension String {
    /// The canonical decomposition (NFD) of a single-scalar string, without Foundation.
    var decomposedScalars: [Unicode.Scalar] {
        // Swift has no public NFD; for Latin letters with one accent, the decomposition is the
        // base letter + mark. We approximate with the scalar's name-free mapping table below.
        guard let u = unicodeScalars.first, unicodeScalars.count == 1 else { return Array(unicodeScalars) }
        if let base = latinBase[u.value] { return [Unicode.Scalar(base)!, "\u{301}"] }
        return [u]
    }
}

/// Base letters of the accented Latin-1 and Latin Extended-A lowercase letters.
private let latinBase: [UInt32: UInt32] = {
    var m: [UInt32: UInt32] = [:]
    let groups: [(String, String)] = [
        ("àáâãäåāăą", "a"), ("çćĉċč", "c"), ("ďđ", "d"), ("èéêëēĕėęě", "e"), ("ĝğġģ", "g"), ("ĥħ", "h"),
        ("ìíîïĩīĭįı", "i"), ("ĵ", "j"), ("ķ", "k"), ("ĺļľŀł", "l"), ("ñńņňŉ", "n"), ("òóôõöøōŏő", "o"),
        ("ŕŗř", "r"), ("śŝşš", "s"), ("ţťŧ", "t"), ("ùúûüũūŭůűų", "u"), ("ŵ", "w"), ("ýÿŷ", "y"), ("źżž", "z"),
    ]
    for (chars, base) in groups {
        for c in chars.unicodeScalars { m[c.value] = base.unicodeScalars.first!.value }
    }
    return m
}()
