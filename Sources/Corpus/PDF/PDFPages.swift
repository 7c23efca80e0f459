// The page tree (ISO 32000-1 §7.7.3): /Pages nodes and their /Kids in order, inherited
// /Resources (§7.7.3.4), loop protection, and each page's content streams joined (§7.8.2).

struct PDFPage {
    var dict: PDFDict
    var resources: PDFDict?
}

enum PDFPageTree {
    /// The pages in order. When the tree yields none (a broken catalog), every /Type /Page object
    /// in object-number order stands in.
    /// - Throws: `CorpusError.pdfLimit(.pages)`, `CorpusError.pdfMalformed(.noPages)`.
    static func pages(_ file: PDFFile) throws -> [PDFPage] {
        let limit = file.budget.limits.maxPages
        var pages: [PDFPage] = []
        var visited = Set<Int>()
        var stack: [(node: PDFObject, resources: PDFDict?, depth: Int)] = []
        if let root = file.catalog()?["Pages"] { stack.append((root, nil, 0)) }
        while let (node, inherited, depth) = stack.popLast() {
            if let r = node.ref {
                guard !visited.contains(r.num) else { continue } // a node listed twice, or a loop
                visited.insert(r.num)
            }
            guard depth < 256, let d = file.resolveDict(node) else { continue }
            let resources = file.resolveDict(d["Resources"]) ?? inherited
            if let kids = file.resolve(d["Kids"]).array, d.name("Type") != "Page" {
                for kid in kids.reversed() { stack.append((kid, resources, depth + 1)) }
                if stack.count > limit * 2 { throw CorpusError.pdfLimit(kind: .pages, limit: limit) }
            } else if d.name("Type") == "Page" || d["Contents"] != nil || d["Type"] == nil {
                pages.append(PDFPage(dict: d, resources: resources))
                if pages.count > limit { throw CorpusError.pdfLimit(kind: .pages, limit: limit) }
            }
        }
        if let f = file.fatal { throw f }
        if pages.isEmpty {
            // Objects the xref lists and objects only a scan finds (a damaged file's lost tree).
            for num in Set(file.xref.keys).union(file.allScanned().keys).sorted() {
                if let d = file.object(num).dict, d.name("Type") == "Page" {
                    pages.append(PDFPage(dict: d, resources: file.resolveDict(d["Resources"])))
                    if pages.count > limit { throw CorpusError.pdfLimit(kind: .pages, limit: limit) }
                }
            }
            if let f = file.fatal { throw f }
        }
        guard !pages.isEmpty else { throw CorpusError.pdfMalformed(reason: .noPages) }
        return pages
    }

    /// The page's content: one stream, or an array of streams concatenated with a separating
    /// newline (a stream may end mid-line, never mid-token, §7.8.2).
    static func content(_ page: PDFPage, file: PDFFile) -> [UInt8] {
        let c = file.resolve(page.dict["Contents"])
        var parts: [PDFObject] = []
        if case .stream = c { parts = [c] } else if let a = c.array { parts = a }
        var out: [UInt8] = []
        for p in parts.prefix(10_000) {
            guard let s = file.resolve(p).stream, let bytes = file.decode(s) else { continue }
            out += bytes
            out.append(0x0A)
        }
        return out
    }
}
