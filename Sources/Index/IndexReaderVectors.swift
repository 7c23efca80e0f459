// Vector search for the ask pipeline: nearest chunks from the in-memory vector index, each one
// re-read from SQLite and kept only when its chunk still exists and a document the asker may
// read still holds it — so a deleted or replaced file's chunk is never returned.
import Corpus
import SQLite

extension IndexReader {
    /// The embedding model of the stored vectors ("" when there are none).
    public func vectorModel() throws -> String {
        try db("read vector model") { try c.query("SELECT value FROM meta WHERE key='vector_model'").first?.string(0) ?? "" }
    }

    /// The `limit` chunks nearest to `query` (cosine similarity, the hit's `score`), best first.
    /// `ef` is the HNSW candidate list (ignored by exact scans). With `model`, the query must
    /// come from the model the index's vectors came from. When filtering (vanished chunks, the
    /// viewer's permissions) leaves fewer than `limit`, the search is repeated as a deeper
    /// exact scan.
    /// - Throws: `IndexError.vectorModel` for a query from another model, `.database`.
    public func searchVector(_ query: [Float], model: String? = nil, limit: Int, ef: Int = 64,
                             mode: VectorSearchMode = .automatic, viewer: Viewer? = nil) throws -> [Hit] {
        guard limit > 0, let coll = vectors.collection else { return [] }
        if let model {
            let stored = try vectorModel()
            if !stored.isEmpty && stored != model { throw IndexError.vectorModel(stored: stored, given: model) }
        }
        let fetch = viewer == nil ? limit : limit * 4
        var matches = coll.search(query, k: fetch, ef: Swift.max(ef, fetch), mode: mode)
        var hits = try resolve(matches, limit: limit, viewer: viewer)
        if hits.count < limit && matches.count == fetch && mode != .exact {
            matches = coll.search(query, k: Swift.min(coll.count, fetch * 8), mode: .exact)
            hits = try resolve(matches, limit: limit, viewer: viewer)
        }
        return hits
    }

    /// Hits for `matches`, in order, re-read from the database and filtered.
    func resolve(_ matches: [VectorMatch], limit: Int, viewer: Viewer?) throws -> [Hit] {
        guard !matches.isEmpty else { return [] }
        return try db("read vector hits") {
            var rows: [Int64: Row] = [:]
            var start = 0
            while start < matches.count {
                let part = matches[start..<Swift.min(start + 500, matches.count)]
                let marks = Array(repeating: "?", count: part.count).joined(separator: ",")
                for r in try c.query("""
                    SELECT id, content_id, ordinal, text, heading, line_start, line_end, page, locator, hash
                    FROM chunks WHERE id IN (\(marks))
                    """, part.map { .integer($0.id) }) {
                    if let id = r.int(0) { rows[id] = r }
                }
                start += part.count
            }
            let live = viewer.map(PermissionCheck.init)
            var hits: [Hit] = []
            for m in matches {
                guard let r = rows[m.id] else { continue }   // deleted since the search: never returned
                var docs = try documents(content: r.int(1) ?? 0)
                if let viewer, let live { docs = docs.filter { viewer.mayRead($0) && live.mayRead($0.path) } }
                if docs.isEmpty { continue }
                hits.append(Hit(chunkID: m.id, contentID: r.int(1) ?? 0, ordinal: Int(r.int(2) ?? 0),
                                text: r.string(3) ?? "", headingPath: r.string(4) ?? "",
                                span: SourceSpan(lineStart: r.int(5).map(Int.init), lineEnd: r.int(6).map(Int.init),
                                                 page: r.int(7).map(Int.init), locator: r.string(8)),
                                hash: r.string(9) ?? "", score: Double(m.score), documents: docs))
                if hits.count == limit { break }
            }
            return hits
        }
    }
}
