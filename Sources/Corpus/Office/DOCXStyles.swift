// What a WordprocessingML paragraph's style makes of it: a heading (and its level), a list item, a
// caption or plain text, resolved through word/styles.xml and its basedOn chains.
import XML

/// The paragraph roles the DOCX extractor distinguishes.
enum DOCXRole: Equatable {
    case heading(Int)
    case listItem
    case caption
    case body
}

struct DOCXStyles {
    private struct Style {
        var name: String
        var basedOn: String?
        /// w:outlineLvl (0-8 are heading levels 1-9; 9 means body text).
        var outlineLevel: Int?
        /// w:numPr with a numId: true when it numbers (numId other than 0), false when it
        /// explicitly removes numbering, nil when the style says nothing.
        var numbered: Bool?

        /// The name lowercased without spaces: Word writes built-in names in English ("heading 1")
        /// whatever the UI language, and style ids ("Heading1") read the same way.
        var key: String { String(name.lowercased().filter { $0 != " " }) }
    }

    private var styles: [String: Style] = [:]
    /// The style a paragraph without w:pStyle gets (w:default="1").
    private var defaultParagraphStyle: String?

    init(_ root: XMLElement?) {
        guard let root else { return }
        for s in root.children(named: "style") where (s.attr("type") ?? "paragraph") == "paragraph" {
            guard let id = s.attr("styleId") else { continue }
            let pPr = s.firstChild(named: "pPr")
            styles[id] = Style(name: s.child("name")?.attr("val") ?? id,
                               basedOn: s.child("basedOn")?.attr("val"),
                               outlineLevel: pPr?.child("outlineLvl")?.attr("val").flatMap { Int($0) },
                               numbered: pPr?.child("numPr").map(Self.numbers))
            if let d = s.attr("default"), d == "1" || d == "true" { defaultParagraphStyle = id }
        }
    }

    /// A w:numPr numbers the paragraph unless its numId is 0 (ECMA-376 Part 1, 17.9.18).
    static func numbers(_ numPr: XMLElement) -> Bool {
        guard let id = numPr.child("numId")?.attr("val") else { return true }
        return id != "0"
    }

    /// The role of a paragraph with properties `pPr` (nil when it has none).
    func role(_ pPr: XMLElement?) -> DOCXRole {
        let chain = self.chain(pPr?.child("pStyle")?.attr("val") ?? defaultParagraphStyle)
        // Direct formatting wins over the style (17.3.1.20 outlineLvl, 17.3.1.19 numPr).
        let direct = pPr?.child("outlineLvl")?.attr("val").flatMap { Int($0) }
        if let direct, (0...8).contains(direct) { return .heading(direct + 1) }
        // Level 9 (or any other) set directly means body text, whatever the style says.
        for s in chain where direct == nil {
            if let lvl = s.outlineLevel {
                if (0...8).contains(lvl) { return .heading(lvl + 1) }
                break
            }
            let name = s.key
            if name == "title" { return .heading(1) }
            if name.hasPrefix("heading"), let n = Int(name.dropFirst(7)), (1...9).contains(n) { return .heading(n) }
        }
        if chain.contains(where: { $0.key == "caption" }) { return .caption }
        if let numPr = pPr?.child("numPr") { return Self.numbers(numPr) ? .listItem : .body }
        for s in chain {
            if let n = s.numbered { return n ? .listItem : .body }
        }
        let name = chain.first?.key ?? ""
        if name.hasPrefix("listbullet") || name.hasPrefix("listnumber") { return .listItem }
        return .body
    }

    /// True when the paragraph's style is (based on) "Title".
    func isTitle(_ pPr: XMLElement?) -> Bool {
        chain(pPr?.child("pStyle")?.attr("val")).contains { $0.key == "title" }
    }

    /// The style and its ancestors, nearest first; basedOn loops and absurd depths are cut.
    private func chain(_ id: String?) -> [Style] {
        var out: [Style] = []
        var next = id
        var seen: Set<String> = []
        while let id = next, out.count < 32, seen.insert(id).inserted {
            // A style missing from styles.xml (or no styles part at all) is judged by its id.
            let s = styles[id] ?? Style(name: id)
            out.append(s)
            next = s.basedOn
        }
        return out
    }
}
