// Read-only queries: lexical (BM25) and vector search, term statistics for answer extraction,
// ledger lookups and the status counts. One reader per thread, taken from IndexStore's pool.
import Corpus
import SQLite

public struct IndexStatus: Sendable, Equatable {
    /// Files currently indexed (ledger rows with status 'indexed').
    public var documents: Int
    public var contents: Int
    public var chunks: Int
    public var skipped: Int
    public var failed: Int
    public var generation: Int64
    /// The last ingest report (JSON text), if any ingest ran.
    public var lastReport: String?
    /// Chunks with a vector, and the embedding model they come from ("" when none).
    public var vectors: Int = 0
    public var vectorModel: String = ""
}

/// A reader is used by one thread at a time (a request takes it from the pool and gives it back);
/// it is Sendable so a request's context can carry it to the stages of that request.
public final class IndexReader: @unchecked Sendable {
    let c: Connection
    let vectors: VectorIndex

    init(connection: Connection, vectors: VectorIndex) {
        c = connection
        self.vectors = vectors
    }

    public func generation() throws -> Int64 {
        try db("read generation") {
            try c.query("SELECT value FROM meta WHERE key='generation'").first?.int(0) ?? 0
        }
    }

    public func status() throws -> IndexStatus {
        try db("read status") {
            let counts = try c.query("""
                SELECT (SELECT count(*) FROM documents WHERE status='indexed'),
                       (SELECT count(*) FROM contents),
                       (SELECT count(*) FROM chunks),
                       (SELECT count(*) FROM documents WHERE status='skipped'),
                       (SELECT count(*) FROM documents WHERE status='failed'),
                       (SELECT value FROM meta WHERE key='generation'),
                       (SELECT report FROM ingest_log ORDER BY id DESC LIMIT 1),
                       (SELECT count(*) FROM chunk_vectors),
                       (SELECT value FROM meta WHERE key='vector_model')
                """).first
            return IndexStatus(documents: Int(counts?.int(0) ?? 0), contents: Int(counts?.int(1) ?? 0),
                               chunks: Int(counts?.int(2) ?? 0), skipped: Int(counts?.int(3) ?? 0),
                               failed: Int(counts?.int(4) ?? 0), generation: counts?.int(5) ?? 0,
                               lastReport: counts?.string(6), vectors: Int(counts?.int(7) ?? 0), vectorModel: counts?.string(8) ?? "")
        }
    }

    /// The ledger entry for one path.
    public func entry(path: String) throws -> LedgerEntry? {
        try db("read ledger entry") {
            try c.query("""
                SELECT path, root, size, mtime_ns, sha256, uid, gid, mode, extractor, status, reason, content_id, generation
                FROM documents WHERE path = ?
                """, [.text(path)]).first.map(IndexWriter.entry)
        }
    }

    /// Ledger paths equal to `path` or under it as a folder.
    public func paths(under path: String) throws -> [String] {
        let prefix = path.hasSuffix("/") ? path : path + "/"
        return try db("list paths") {
            // '0' follows '/' in byte order, so [prefix, dir + "0") is exactly the folder's subtree
            // and the path index answers it.
            try c.query("SELECT path FROM documents WHERE path = ? OR (path >= ? AND path < ?) ORDER BY path",
                        [.text(path), .text(prefix), .text(String(prefix.dropLast()) + "0")]).compactMap { $0.string(0) }
        }
    }

