// Reader for the html5lib tree-construction .dat format (see the suite's README): each case's
// #data, its fragment context, and the text nodes of its expected #document tree together with
// the elements enclosing each one.

struct HTML5LibCase: Sendable {
    let file: String
    let index: Int
    let data: String
    /// The #document-fragment context element, when the case parses a fragment.
    let fragment: String?
    /// Every text node of the expected tree, with its ancestors' tag name strings ("svg path").
    let texts: [(text: String, ancestors: [String])]

    var name: String { "\(file)#\(index)" }
}

enum HTML5LibSuite {
    static let sections: Set<Substring> = ["#data", "#errors", "#new-errors", "#document-fragment", "#script-off", "#script-on", "#document"]

    /// Splits one .dat file into cases.
    static func cases(file: String, text: String) -> [HTML5LibCase] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [HTML5LibCase] = []
        var i = 0
        while i < lines.count {
            guard lines[i] == "#data" else { i += 1; continue }
            // Gather each section's lines up to the next #data.
            var current: Substring = "#data"
            var body: [Substring: [Substring]] = [:]
            i += 1
            while i < lines.count, lines[i] != "#data" {
                if sections.contains(lines[i]) { current = lines[i] } else { body[current, default: []].append(lines[i]) }
                i += 1
            }
            var document = body["#document"] ?? []
            // The blank line that separates cases is not part of the tree.
            if document.last == "" { document.removeLast() }
            let data = (body["#data"] ?? []).joined(separator: "\n")
            let fragment = body["#document-fragment"]?.first.map(String.init)
            out.append(HTML5LibCase(file: file, index: out.count, data: data, fragment: fragment, texts: texts(document)))
        }
        return out
    }

    /// Text nodes of a "| "-indented tree dump. Lines not starting with "| " continue the text
    /// (or comment) above them, since newlines inside text are not escaped.
    static func texts(_ lines: [Substring]) -> [(String, [String])] {
        var out: [(String, [String])] = []
        var stack: [String] = []
        var i = 0
        while i < lines.count {
            let line = lines[i]
            i += 1
            guard line.hasPrefix("| ") else { continue }
            let content = line.dropFirst(2)
            let spaces = content.prefix { $0 == " " }.count
            let depth = spaces / 2
            var rest = String(content.dropFirst(spaces))
            while i < lines.count, !lines[i].hasPrefix("| ") {
                rest += "\n" + lines[i]
                i += 1
            }
            if rest.hasPrefix("\"") {
                var text = rest.dropFirst()
                if text.hasSuffix("\"") { text = text.dropLast() }
                out.append((String(text), Array(stack.prefix(depth))))
            } else if rest.hasPrefix("<!") {
                continue // comment or doctype
            } else if rest.hasPrefix("<"), rest.hasSuffix(">") {
                stack = Array(stack.prefix(depth)) + [String(rest.dropFirst().dropLast())]
            } else if rest == "content" {
                stack = Array(stack.prefix(depth)) + ["content"]
            }
            // Anything else is an attribute line; it does not change the element stack.
        }
        return out
    }
}
