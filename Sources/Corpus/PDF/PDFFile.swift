// An open PDF: header, cross-reference entries, trailer, and lazy resolution of indirect objects
// (ISO 32000-1 §7.3.10, §7.5) with a cache, a loop guard and the document's budget. Reading the
// xref data is PDFXref; repairing by scanning is PDFRebuild; decryption is PDFSecurity.

/// Where an object lives, from the cross-reference data (§7.5.4, §7.5.8.3).
enum PDFXrefEntry: Equatable {
    case free
    case offset(Int, gen: Int)
    case compressed(stream: Int, index: Int)
}

/// A decoded object stream (§7.5.7): its bytes and where each object starts in them.
struct PDFObjectStream {
    var data: [UInt8]
    var numbers: [Int]
    var offsets: [Int]
}

final class PDFFile {
    let data: [UInt8]
    let budget: PDFBudget
    /// Where `%PDF-` starts; offsets in files with junk before the header may be relative to it.
    let headerOffset: Int
    var xref: [Int: PDFXrefEntry] = [:]
    var trailer = PDFDict()
    var security: PDFSecurity?
    /// The first error that must stop extraction (a limit, hostile nesting); loads return null after it.
    var fatal: CorpusError?
    /// Whether the xref came from a full scan rather than the file's own tables.
    var rebuilt = false

    private var cache: [Int: PDFObject] = [:]
    private var inProgress = Set<Int>()
    private var objectStreams: [Int: PDFObjectStream?] = [:]
    private var scanIndex: [Int: (offset: Int, gen: Int)]?
    private var endstreamPositions: [Int]?

    /// Opens the file: header, xref (repairing by scan when it is broken), encryption.
    /// - Throws: `CorpusError.pdfHeaderMissing`, `.pdfMalformed(.noCatalog)`, `.pdfEncrypted`, `.pdfLimit`.
    init(_ data: [UInt8], limits: PDFLimits) throws {
        self.data = data
        budget = PDFBudget(limits)
        guard let h = PDFFile.findHeader(data) else { throw CorpusError.pdfHeaderMissing }
        headerOffset = h
        var ok = false
        if let start = PDFXref.startxref(data) {
            var reader = PDFXref(file: self)
            if (try? reader.readChain(from: start)) != nil {
                xref = reader.entries
                trailer = reader.trailer
                ok = catalog() != nil
            }
        }
        if let f = fatal { throw f }
        if !ok {
            clearCaches()
            try PDFRebuild(file: self).run()
            rebuilt = true
        }
        if let f = fatal { throw f }
        guard catalog() != nil else { throw CorpusError.pdfMalformed(reason: .noCatalog) }
        if let enc = trailer["Encrypt"] {
            let encrypt = resolve(enc)
            guard let dict = encrypt.dict else { throw CorpusError.pdfEncrypted(reason: .invalidDictionary) }
            let id = resolve(trailer["ID"]).array.flatMap { $0.first.map { resolve($0).bytes } } ?? nil
            security = try PDFSecurity(dict, id: id ?? [], encryptRef: enc.ref)
            clearCaches() // objects read so far hold still-encrypted strings and streams
            _ = catalog()
        }
    }

    /// `%PDF-` within the first 1024 bytes (§7.5.2; readers commonly accept leading junk).
    static func findHeader(_ data: [UInt8]) -> Int? {
        let sig: [UInt8] = Array("%PDF-".utf8)
        let limit = min(data.count - sig.count, 1024)
        guard limit >= 0 else { return nil }
        for i in 0...limit where data[i] == 0x25 && data[i + 1] == 0x50 && data[i + 2] == 0x44 && data[i + 3] == 0x46 && data[i + 4] == 0x2D {
            return i
        }
        return nil
    }

    /// The document catalog (§7.7.2), when the trailer's /Root resolves to a dictionary.
    func catalog() -> PDFDict? {
        resolve(trailer["Root"]).dict
    }

    // MARK: Resolution

    /// Follows references (a bounded number of hops) to a direct object; null when missing.
    func resolve(_ object: PDFObject?) -> PDFObject {
        guard var o = object else { return .null }
        var hops = 0
        while case let .ref(r) = o {
            hops += 1
            if hops > 32 { return .null }
            o = self.object(r.num)
        }
        return o
    }

    func resolveDict(_ object: PDFObject?) -> PDFDict? { resolve(object).dict }

    /// Indirect object `num`, loaded once. An object that refers to itself while loading (e.g. a
    /// stream whose /Length is itself) reads as null.
    func object(_ num: Int) -> PDFObject {
        if let c = cache[num] { return c }
        if fatal != nil || inProgress.contains(num) || num <= 0 { return .null }
        inProgress.insert(num)
        defer { inProgress.remove(num) }
        do {
            try budget.countObject()
            let o = try load(num)
            cache[num] = o
            return o
        } catch let e as CorpusError {
            fatal = fatal ?? e
        } catch {}
        return .null
    }

