// Repair by scanning, for files whose cross-reference data is missing or wrong: find every
// `n g obj` marker (the last definition of a number wins, as incremental updates append), index
// the object streams, and recover the trailer from `trailer` dictionaries, xref streams or the catalog.

struct PDFRebuild {
    unowned let file: PDFFile

    /// Every occurrence of `needle` in `data` from `from` on (just the first when `first`).
    static func find(_ needle: [UInt8], in data: [UInt8], from: Int = 0, to: Int? = nil, first: Bool = false) -> [Int] {
        guard let head = needle.first, needle.count <= data.count else { return [] }
        var hits: [Int] = []
        var i = max(0, from)
        let last = min(data.count, to ?? data.count) - needle.count
        while i <= last {
            if data[i] == head {
                var k = 1
                while k < needle.count && data[i + k] == needle[k] { k += 1 }
                if k == needle.count {
                    hits.append(i)
                    if first { return hits }
                    i += needle.count
                    continue
                }
            }
            i += 1
        }
        return hits
    }

    /// Object number → (offset of its `n g obj` header, generation), last definition winning.
    static func scanObjects(_ data: [UInt8]) -> [Int: (offset: Int, gen: Int)] {
        var found: [Int: (offset: Int, gen: Int)] = [:]
        for hit in find(Array("obj".utf8), in: data) {
            if hit + 3 < data.count && isPDFRegular(data[hit + 3]) { continue } // "objects", "obj1"
            var j = hit - 1
            func digits() -> Int? {
                var v = 0, n = 0, scale = 1
                while j >= 0, data[j] >= 0x30 && data[j] <= 0x39, n < 10 {
                    v += (Int(data[j]) - 0x30) * scale
                    scale *= 10
                    n += 1
                    j -= 1
                }
                return n > 0 ? v : nil
            }
            while j >= 0 && isPDFWhite(data[j]) { j -= 1 }
            guard let gen = digits(), j >= 0, isPDFWhite(data[j]) else { continue }
            while j >= 0 && isPDFWhite(data[j]) { j -= 1 }
            guard let num = digits(), num > 0 else { continue }
            if j >= 0 && isPDFRegular(data[j]) { continue }
            found[num] = (j + 1, gen)
        }
        return found
    }

    /// Rebuilds the file's cross-reference entries and trailer from a scan.
    /// - Throws: `CorpusError.pdfMalformed(.noObjects)` when nothing in the file is an object.
    func run() throws {
        let data = file.data
        let scanned = file.allScanned()
        guard !scanned.isEmpty else { throw CorpusError.pdfMalformed(reason: .noObjects) }
        var entries: [Int: PDFXrefEntry] = [:]
        for (num, at) in scanned { entries[num] = .offset(at.offset, gen: at.gen) }
        file.reset(entries: entries, trailer: PDFDict())

        // Objects inside object streams: look at objects whose first bytes mention /ObjStm.
        let marker = Array("/ObjStm".utf8)
        for (num, at) in scanned.sorted(by: { $0.value.offset < $1.value.offset }) {
            let end = min(data.count, at.offset + 512)
            guard !PDFRebuild.find(marker, in: data, from: at.offset, to: end, first: true).isEmpty,
                  let os = file.objectStream(num) else { continue }
            for (i, n) in os.numbers.enumerated() where entries[n] == nil {
                entries[n] = .compressed(stream: num, index: i)
            }
        }
        file.reset(entries: entries, trailer: PDFDict())

        // The trailer: the newest `trailer` dictionary whose /Root works; else an xref stream's.
        var trailer = PDFDict()
        for t in PDFRebuild.find(Array("trailer".utf8), in: data).reversed() {
            var p = PDFParser(data, at: t + 7, maxDepth: file.budget.limits.maxNesting)
            guard case let .dict(d)? = try? p.parseObject() else { continue }
            for (k, v) in d.entries where trailer[k] == nil { trailer[k] = v }
            if trailer["Root"] != nil, file.resolveDict(trailer["Root"]) == nil { trailer["Root"] = nil }
        }
        if trailer["Root"] == nil || trailer["Info"] == nil || trailer["Encrypt"] == nil {
            let xrefMarker = Array("/XRef".utf8)
            for (num, at) in scanned.sorted(by: { $0.value.offset > $1.value.offset }) {
                let end = min(data.count, at.offset + 512)
                guard !PDFRebuild.find(xrefMarker, in: data, from: at.offset, to: end, first: true).isEmpty,
                      let d = file.object(num).dict, d.name("Type") == "XRef" else { continue }
                for key in ["Root", "Info", "Encrypt", "ID"] where trailer[key] == nil { trailer[key] = d[key] }
            }
        }
        file.reset(entries: entries, trailer: trailer)
        if file.catalog() == nil {
            // Last resort: any object that is a catalog with a page tree (§7.7.2).
            for (num, _) in scanned.sorted(by: { $0.value.offset > $1.value.offset }) {
                if let d = file.object(num).dict, d.name("Type") == "Catalog", d["Pages"] != nil {
                    trailer["Root"] = .ref(PDFRef(num: num, gen: 0))
                    break
                }
            }
            if trailer["Root"] == nil {
                for (num, d) in entries.keys.sorted().lazy.compactMap({ n in file.object(n).dict.map { (n, $0) } })
                    where d.name("Type") == "Catalog" {
                    trailer["Root"] = .ref(PDFRef(num: num, gen: 0))
                    break
                }
            }
            file.reset(entries: entries, trailer: trailer)
        }
    }
}
