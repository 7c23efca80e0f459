// The writer's vector side: checking and storing chunk embeddings beside their chunks, the one
// embedding model an index holds at a time, back-filling contents stored without vectors, and
// the vector invariants of the integrity check.
import Corpus
import SQLite

/// Embeddings of a file's chunks, in chunk order, and the model that made them.
public struct ChunkVectors: Sendable, Equatable {
    /// Names the embedding model (and recipe): vectors of different models never mix.
    public var model: String
    public var vectors: [[Float]]

    public init(model: String, vectors: [[Float]]) {
        self.model = model
        self.vectors = vectors
    }
}

/// A stored chunk whose content still needs vectors (back-filling).
public struct StoredChunk: Sendable, Equatable {
    public var id: Int64
    public var ordinal: Int
    public var text: String
    public var headingPath: String
    /// The title of the chunk's content, when it has one.
    public var title: String?
}

extension IndexWriter {
    func hasVectors(content: Int64) throws -> Bool {
        try c.query("SELECT 1 FROM chunk_vectors v JOIN chunks ch ON ch.id = v.chunk_id WHERE ch.content_id = ? LIMIT 1",
                    [.integer(content)]).first != nil
    }

    /// Checks `e` against the index's model and dimension (recording them for the first vectors),
    /// then inserts one row per chunk id; the caller's transaction covers both.
    func insertVectors(ids: [Int64], _ e: ChunkVectors, ops: inout [VectorOp]) throws {
        guard let first = e.vectors.first else { return }
        let meta = try c.query("SELECT (SELECT value FROM meta WHERE key='vector_model'), (SELECT value FROM meta WHERE key='vector_dimension')").first
        let model = meta?.string(0) ?? "", dimension = Int(meta?.int(1) ?? 0)
        if !model.isEmpty && model != e.model { throw IndexError.vectorModel(stored: model, given: e.model) }
        let d = dimension == 0 ? first.count : dimension
        let ins = try c.prepare("INSERT INTO chunk_vectors(chunk_id, vector) VALUES (?, ?)")
        for (id, v) in zip(ids, e.vectors) {
            guard v.count == d, d > 0, v.allSatisfy(\.isFinite) else { throw IndexError.vectorDimension(id: id, found: v.count, expected: d) }
            let unit = Self.normalized(v)
            try ins.run([.integer(id), .blob(VectorBlob.encode(unit))])
            ops.append(.add(id, unit))
        }
        if model.isEmpty || dimension == 0 {
            try c.run("UPDATE meta SET value=? WHERE key='vector_model'", [.text(e.model)])
            try c.run("UPDATE meta SET value=? WHERE key='vector_dimension'", [.integer(Int64(d))])
        }
    }

    static func normalized(_ v: [Float]) -> [Float] {
        let n = v.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        return n > 0 && n.isFinite ? v.map { $0 / n } : v
    }

    /// The embedding model of the stored vectors; nil while there are none.
    public func vectorModel() throws -> String? {
        try db("read vector model") {
            let m = try c.query("SELECT value FROM meta WHERE key='vector_model'").first?.string(0) ?? ""
            return m.isEmpty ? nil : m
        }
    }

    /// Deletes every vector (before re-embedding with another model), in one transaction that
    /// bumps the generation.
    public func resetVectors() throws {
        try change("reset vectors") { ops in
            _ = try changeGeneration()
            try c.run("DELETE FROM chunk_vectors")
            try c.run("UPDATE meta SET value='' WHERE key='vector_model'")
            try c.run("UPDATE meta SET value=0 WHERE key='vector_dimension'")
            ops.append(.reset)
        }
    }

    /// Up to `limit` contents that have chunks but no vectors, each with its chunks in order.
    public func contentsMissingVectors(limit: Int) throws -> [(content: Int64, chunks: [StoredChunk])] {
        try db("find contents without vectors") {
            let ids = try c.query("""
                SELECT ct.id FROM contents ct WHERE ct.chunk_count > 0 AND NOT EXISTS
                    (SELECT 1 FROM chunks ch JOIN chunk_vectors v ON v.chunk_id = ch.id WHERE ch.content_id = ct.id)
                ORDER BY ct.id LIMIT ?
                """, [.integer(Int64(limit))]).compactMap { $0.int(0) }
            return try ids.map { id in
                (id, try c.query("""
                    SELECT ch.id, ch.ordinal, ch.text, ch.heading, ct.title FROM chunks ch JOIN contents ct ON ct.id = ch.content_id
                    WHERE ch.content_id = ? ORDER BY ch.ordinal
                    """, [.integer(id)]).map {
                    StoredChunk(id: $0.int(0) ?? 0, ordinal: Int($0.int(1) ?? 0), text: $0.string(2) ?? "",
                                headingPath: $0.string(3) ?? "", title: $0.string(4))
                })
            }
        }
    }

    /// Stores the vectors of a content stored without them (one per chunk, in ordinal order),
    /// in one transaction that bumps the generation. A content that meanwhile got vectors or
    /// changed its chunks is left alone.
    /// - Throws: `IndexError.vectorModel`/`.vectorDimension` on a mismatch, `.database`.
    public func putVectors(content: Int64, _ e: ChunkVectors) throws {
        try change("store vectors of content \(content)") { ops in
            guard try !hasVectors(content: content) else { return }
            let ids = try c.query("SELECT id FROM chunks WHERE content_id=? ORDER BY ordinal", [.integer(content)]).compactMap { $0.int(0) }
            guard ids.count == e.vectors.count, !ids.isEmpty else { return }
            _ = try changeGeneration()
            try insertVectors(ids: ids, e, ops: &ops)
        }
    }

    /// The vector invariants: each content has vectors for all its chunks or none, every vector
    /// row has a chunk and the recorded dimension, and the in-memory index matches the rows.
    func vectorProblems() throws -> [String] {
        var problems: [String] = []
        func count(_ sql: String, _ what: String, _ bindings: [SQLValue] = []) throws {
            if case let .integer(n)? = try c.scalar(sql, bindings), n > 0 { problems.append("\(n) \(what)") }
        }
        try count("""
            SELECT count(*) FROM contents ct WHERE (SELECT count(*) FROM chunks ch JOIN chunk_vectors v ON v.chunk_id = ch.id
                WHERE ch.content_id = ct.id) NOT IN (0, ct.chunk_count)
            """, "contents with vectors for only some of their chunks")
        try count("SELECT count(*) FROM chunk_vectors WHERE chunk_id NOT IN (SELECT id FROM chunks)", "vectors without a chunk")
        let dimension = try c.query("SELECT value FROM meta WHERE key='vector_dimension'").first?.int(0) ?? 0
        try count("SELECT count(*) FROM chunk_vectors WHERE length(vector) != ?", "vectors whose length differs from the index's \(dimension) dimensions",
                  [.integer(dimension * 4)])
        problems += try vectors.problems(c)
        return problems
    }
}
