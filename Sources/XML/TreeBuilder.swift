// Copies libxml2's C tree into our immutable XMLElement tree, iteratively (hostile nesting cannot
// overflow the stack), expanding internal entities within a budget and estimating text lines.
import CLibXML2

struct TreeBuilder {
    let doc: xmlDocPtr?
    let kind: MarkupKind
    let limits: XMLLimits
    /// Characters and elements added by entity expansion so far.
    private var expanded = 0

    init(doc: xmlDocPtr?, kind: MarkupKind, limits: XMLLimits) {
        self.doc = doc
        self.kind = kind
        self.limits = limits
    }

    /// Walks one run of siblings. An entity reference pushes the entity's content as another run,
    /// so expanded entities read as if their text were written in place.
    private struct Cursor {
        var next: xmlNodePtr?
        /// Set inside an entity expansion: the line of the outermost reference, used for every
        /// node inside (their own line numbers point into the DTD).
        let entityLine: Int?
    }

    /// An element being built: its own data, the children so far, and where to continue.
    private struct Frame {
        let name: String
        let namespace: String?
        let attributes: [XMLAttribute]
        let line: Int
        var children: [XMLNode] = []
        var pendingText = ""
        var pendingLine = 0
        /// The latest line known to be reached inside this element: a lower bound for the next text.
        var lastLine: Int
        var cursors: [Cursor]

        mutating func flushText() {
            guard !pendingText.isEmpty else { return }
            children.append(.text(pendingText, line: pendingLine))
            pendingText = ""
        }

        mutating func nextChild() -> (xmlNodePtr, Int?)? {
            while let top = cursors.last {
                if let n = top.next {
                    cursors[cursors.count - 1].next = n.pointee.next
                    return (n, top.entityLine)
                }
                cursors.removeLast()
            }
            return nil
        }
    }

    /// Builds our tree for the C element `root`.
    /// - Throws: `XMLError.tooDeep` (XML only; HTML flattens), `.entityExpansion`.
    mutating func build(_ root: xmlNodePtr) throws -> XMLElement {
        var stack = [try frame(for: root, entityLine: nil, parentLine: 1)]
        while true {
            let top = stack.count - 1
            guard let (child, entityLine) = stack[top].nextChild() else {
                var done = stack.removeLast()
                done.flushText()
                let element = XMLElement(name: done.name, namespace: done.namespace, attributes: done.attributes,
                                         children: done.children, line: done.line, endLine: done.lastLine)
                if stack.isEmpty { return element }
                let parent = stack.count - 1
                stack[parent].flushText()
                stack[parent].children.append(.element(element))
                stack[parent].lastLine = max(stack[parent].lastLine, element.endLine)
                continue
            }
            switch child.pointee.type {
            case XML_ELEMENT_NODE:
                if entityLine != nil { try spend(1, line: entityLine) }
                if stack.count >= limits.maxDepth {
                    let line = entityLine ?? LibXML2.line(child) ?? stack[top].lastLine
                    if kind == .xml { throw XMLError.tooDeep(line: line, limit: limits.maxDepth) }
                    // HTML never fails: keep the text of the too-deep subtree, drop its structure.
                    appendText(Self.flattenedText(child), line: line, to: &stack[top])
                } else {
                    stack.append(try frame(for: child, entityLine: entityLine, parentLine: stack[top].lastLine))
                }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                guard var text = LibXML2.string(child.pointee.content), !text.isEmpty else { continue }
                if kind == .html { text = HTMLCharacters.repairingC1(text) }
                if entityLine != nil { try spend(text.utf8.count, line: entityLine) }
                appendText(text, line: entityLine ?? LibXML2.line(child) ?? stack[top].lastLine, to: &stack[top])
            case XML_ENTITY_REF_NODE:
                guard let entity = LibXML2.internalEntity(child, doc) else { continue }
                let line = entityLine ?? LibXML2.line(child) ?? stack[top].lastLine
                // libxml2 has already refused reference loops; this bounds nesting regardless.
                if stack[top].cursors.count > 40 { throw XMLError.entityExpansion(line: line, column: 0) }
                if let content = entity.pointee.children {
                    stack[top].cursors.append(Cursor(next: content, entityLine: line))
                } else if let raw = LibXML2.string(entity.pointee.content), !raw.contains("<"), !raw.contains("&") {
                    try spend(raw.utf8.count, line: line)
                    appendText(raw, line: line, to: &stack[top])
                }
            default:
                continue // comments, processing instructions, DTD nodes
            }
        }
    }

