// Reads the few facts we need out of a Jinja chat-template source without evaluating it: the
// string a variable is set to (a literal, or literals joined with `+` around a date), and the
// strftime format the template prints dates with.

enum JinjaStrings {
    /// The value of the first `needle<expression>` whose expression is a string: literals joined
    /// by `+`, where a strftime_now(...) call or a variable set from one becomes "{date}".
    /// `needle` includes the `=`, e.g. "set date_string = ".
    static func assignedString(_ needle: String, in source: String) -> String? {
        var rest = Substring(source)
        while let r = rest.range(of: needle) {
            rest = rest[r.upperBound...]
            if let value = stringExpression(rest, source: source) { return value }
        }
        return nil
    }

    private static func stringExpression(_ text: Substring, source: String) -> String? {
        var out = ""
        var i = text.startIndex
        var sawLiteral = false
        func skipSpaces() { while i < text.endIndex && (text[i] == " " || text[i] == "\n") { i = text.index(after: i) } }
        while true {
            skipSpaces()
            guard i < text.endIndex else { return nil }
            let c = text[i]
            if c == "\"" || c == "'" {
                // A literal: up to the matching unescaped quote.
                var j = text.index(after: i)
                var raw = ""
                while j < text.endIndex && text[j] != c {
                    if text[j] == "\\" {
                        let k = text.index(after: j)
                        guard k < text.endIndex else { return nil }
                        raw.append("\\"); raw.append(text[k])
                        j = text.index(after: k)
                    } else {
                        raw.append(text[j])
                        j = text.index(after: j)
                    }
                }
                guard j < text.endIndex else { return nil }
                out += ChatTemplate.unescape(Substring(raw))
                sawLiteral = true
                i = text.index(after: j)
            } else {
                // An operand that is not a literal: only a date is understood.
                var j = i
                var depth = 0
                while j < text.endIndex {
                    let d = text[j]
                    if d == "(" { depth += 1 } else if d == ")" { depth -= 1 }
                    if depth == 0 && (d == "+" || d == "%" || d == "}") { break }
                    j = text.index(after: j)
                }
                let operand = text[i..<j].trimmingSpaces
                guard !operand.isEmpty, operand.contains("strftime_now") || isDateVariable(operand, source) else { return nil }
                out += "{date}"
                i = j
            }
            skipSpaces()
            if i < text.endIndex && text[i] == "+" { i = text.index(after: i); continue }
            return sawLiteral ? out : nil
        }
    }

    /// Whether `name` is set from strftime_now(...) somewhere in the template.
    private static func isDateVariable(_ name: Substring, _ source: String) -> Bool {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return false }
        guard let r = source.range(of: "set \(name) = ") else { return false }
        return source[r.upperBound...].hasPrefix("strftime_now")
    }

    /// The first strftime_now format in the template, as a DateFormatter pattern.
    static func strftimeFormat(in source: String) -> String? {
        guard let r = source.range(of: "strftime_now(") else { return nil }
        var i = r.upperBound
        guard i < source.endIndex, source[i] == "\"" || source[i] == "'" else { return nil }
        let quote = source[i]
        i = source.index(after: i)
        guard let end = source[i...].firstIndex(of: quote) else { return nil }
        var out = ""
        var it = source[i..<end].makeIterator()
        while let c = it.next() {
            guard c == "%", let f = it.next() else {
                out += c.isLetter ? "'\(c)'" : String(c)
                continue
            }
            switch f {
            case "Y": out += "yyyy"
            case "y": out += "yy"
            case "m": out += "MM"
            case "d": out += "dd"
            case "B": out += "MMMM"
            case "b": out += "MMM"
            case "H": out += "HH"
            case "M": out += "mm"
            case "S": out += "ss"
            case "A": out += "EEEE"
            case "a": out += "EEE"
            default: out += String(f)
            }
        }
        return out
    }
}

private extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\n" { s = s.dropLast() }
        return s
    }
}
