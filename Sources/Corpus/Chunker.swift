// Structure-aware chunking: a chunk never crosses a heading or a page, carries its heading path, keeps a
// table's caption with its rows and never cuts a row, and splits an over-long paragraph only at
// sentence boundaries (with optional sentence overlap).

public struct ChunkerOptions: Sendable, Equatable {
    /// Target maximum characters per chunk (a single sentence or table row may exceed it).
    public var maxChars: Int
    /// Characters of trailing sentences repeated at the start of the next chunk of the same section.
    public var overlapChars: Int

    public init(maxChars: Int = 1200, overlapChars: Int = 0) {
        self.maxChars = maxChars
        self.overlapChars = overlapChars
    }
}

public enum Chunker {
    public static func chunk(_ document: Document, options: ChunkerOptions = ChunkerOptions()) -> [Chunk] {
        var b = ChunkBuilder(options: options)
        var headings: [(level: Int, text: String)] = []
        // The title (front matter, <title>, core properties) roots every heading path unless the
        // first heading repeats it.
        func path() -> String {
            var parts = headings.map(\.text)
            if let t = document.title, !t.isEmpty, parts.first != t { parts.insert(t, at: 0) }
            return parts.joined(separator: " > ")
        }
        b.headingPath = path()
        for block in document.blocks {
            switch block.kind {
            case let .heading(level):
                b.flush()
                headings.removeAll { $0.level >= level }
                headings.append((level, block.text))
                b.headingPath = path()
                b.pendingHeading = (block.text, block.span)
            case let .table(caption, rows):
                b.addTable(caption: caption, rows: rows, span: block.span)
            default:
                b.addText(block.text, span: block.span)
            }
        }
        b.flush()
        // A document with headings only still deserves a chunk, so titles are searchable.
        if b.chunks.isEmpty, let (text, span) = b.pendingHeading {
            b.pieces = [(text, span)]
            b.flush()
        }
        return b.chunks
    }
}

struct ChunkBuilder {
    let options: ChunkerOptions
    var chunks: [Chunk] = []
    var pieces: [(text: String, span: SourceSpan)] = []
    var size = 0
    var headingPath = ""
    /// The latest heading, used only when a section has no body at all.
    var pendingHeading: (String, SourceSpan)?

    init(options: ChunkerOptions) { self.options = options }

    mutating func flush() {
        guard !pieces.isEmpty else { return }
        var span = pieces[0].span
        for p in pieces.dropFirst() { span = span.merged(with: p.span) }
        let text = pieces.map(\.text).joined(separator: "\n")
        chunks.append(Chunk(ordinal: chunks.count, text: text, headingPath: headingPath, span: span))
        pieces.removeAll()
        size = 0
        pendingHeading = nil
    }

    mutating func add(_ text: String, _ span: SourceSpan) {
        pieces.append((text, span))
        size += text.count + 1
    }

    /// A chunk stays on one page, so a page citation covers all of it.
    mutating func breakAtPage(_ span: SourceSpan) {
        if let page = span.page, let current = pieces.last?.span.page, page != current { flush() }
    }

    mutating func addText(_ text: String, span: SourceSpan) {
        breakAtPage(span)
        let n = text.count
        if size + n <= options.maxChars { add(text, span); return }
        if n <= options.maxChars { flush(); add(text, span); return }
        // Too long for one chunk: pack its sentences, overlapping by whole sentences.
        flush()
        let sentences = SentenceSplitter.split(text)
        var carried: [String] = []
        for s in sentences {
            if size + s.count > options.maxChars && !pieces.isEmpty {
                carried = overlapTail()
                flush()
                for c in carried { add(c, span) }
            }
            add(s, span)
        }
    }

    /// Trailing sentences of the current chunk totalling at most `overlapChars`.
    func overlapTail() -> [String] {
        guard options.overlapChars > 0 else { return [] }
        var out: [String] = []
        var total = 0
        for p in pieces.reversed() {
            if total + p.text.count > options.overlapChars { break }
            out.insert(p.text, at: 0)
            total += p.text.count
        }
        return out
    }

    mutating func addTable(caption: String?, rows: [String], span: SourceSpan) {
        breakAtPage(span)
        let whole = ([caption].compactMap { $0 } + rows).joined(separator: "\n")
        if size + whole.count <= options.maxChars { add(whole, span); return }
        flush()
        var current: [String] = []
        var currentSize = caption?.count ?? 0
        func emit(_ rows: [String], _ b: inout ChunkBuilder) {
            b.add(([caption].compactMap { $0 } + rows).joined(separator: "\n"), span)
            b.flush()
        }
        for r in rows {
            if currentSize + r.count + 1 > options.maxChars && !current.isEmpty {
                emit(current, &self)
                current.removeAll()
                currentSize = caption?.count ?? 0
            }
            current.append(r)
            currentSize += r.count + 1
        }
        if !current.isEmpty {
            add(([caption].compactMap { $0 } + current).joined(separator: "\n"), span)
        }
    }
}