    /// Charges entity-expanded output against the budget.
    private mutating func spend(_ amount: Int, line: Int?) throws {
        expanded += amount
        if expanded > limits.maxEntityExpansion { throw XMLError.entityExpansion(line: line ?? 0, column: 0) }
    }

    /// Adds text to the element being built. libxml2 stores the line where it *first delivered*
    /// the text, which is at or after the text's real first line; text arriving in one piece (the
    /// usual case) ends on that line, so its start is `reported - newlines`, never before what
    /// we already know has been reached.
    private func appendText(_ text: String, line reported: Int, to frame: inout Frame) {
        var newlines = 0
        for b in text.utf8 where b == 0x0A { newlines += 1 }
        let start = max(frame.lastLine, reported - newlines)
        if frame.pendingText.isEmpty { frame.pendingLine = start }
        frame.pendingText += text
        frame.lastLine = max(start + newlines, reported, frame.lastLine)
    }

    private mutating func frame(for node: xmlNodePtr, entityLine: Int?, parentLine: Int) throws -> Frame {
        let line = entityLine ?? LibXML2.line(node) ?? parentLine
        let name = LibXML2.string(node.pointee.name) ?? ""
        let namespace = kind == .xml ? LibXML2.string(node.pointee.ns?.pointee.href) : nil
        var attributes: [XMLAttribute] = []
        var a = node.pointee.properties
        while let attr = a {
            var attrName = LibXML2.string(attr.pointee.name) ?? ""
            if let prefix = LibXML2.string(attr.pointee.ns?.pointee.prefix) { attrName = prefix + ":" + attrName }
            attributes.append(XMLAttribute(name: attrName, value: try attributeValue(attr, line: line)))
            a = attr.pointee.next
        }
        return Frame(name: name, namespace: namespace, attributes: attributes, line: line,
                     lastLine: line, cursors: [Cursor(next: node.pointee.children, entityLine: entityLine)])
    }

    /// An attribute's value: its text children, with internal entities replaced by their text.
    private mutating func attributeValue(_ attr: xmlAttrPtr, line: Int) throws -> String {
        var value = ""
        var c = attr.pointee.children
        while let n = c {
            if n.pointee.type == XML_TEXT_NODE, let t = LibXML2.string(n.pointee.content) {
                value += t
            } else if n.pointee.type == XML_ENTITY_REF_NODE, let e = LibXML2.internalEntity(n, doc),
                      let t = LibXML2.string(e.pointee.content) {
                try spend(t.utf8.count, line: line)
                value += t
            }
            c = n.pointee.next
        }
        return value
    }

    /// All text below a C node, walked with parent links instead of recursion.
    private static func flattenedText(_ top: xmlNodePtr) -> String {
        var out = ""
        var node: xmlNodePtr? = top.pointee.children
        while let n = node {
            let type = n.pointee.type
            if type == XML_TEXT_NODE || type == XML_CDATA_SECTION_NODE, let t = LibXML2.string(n.pointee.content) { out += t }
            if type == XML_ELEMENT_NODE, let child = n.pointee.children {
                node = child
                continue
            }
            // Climb until a next sibling exists, stopping at the subtree's top.
            var up: xmlNodePtr? = n
            node = nil
            while let u = up, u != top {
                if let next = u.pointee.next { node = next; break }
                up = u.pointee.parent
            }
        }
        return out
    }
}
