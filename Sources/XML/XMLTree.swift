// Our own immutable document tree: what a parse hands out instead of libxml2's C tree (which never
// leaves this module). Elements, text and line numbers only; comments and PIs are not kept.

/// One attribute as written: `name` is the qualified name (`xml:lang`, `href`), lowercased for HTML.
public struct XMLAttribute: Sendable, Equatable {
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A child of an element: another element, or a run of character data.
public enum XMLNode: Sendable {
    case element(XMLElement)
    /// Text (CDATA sections and expanded entities included). `line` is the 1-based line the text
    /// starts on; libxml2 records only one line per text node, so for text spanning several lines
    /// it is an estimate that never lies after the true start.
    case text(String, line: Int)
}

/// An element with its attributes and children.
///
/// For HTML, `name` is the lowercased tag name and `namespace` is nil. For XML, `name` is the
/// local name (no prefix) and `namespace` the namespace URI, if any.
public final class XMLElement: Sendable {
    public let name: String
    public let namespace: String?
    public let attributes: [XMLAttribute]
    public let children: [XMLNode]
    /// 1-based line of the start tag.
    public let line: Int
    /// 1-based line of the end tag (or of the last content, when the end tag was implied).
    public let endLine: Int

    public init(name: String, namespace: String? = nil, attributes: [XMLAttribute] = [], children: [XMLNode] = [],
                line: Int = 1, endLine: Int? = nil) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
        self.line = line
        self.endLine = max(line, endLine ?? line)
    }

    /// The value of the first attribute called `name` (qualified, e.g. "xml:lang"), if any.
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// The direct child elements, in document order.
    public var elements: [XMLElement] {
        children.compactMap { if case let .element(e) = $0 { return e } else { return nil } }
    }

    /// The direct child elements whose (local) name is `name`.
    public func children(named name: String) -> [XMLElement] {
        elements.filter { $0.name == name }
    }

    /// The first direct child element called `name`.
    public func firstChild(named name: String) -> XMLElement? {
        for case let .element(e) in children where e.name == name { return e }
        return nil
    }

    /// Every element below this one (not itself) called `name`, in document order.
    public func descendants(named name: String) -> [XMLElement] {
        var out: [XMLElement] = []
        // Explicit stack, children pushed in reverse so they pop in document order.
        var stack: [XMLElement] = elements.reversed()
        while let e = stack.popLast() {
            if e.name == name { out.append(e) }
            stack.append(contentsOf: e.elements.reversed())
        }
        return out
    }

    /// All text below this element concatenated, exactly as it appears (no whitespace changes).
    public var textContent: String {
        var out = ""
        var stack: [XMLNode] = children.reversed()
        while let node = stack.popLast() {
            switch node {
            case let .text(t, _): out += t
            case let .element(e): stack.append(contentsOf: e.children.reversed())
            }
        }
        return out
    }

    /// True when some direct child is text with a non-whitespace character.
    public var hasDirectText: Bool {
        for case let .text(t, _) in children {
            for s in t.unicodeScalars where !(s.value < 0x80 ? s.value == 0x20 || (0x09...0x0D).contains(s.value) : s.properties.isWhitespace) {
                return true
            }
        }
        return false
    }
}

/// Which parser produced a document.
public enum MarkupKind: String, Sendable, Equatable {
    case html, xml
}

/// A parsed document: the root element and what the parser learned about the bytes.
public struct XMLDocument: Sendable {
    public let kind: MarkupKind
    public let root: XMLElement
    /// The encoding the bytes were decoded from (e.g. "UTF-8", "windows-1252"), when known.
    public let encoding: String?

    public init(kind: MarkupKind, root: XMLElement, encoding: String?) {
        self.kind = kind
        self.root = root
        self.encoding = encoding
    }
}

/// Bounds that keep hostile input from exhausting memory or the stack.
public struct XMLLimits: Sendable, Equatable {
    /// Inputs larger than this are refused before parsing.
    public var maxBytes: Int
    /// Elements nested deeper than this: XML is refused; HTML keeps their text but flattens them
    /// into the element at the limit. libxml2 has its own limit of 256 levels, which it applies
    /// first: XML deeper than that is refused, and HTML loses the content below it (measured
    /// with libxml2 2.9.14; no real page nests that deep).
    public var maxDepth: Int
    /// Characters that expanding internal entities may add to the tree, beyond which XML is refused.
    public var maxEntityExpansion: Int

    public init(maxBytes: Int = 64 << 20, maxDepth: Int = 256, maxEntityExpansion: Int = 1 << 20) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxEntityExpansion = maxEntityExpansion
    }
}