    private func load(_ num: Int) throws -> PDFObject {
        switch xref[num] {
        case let .offset(off, _)?:
            if let o = try parseIndirect(num, at: off) ?? parseIndirect(num, at: off &+ headerOffset) { return o }
            if let s = scanned(num) { return try parseIndirect(num, at: s) ?? .null }
            return .null
        case let .compressed(stream, index)?:
            return try compressed(num, stream: stream, index: index)
        case .free?:
            return .null
        case nil:
            // Not in the xref: a repaired file may still hold it.
            if let s = scanned(num) { return try parseIndirect(num, at: s) ?? .null }
            return .null
        }
    }

    /// The object `num` defined at `offset`, or nil when another object (or nothing) is there.
    func parseIndirect(_ num: Int, at offset: Int) throws -> PDFObject? {
        guard offset >= 0 && offset < data.count else { return nil }
        var p = PDFParser(data, at: offset, maxDepth: budget.limits.maxNesting)
        guard let header = p.objectHeader(), header.num == num else { return nil }
        let body = try p.indirectBody(ref: header, length: { [unowned self] in self.resolve($0).int },
                                      endstream: { [unowned self] in self.nextEndstream(from: $0) })
        guard let sec = security else { return body }
        return sec.decryptStrings(in: body, ref: header, skip: isEncryptDict(num))
    }

    private func isEncryptDict(_ num: Int) -> Bool { trailer["Encrypt"]?.ref?.num == num }

    private func compressed(_ num: Int, stream: Int, index: Int) throws -> PDFObject {
        guard stream != num, let os = objectStream(stream) else { return .null }
        var at: Int? = nil
        if index >= 0 && index < os.numbers.count && os.numbers[index] == num { at = os.offsets[index] }
        else if let k = os.numbers.lastIndex(of: num) { at = os.offsets[k] }
        guard let start = at else { return .null }
        var p = PDFParser(os.data, at: start, maxDepth: budget.limits.maxNesting)
        return try p.parseObject() // objects in object streams are never streams and never encrypted apart
    }

    /// The decoded object stream `num` (§7.5.7), cached.
    func objectStream(_ num: Int) -> PDFObjectStream? {
        if let c = objectStreams[num] { return c }
        objectStreams[num] = .some(nil) // a stream that needs itself reads as missing
        guard let s = object(num).stream, let bytes = decode(s) else { return nil }
        let n = max(0, min(resolve(s.dict["N"]).int ?? 0, bytes.count / 2))
        let first = resolve(s.dict["First"]).int ?? 0
        guard first >= 0 && first <= bytes.count else { return nil }
        var lex = PDFLexer(bytes, end: first)
        var numbers: [Int] = [], offsets: [Int] = []
        for _ in 0..<n {
            guard case let .int(o) = lex.next(), case let .int(off) = lex.next() else { break }
            if off >= 0 && off < bytes.count - first { numbers.append(o); offsets.append(first + off) }
        }
        let os = PDFObjectStream(data: bytes, numbers: numbers, offsets: offsets)
        objectStreams[num] = os
        return os
    }

    // MARK: Streams

    /// A stream's decoded bytes: decrypted, then through its filters. Nil for image codecs and
    /// undecodable data; a budget overrun is recorded in `fatal` and also yields nil.
    func decode(_ s: PDFStream) -> [UInt8]? {
        var raw = s.raw
        if let sec = security, let ref = s.ref, s.dict.name("Type") != "XRef", !isEncryptDict(ref.num),
           !(s.dict.name("Type") == "Metadata" && !sec.encryptMetadata) {
            raw = sec.decryptStream(Array(raw), ref: ref, dict: s.dict)[...]
        }
        do {
            return try PDFFilters.decode(raw, dict: s.dict, budget: budget, resolve: { [unowned self] in self.resolve($0) })
        } catch let e as CorpusError {
            fatal = fatal ?? e
        } catch {}
        return nil
    }

    // MARK: Scanning helpers

    /// Where object `num` is last defined in the file, from a full scan done once on demand.
    func scanned(_ num: Int) -> Int? {
        if scanIndex == nil { scanIndex = PDFRebuild.scanObjects(data) }
        return scanIndex?[num]?.offset
    }

    func allScanned() -> [Int: (offset: Int, gen: Int)] {
        if scanIndex == nil { scanIndex = PDFRebuild.scanObjects(data) }
        return scanIndex ?? [:]
    }

    /// The first `endstream` keyword at or after `offset` (positions found once, then bisected).
    func nextEndstream(from offset: Int) -> Int? {
        if endstreamPositions == nil { endstreamPositions = PDFRebuild.find(Array("endstream".utf8), in: data) }
        guard let ps = endstreamPositions else { return nil }
        var lo = 0, hi = ps.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ps[mid] < offset { lo = mid + 1 } else { hi = mid }
        }
        return lo < ps.count ? ps[lo] : nil
    }

    /// Replaces the cross-reference data (used by the repair scan).
    func reset(entries: [Int: PDFXrefEntry], trailer t: PDFDict) {
        xref = entries
        trailer = t
        clearCaches()
    }

    func clearCaches() {
        cache.removeAll()
        objectStreams.removeAll()
    }
}
