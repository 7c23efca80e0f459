// Reading cross-reference data (ISO 32000-1 §7.5.4-§7.5.8): classic tables with subsections,
// xref streams with /W and /Index, hybrid files (/XRefStm) and /Prev chains of incremental
// updates. Newer sections win; cycles and runaway chains are cut.

struct PDFXref {
    unowned let file: PDFFile
    var entries: [Int: PDFXrefEntry] = [:]
    var trailer = PDFDict()
    private var visited = Set<Int>()

    /// Object numbers beyond this are not real (§C.2 suggests 8,388,607); it keeps sums from overflowing.
    static let maxObjectNumber = 1 << 31

    init(file: PDFFile) { self.file = file }

    /// The offset after the last `startxref` keyword (§7.5.5), searched in the file's last 4 KiB
    /// first, then everywhere.
    static func startxref(_ data: [UInt8]) -> Int? {
        let key = Array("startxref".utf8)
        var hits = PDFRebuild.find(key, in: data, from: max(0, data.count - 4096))
        if hits.isEmpty { hits = PDFRebuild.find(key, in: data) }
        guard let last = hits.last else { return nil }
        var lex = PDFLexer(data, at: last + key.count)
        if case let .int(v) = lex.next(), v >= 0 { return v }
        return nil
    }

    /// Reads the section at `offset` and every older one reachable by /Prev.
    /// - Throws: `CorpusError.pdfMalformed(.noCatalog)` when the first section is unreadable.
    mutating func readChain(from offset: Int) throws {
        var next: Int? = offset
        var first = true
        while let off = next, visited.count < 256 {
            guard !visited.contains(off) else { break } // a /Prev cycle
            visited.insert(off)
            guard let t = readSection(at: off) ?? readSection(at: off &+ file.headerOffset) else {
                if first { throw CorpusError.pdfMalformed(reason: .noCatalog) }
                break
            }
            first = false
            // Older trailers only fill keys the newer ones lack (§7.5.6).
            for (k, v) in t.entries where trailer[k] == nil && k != "Prev" && k != "XRefStm" { trailer[k] = v }
            next = file.resolve(t["Prev"]).int
        }
    }

    /// One section: a table (then its trailer and any /XRefStm) or an xref stream. Returns its
    /// trailer dictionary, or nil when neither is at `offset`.
    private mutating func readSection(at offset: Int) -> PDFDict? {
        let data = file.data
        guard offset >= 0 && offset < data.count else { return nil }
        var lex = PDFLexer(data, at: offset)
        let t = lex.next()
        if lex.isKeyword(t, "xref") {
            guard let trailer = readTable(&lex) else { return nil }
            if let stm = file.resolve(trailer["XRefStm"]).int, !visited.contains(stm) {
                visited.insert(stm)
                _ = readStream(at: stm) // hybrid file: entries the table leaves out (§7.5.8.4)
            }
            return trailer
        }
        return readStream(at: offset)
    }

    /// §7.5.4: subsections `start count` of 20-byte entries `oooooooooo ggggg n|f`, read as tokens
    /// so the common off-by-one EOL damage does not matter; then `trailer << ... >>`.
    private mutating func readTable(_ lex: inout PDFLexer) -> PDFDict? {
        let data = file.data
        while true {
            let save = lex.pos
            let t = lex.next()
            if lex.isKeyword(t, "trailer") { break }
            guard case let .int(start) = t, case let .int(count) = lex.next(), start >= 0, count >= 0, start < PDFXref.maxObjectNumber else {
                lex.pos = save
                // No trailer keyword: a table cut short. Look for the next trailer.
                guard let tr = PDFRebuild.find(Array("trailer".utf8), in: data, from: save, first: true).first else { return nil }
                lex.pos = tr + 7
                break
            }
            let n = min(count, (data.count - lex.pos) / 17 + 1) // an entry needs at least 17 bytes
            for i in 0..<n {
                let entryStart = lex.pos
                guard case let .int(off) = lex.next(), case let .int(gen) = lex.next(),
                      case let .keyword(s, c) = lex.next(), c == 1 else { lex.pos = entryStart; break }
                let num = start + i
                guard entries[num] == nil else { continue }
                if data[s] == 0x6E, off > 0, off < data.count { entries[num] = .offset(off, gen: gen) } // 'n'
                else if data[s] == 0x66 { entries[num] = .free }
            }
        }
        var p = PDFParser(data, at: lex.pos, maxDepth: file.budget.limits.maxNesting)
        guard case let .dict(d)? = try? p.parseObject() else { return nil }
        return d
    }

    /// §7.5.8: an xref stream object: /W field widths, /Index subsections (default [0 Size]),
    /// entry types 0 free, 1 in the file, 2 in an object stream; fields big-endian.
    private mutating func readStream(at offset: Int) -> PDFDict? {
        guard offset >= 0 && offset < file.data.count else { return nil }
        var p = PDFParser(file.data, at: offset, maxDepth: file.budget.limits.maxNesting)
        guard let header = p.objectHeader(),
              case let .stream(s)? = try? p.indirectBody(ref: header, length: { [file] in file.resolve($0).int },
                                                         endstream: { [file] in file.nextEndstream(from: $0) }),
              s.dict.name("Type") == "XRef" || s.dict["W"] != nil,
              let bytes = file.decode(s) else { return nil }
        let w = (s.dict["W"]?.array ?? []).map { max(0, min($0.int ?? 0, 8)) }
        guard w.count >= 3 else { return nil }
        let rowWidth = w[0] + w[1] + w[2]
        guard rowWidth > 0 else { return s.dict }
        var index: [Int] = (s.dict["Index"]?.array ?? []).map { $0.int ?? 0 }
        if index.count < 2 { index = [0, s.dict["Size"]?.int ?? bytes.count / rowWidth] }
        var row = 0
        for pair in stride(from: 0, to: index.count - 1, by: 2) {
            let start = index[pair]
            let count = min(max(0, index[pair + 1]), bytes.count / rowWidth - row)
            guard start >= 0, start < PDFXref.maxObjectNumber, count > 0 else { continue }
            for i in 0..<count {
                var fields = [0, 0, 0]
                var at = (row + i) * rowWidth
                for f in 0..<3 {
                    var v = 0
                    for _ in 0..<w[f] { v = v << 8 | Int(bytes[at]); at += 1 }
                    fields[f] = v
                }
                let type = w[0] == 0 ? 1 : fields[0]
                let num = start + i
                guard entries[num] == nil else { continue }
                switch type {
                case 0: entries[num] = .free
                case 1: if fields[1] > 0 && fields[1] < file.data.count { entries[num] = .offset(fields[1], gen: fields[2]) }
                case 2: entries[num] = .compressed(stream: fields[1], index: fields[2])
                default: break // §7.5.8.3: unknown types are references to the null object
                }
            }
            row += count
        }
        return s.dict
    }
}
