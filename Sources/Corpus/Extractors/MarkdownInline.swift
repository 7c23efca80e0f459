// Markdown inline syntax to plain text: links keep their text, images their alt text, emphasis
// and code marks go, HTML tags and Jekyll/Liquid template tags ({% %}, {{ }}) are dropped.

enum MarkdownInline {
    static func plain(_ s: String) -> String {
        // Scalars, not Characters: grapheme breaking is the slow part of Swift strings, and
        // every mark we look for is a single ASCII scalar.
        var out = String.UnicodeScalarView()
        let c = Array(s.unicodeScalars)
        var i = 0
        out.reserveCapacity(c.count)
        while i < c.count {
            let ch = c[i]
            // Liquid/Jekyll template tags: {% ... %} and {{ ... }}.
            if ch == "{", i + 1 < c.count, c[i + 1] == "%" || c[i + 1] == "{" {
                let close: [Unicode.Scalar] = c[i + 1] == "%" ? ["%", "}"] : ["}", "}"]
                if let end = find(c, close, from: i + 2) { i = end + 2; continue }
            }
            if ch == "\\", i + 1 < c.count, "\\`*_{}[]()#+-.!|<>~\"'".unicodeScalars.contains(c[i + 1]) {
                out.append(c[i + 1]); i += 2; continue
            }
            if ch == "!" || ch == "[" {
                let open = ch == "!" ? i + 1 : i
                if open < c.count, c[open] == "[", let (text, next) = link(c, open) {
                    out.append(contentsOf: plain(text).unicodeScalars)
                    i = next
                    continue
                }
            }
            if ch == "<" {
                // Autolinks <http://...> keep the address; other tags are dropped.
                if let end = c[(i + 1)...].firstIndex(of: ">"), end - i < 300 {
                    let inner = String(String.UnicodeScalarView(c[(i + 1)..<end]))
                    if inner.hasPrefix("http://") || inner.hasPrefix("https://") || inner.hasPrefix("mailto:") {
                        out.append(contentsOf: inner.unicodeScalars)
                        i = end + 1
                        continue
                    }
                    if let f = inner.unicodeScalars.first, f.properties.isAlphabetic || f == "/" || f == "!" {
                        i = end + 1
                        continue
                    }
                }
            }
            if ch == "*" || ch == "_" || ch == "`" || ch == "~" {
                // Emphasis and code marks: drop runs of them, but keep intra-word underscores.
                if ch == "_", i > 0, i + 1 < c.count, isWordScalar(c[i - 1]), isWordScalar(c[i + 1]) {
                    out.append(ch); i += 1; continue
                }
                while i < c.count, c[i] == ch { i += 1 }
                continue
            }
            out.append(ch)
            i += 1
        }
        return decodeEntities(String(out)).collapsingWhitespace()
    }

    private static func isWordScalar(_ u: Unicode.Scalar) -> Bool {
        u.properties.isAlphabetic || u.properties.numericType != nil
    }

    private static func find(_ c: [Unicode.Scalar], _ pat: [Unicode.Scalar], from: Int) -> Int? {
        var j = from
        while j + 1 < c.count {
            if c[j] == pat[0] && c[j + 1] == pat[1] { return j }
            j += 1
        }
        return nil
    }

    /// `[text](target)` or `[text][ref]` starting at the '['; returns the text and the index after.
    private static func link(_ c: [Unicode.Scalar], _ open: Int) -> (String, Int)? {
        var depth = 0
        var j = open
        while j < c.count {
            if c[j] == "[" { depth += 1 }
            if c[j] == "]" { depth -= 1; if depth == 0 { break } }
            j += 1
        }
        guard j < c.count, j + 1 < c.count else { return nil }
        let text = String(String.UnicodeScalarView(c[(open + 1)..<j]))
        let closer: Unicode.Scalar
        switch c[j + 1] {
        case "(": closer = ")"
        case "[": closer = "]"
        default: return nil
        }
        var k = j + 2
        var paren = 1
        while k < c.count {
            if c[k] == "(" && closer == ")" { paren += 1 }
            if c[k] == closer { paren -= 1; if paren == 0 { break } }
            k += 1
        }
        guard k < c.count else { return nil }
        return (text, k + 1)
    }

    static func decodeEntities(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "&")) else { return s }
        var out = s
        for (e, r) in [("&nbsp;", " "), ("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"), ("&mdash;", "—"), ("&ndash;", "–"), ("&rsquo;", "’"), ("&lsquo;", "‘"), ("&rdquo;", "”"), ("&ldquo;", "“"), ("&hellip;", "…")] {
            out = out.replacing(e, with: r)
        }
        return out
    }
}
