// The module's two public entry points: bytes of HTML or XML to an XMLDocument. Input checks and
// the HTML encoding choice happen here; libxml2 runs in LibXML2, the tree is copied by TreeBuilder.
//
// Thread safety: both functions may be called from any number of threads at once (libxml2 2.9 is
// initialised once, before the first parse, and its error state is per thread).
import CLibXML2

extension XMLDocument {
    /// Parses HTML (or XHTML) the way a lenient browser would: malformed markup is repaired by
    /// libxml2's HTML parser (implied `html`/`body`, unclosed tags closed), never refused.
    ///
    /// The encoding is a byte-order mark if there is one; else a `<meta charset>` (or
    /// `http-equiv` content type, or XML declaration) in the first 1 KiB; else UTF-8 when the
    /// bytes are valid UTF-8; else windows-1252. Element and attribute names are lowercased.
    /// No network or file access happens.
    /// - Throws: `XMLError.empty`, `.binary`, `.tooLarge`, `.outOfMemory`.
    public static func parseHTML(_ bytes: [UInt8], limits: XMLLimits = XMLLimits()) throws -> XMLDocument {
        try InputSniffing.check(bytes, limits: limits)
        let bom = InputSniffing.bom(bytes)
        let encodings = bom == nil ? InputSniffing.htmlEncodings(bytes) : []
        return try LibXML2.parseHTML(bytes, encodings: encodings) { doc, chosen in
            var builder = TreeBuilder(doc: doc, kind: .html, limits: limits)
            let root = try doc.flatMap { xmlDoc in LibXML2.rootElement(xmlDoc) }.map { try builder.build($0) }
            return XMLDocument(kind: .html, root: root ?? XMLElement(name: "html"), encoding: bom ?? chosen)
        }
    }

    /// Parses XML without ever loading a DTD or external entity (no XXE) and without letting
    /// entities expand beyond `limits.maxEntityExpansion` characters (no "billion laughs").
    /// Internal entities declared in the document are expanded into the text; external ones are
    /// left out. The encoding comes from the BOM or XML declaration (UTF-8 by default).
    ///
    /// With `recover`, libxml2 repairs well-formedness errors as best it can and the tree holds
    /// what it salvaged; entity, depth and memory problems are refused either way.
    /// - Throws: `XMLError.empty`, `.binary`, `.tooLarge`, `.tooDeep`, `.entityExpansion`,
    ///   `.undefinedEntity`, `.mismatchedTag`, `.unexpectedEnd`, `.unsupportedEncoding`,
    ///   `.noRootElement`, `.malformed`, `.outOfMemory`.
    public static func parseXML(_ bytes: [UInt8], recover: Bool = false, limits: XMLLimits = XMLLimits()) throws -> XMLDocument {
        try InputSniffing.check(bytes, limits: limits)
        return try LibXML2.parseXML(bytes, recover: recover) { doc, root in
            var builder = TreeBuilder(doc: doc, kind: .xml, limits: limits)
            return XMLDocument(kind: .xml, root: try builder.build(root), encoding: LibXML2.encoding(doc) ?? "UTF-8")
        }
    }
}
