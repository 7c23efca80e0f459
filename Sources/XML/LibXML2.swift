// Every libxml2 call the module makes: one-time global setup, the two parser runs (HTML, XML) with
// their options, error collection, and freeing. Nothing from here escapes the module; callers get
// our own tree, built by TreeBuilder while the C document is still alive.
import CLibXML2

enum LibXML2 {
    /// libxml2 2.9 is thread-safe once `xmlInitParser` has run (its globals, such as the last
    /// error and the error handlers, are then per thread), but that first call itself must not
    /// race. A Swift `static let` is initialised exactly once, under a lock, so every parse goes
    /// through this property first.
    ///
    /// We also replace the process-wide external entity loader with one that loads nothing:
    /// options already keep DTDs and external entities unloaded, and this makes sure no file or
    /// URL is ever opened on behalf of a document (XXE), whatever other code changes.
    static let ready: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader { _, _, _ in nil }
    }()

    /// One diagnostic libxml2 reported, copied out of its C struct.
    struct Diagnostic {
        var code: Int
        var fatal: Bool
        var message: String
        var line: Int
        var column: Int
        var str1: String?
        var str2: String?
    }

    /// Receives libxml2's structured errors during one parse on one thread.
    final class Collector {
        var diagnostics: [Diagnostic] = []
        var total = 0

        func add(_ e: xmlError) {
            total += 1
            // Hostile input can raise an error per byte; the first ones are what we report.
            guard diagnostics.count < 64 else { return }
            func string(_ p: UnsafeMutablePointer<CChar>?) -> String? { p.map { String(cString: $0) } }
            var message = string(e.message) ?? ""
            while message.last == "\n" || message.last == " " { message.removeLast() }
            diagnostics.append(Diagnostic(code: Int(e.code), fatal: e.level.rawValue >= XML_ERR_ERROR.rawValue, message: message,
                                          line: Int(e.line), column: Int(e.int2), str1: string(e.str1), str2: string(e.str2)))
        }
    }

    /// Runs `body` with libxml2's structured error handler pointed at a fresh collector. The
    /// handler is per thread in libxml2 2.9, and the parse is synchronous, so concurrent parses on
    /// other threads never see each other's errors. It also keeps libxml2 from printing to stderr.
    static func collectingErrors<T>(_ body: (Collector) throws -> T) rethrows -> T {
        let collector = Collector()
        return try withExtendedLifetime(collector) {
            xmlSetStructuredErrorFunc(Unmanaged.passUnretained(collector).toOpaque()) { data, error in
                guard let data, let error else { return }
                Unmanaged<Collector>.fromOpaque(data).takeUnretainedValue().add(error.pointee)
            }
            defer { xmlSetStructuredErrorFunc(nil, nil) }
            return try body(collector)
        }
    }

    // MARK: - HTML

    /// Parses HTML with recovery and hands the C document to `build` before it is freed.
    /// `encodings` are tried in order (the first libxml2 knows is used); empty lets libxml2
    /// follow a byte-order mark. Either way, `<meta>` tags met later cannot switch the decoder.
    /// (No `record_info`: libxml2 2.9's HTML parser dereferences a missing node-info record when
    /// it closes an implied element, so end lines come from the content instead.)
    /// - Throws: `XMLError.outOfMemory`, or whatever `build` throws.
    static func parseHTML<T>(_ bytes: [UInt8], encodings: [String], build: (_ doc: xmlDocPtr?, _ encoding: String?) throws -> T) throws -> T {
        _ = ready
        return try collectingErrors { _ in
            try bytes.withUnsafeBufferPointer { buf -> T in
                guard let base = buf.baseAddress,
                      let ctxt = base.withMemoryRebound(to: CChar.self, capacity: buf.count, { htmlCreateMemoryParserCtxt($0, Int32(buf.count)) })
                else { throw XMLError.outOfMemory }
                defer { htmlFreeParserCtxt(ctxt) }
                let options = HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                    | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue | HTML_PARSE_IGNORE_ENC.rawValue
                var chosen: String?
                for name in encodings {
                    guard let handler = xmlFindCharEncodingHandler(name) else { continue }
                    xmlSwitchToEncoding(ctxt, handler)
                    chosen = name
                    break
                }
                htmlCtxtUseOptions(ctxt, Int32(bitPattern: options))
                _ = htmlParseDocument(ctxt)
                let doc = ctxt.pointee.myDoc
                ctxt.pointee.myDoc = nil
                defer { if let doc { xmlFreeDoc(doc) } }
                return try build(doc, chosen)
            }
        }
    }

    // MARK: - XML

    /// Parses XML without loading DTDs or external entities and without substituting entities
    /// (no XML_PARSE_NOENT, DTDLOAD or HUGE), then hands the document to `build`.
    /// - Throws: the first fatal libxml2 error as an `XMLError` (only entity, depth, memory and
    ///   missing-root errors when `recover` is true), or whatever `build` throws.
    static func parseXML<T>(_ bytes: [UInt8], recover: Bool,
                           build: (_ doc: xmlDocPtr, _ root: xmlNodePtr) throws -> T) throws -> T {
        _ = ready
        return try collectingErrors { errors in
            try bytes.withUnsafeBufferPointer { buf -> T in
                guard let base = buf.baseAddress,
                      let ctxt = base.withMemoryRebound(to: CChar.self, capacity: buf.count, { xmlCreateMemoryParserCtxt($0, Int32(buf.count)) })
                else { throw XMLError.outOfMemory }
                defer { xmlFreeParserCtxt(ctxt) }
                var options = XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                    | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_BIG_LINES.rawValue
                if recover { options |= XML_PARSE_RECOVER.rawValue }
                _ = xmlCtxtUseOptions(ctxt, Int32(bitPattern: options))
                _ = xmlParseDocument(ctxt)
                let doc = ctxt.pointee.myDoc
                ctxt.pointee.myDoc = nil
                defer { if let doc { xmlFreeDoc(doc) } }
                if let refusal = XMLErrorMapping.refusal(errors.diagnostics) { throw refusal }
                if ctxt.pointee.wellFormed == 0 && !recover, let first = XMLErrorMapping.firstFatal(errors.diagnostics) { throw first }
                guard let doc, let root = xmlDocGetRootElement(doc) else {
                    throw XMLErrorMapping.firstFatal(errors.diagnostics) ?? XMLError.noRootElement
                }
                return try build(doc, root)
            }
        }
    }

    // MARK: - Reading the C tree (used by TreeBuilder while the document is alive)

    /// The line libxml2 stored on a node (big line numbers included), or nil.
    static func line(_ node: xmlNodePtr) -> Int? {
        let n = xmlGetLineNo(node)
        return n > 0 ? Int(n) : nil
    }

    static func rootElement(_ doc: xmlDocPtr) -> xmlNodePtr? {
        xmlDocGetRootElement(doc)
    }

    /// The encoding libxml2 decoded the document from, as the declaration or BOM named it.
    static func encoding(_ doc: xmlDocPtr) -> String? {
        string(doc.pointee.encoding)
    }

    static func string(_ p: UnsafePointer<xmlChar>?) -> String? {
        p.map { String(cString: $0) }
    }

    /// The internal general entity a reference node points at; nil for external, unparsed or
    /// undeclared ones (which we never load).
    static func internalEntity(_ ref: xmlNodePtr, _ doc: xmlDocPtr?) -> xmlEntityPtr? {
        var entity: xmlEntityPtr?
        if let c = ref.pointee.children, c.pointee.type == XML_ENTITY_DECL {
            entity = UnsafeMutableRawPointer(c).assumingMemoryBound(to: xmlEntity.self)
        } else if let doc, let name = ref.pointee.name {
            entity = xmlGetDocEntity(doc, name)
        }
        guard let e = entity, e.pointee.etype == XML_INTERNAL_GENERAL_ENTITY else { return nil }
        return e
    }
}