    /// BM25 search over chunk text and heading path. `viewer` drops documents the asker cannot
    /// read; a hit whose every document is hidden is dropped entirely.
    public func searchLexical(_ question: String, limit: Int, viewer: Viewer? = nil) throws -> [Hit] {
        guard let match = Analyzer.matchExpression(question), limit > 0 else { return [] }
        return try db("search") {
            let st = try c.prepare("""
                SELECT c.id, c.content_id, c.ordinal, c.text, c.heading, c.line_start, c.line_end, c.page, c.locator, c.hash,
                       bm25(chunks_fts, 1.0, 0.5) AS s
                FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
                WHERE chunks_fts MATCH ? ORDER BY s LIMIT ?
                """)
            // Over-fetch when filtering by viewer, so hidden hits do not starve the result.
            let fetch = viewer == nil ? limit : limit * 4
            let live = viewer.map(PermissionCheck.init)
            var hits: [Hit] = []
            for r in try st.all([.text(match), .integer(Int64(fetch))]) {
                var docs = try documents(content: r.int(1) ?? 0)
                // Recorded permissions first (free), then the file as it is now.
                if let viewer, let live { docs = docs.filter { viewer.mayRead($0) && live.mayRead($0.path) } }
                if docs.isEmpty { continue }
                hits.append(Hit(chunkID: r.int(0) ?? 0, contentID: r.int(1) ?? 0, ordinal: Int(r.int(2) ?? 0),
                                text: r.string(3) ?? "", headingPath: r.string(4) ?? "",
                                span: SourceSpan(lineStart: r.int(5).map(Int.init), lineEnd: r.int(6).map(Int.init),
                                                 page: r.int(7).map(Int.init), locator: r.string(8)),
                                hash: r.string(9) ?? "", score: -(r.double(10) ?? 0), documents: docs))
                if hits.count == limit { break }
            }
            return hits
        }
    }

    /// The indexed documents holding a content.
    public func documents(content: Int64) throws -> [DocumentRef] {
        try db("read documents") {
            try c.query("""
                SELECT d.path, ct.title, d.uid, d.gid, d.mode FROM documents d JOIN contents ct ON ct.id = d.content_id
                WHERE d.content_id = ? AND d.status = 'indexed' ORDER BY d.path
                """, [.integer(content)]).map {
                DocumentRef(path: $0.string(0) ?? "", title: $0.string(1), uid: UInt32(truncatingIfNeeded: $0.int(2) ?? 0),
                            gid: UInt32(truncatingIfNeeded: $0.int(3) ?? 0), mode: UInt32(truncatingIfNeeded: $0.int(4) ?? 0))
            }
        }
    }

    /// Number of chunks, for IDF.
    public func chunkCount() throws -> Int {
        try db("count chunks") { Int(try c.query("SELECT count(*) FROM chunks").first?.int(0) ?? 0) }
    }

    /// Chunks containing each stemmed term (document frequency), from the FTS vocabulary.
    public func documentFrequencies(_ terms: [String]) throws -> [String: Int] {
        guard !terms.isEmpty else { return [:] }
        return try db("term statistics") {
            let st = try c.prepare("SELECT doc FROM chunks_vocab WHERE term = ?")
            var out: [String: Int] = [:]
            for t in Set(terms) {
                out[t] = Int(try st.all([.text(t)]).first?.int(0) ?? 0)
            }
            return out
        }
    }

    /// Query-log rows since `sinceNs` (oldest first), for `nerve stats`.
    public func queryLog(sinceNs: Int64 = 0) throws -> [QueryLogEntry] {
        try db("read query log") {
            var out: [QueryLogEntry] = []
            try c.prepare("""
                SELECT at_ns, question, route, accepted, confidence, generation, total_ms, tokens_in, tokens_out, cost, detail
                FROM query_log WHERE at_ns >= ? ORDER BY id
                """).each([.integer(sinceNs)]) { r in
                out.append(QueryLogEntry(atNs: r.int(0), question: r.string(1) ?? "", route: r.string(2) ?? "", accepted: r.int(3) != 0,
                                         confidence: r.double(4), generation: r.int(5),
                                         totalMs: r.double(6), tokensIn: Int(r.int(7)), tokensOut: Int(r.int(8)), cost: r.double(9),
                                         detail: r.string(10) ?? "{}"))
            }
            return out
        }
    }

    /// Dollars spent on model calls since `sinceNs` (the frontier stage's daily budget).
    public func spend(sinceNs: Int64) throws -> Double {
        try db("read spend") {
            try c.query("SELECT coalesce(sum(cost), 0) FROM query_log WHERE at_ns >= ?", [.integer(sinceNs)]).first?.double(0) ?? 0
        }
    }
}
