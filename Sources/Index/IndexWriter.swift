// Changes to the index, each file's change in its own transaction so a query never sees half a
// file and a crash loses at most the file in flight. The first change of a run bumps the index
// generation in the same transaction as the change itself.
import Corpus
import Posix
import SQLite

public final class IndexWriter {
    let c: Connection
    let vectors: VectorIndex
    /// The generation this run's changes carry; nil until the run's first change.
    private var runGeneration: Int64?
    /// Vector changes of the open batch's committed savepoints, applied at `commitBatch`.
    private var batchOps: [VectorOp] = []

    init(connection: Connection, vectors: VectorIndex) {
        c = connection
        self.vectors = vectors
    }

    /// Runs one file's change as a transaction (a savepoint inside a batch) and hands its vector
    /// changes to the in-memory index once committed: at once without a batch, at `commitBatch`
    /// within one. A rolled-back change never reaches it.
    func change<T>(_ operation: String, _ body: (inout [VectorOp]) throws -> T) throws -> T {
        var ops: [VectorOp] = []
        let result = try db(operation) { try c.transaction { try body(&ops) } }
        if c.isAutocommit { vectors.apply(ops) } else { batchOps += ops }
        return result
    }

    /// The current generation.
    public func generation() throws -> Int64 {
        try db("read generation") { try c.scalar("SELECT value FROM meta WHERE key='generation'") }.flatMap {
            if case let .integer(n) = $0 { return n }; return nil
        } ?? 0
    }

    /// Starts a run: its first change will bump the generation.
    public func beginRun() { runGeneration = nil }

    /// Opens a batch: the per-file changes that follow become savepoints inside one transaction,
    /// visible (and durable) together at `commitBatch()`. Each file stays all-or-nothing; a crash
    /// loses only the uncommitted batch.
    public func beginBatch() throws {
        try db("begin batch") { try c.execute("BEGIN IMMEDIATE") }
    }

    public func commitBatch() throws {
        try db("commit batch") { if !c.isAutocommit { try c.execute("COMMIT") } }
        let ops = batchOps
        batchOps = []
        vectors.apply(ops)
    }

    /// Abandons the open batch (after a database error).
    public func rollbackBatch() {
        if !c.isAutocommit { try? c.execute("ROLLBACK") }
        runGeneration = nil
        batchOps = []
    }

    /// Bumps the generation once per run; call inside the change's transaction.
    func changeGeneration() throws -> Int64 {
        if let g = runGeneration { return g }
        let g = try generation() + 1
        try c.run("UPDATE meta SET value=? WHERE key='generation'", [.integer(g)])
        runGeneration = g
        return g
    }

    /// The stat facts of every ledger entry at or under `root` (by path, whichever root ingested
    /// it), keyed by path: syncing a folder must see files an earlier ingest of a subfolder
    /// recorded, or their deletion would go unnoticed. Only what the "unchanged?" decision needs
    /// is read — with a row cursor — since this scan is most of the cost of re-syncing an
    /// unchanged folder; the rest of an entry is fetched with `entry(path:)` when a file changed.
    public func ledger(root: String) throws -> [String: LedgerStat] {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return try db("read ledger") {
            var out: [String: LedgerStat] = [:]
            let st = try c.prepare("""
                SELECT path, size, mtime_ns, uid, gid, mode, status = 'indexed'
                FROM documents WHERE path = ? OR (path >= ? AND path < ?)
                """)
            // '0' follows '/' in byte order, so [prefix, dir + "0") is exactly the folder's subtree.
            try st.each([.text(root), .text(prefix), .text(String(prefix.dropLast()) + "0")]) { r in
                out[r.string(0) ?? ""] = LedgerStat(size: r.int(1), mtimeNs: r.int(2), uid: UInt32(truncatingIfNeeded: r.int(3)),
                                                   gid: UInt32(truncatingIfNeeded: r.int(4)), mode: UInt32(truncatingIfNeeded: r.int(5)),
                                                   indexed: r.int(6) != 0)
            }
            return out
        }
    }

    /// One ledger entry, whole.
    public func entry(path: String) throws -> LedgerEntry? {
        try db("read ledger entry") {
            try c.query("""
                SELECT path, root, size, mtime_ns, sha256, uid, gid, mode, extractor, status, reason, content_id, generation
                FROM documents WHERE path = ?
                """, [.text(path)]).first.map(Self.entry)
        }
    }

    static func entry(_ r: Row) -> LedgerEntry {
        LedgerEntry(path: r.string(0) ?? "", root: r.string(1) ?? "", size: r.int(2) ?? 0, mtimeNs: r.int(3) ?? 0,
                    sha256: r.string(4), uid: UInt32(truncatingIfNeeded: r.int(5) ?? 0),
                    gid: UInt32(truncatingIfNeeded: r.int(6) ?? 0), mode: UInt32(truncatingIfNeeded: r.int(7) ?? 0),
                    extractor: r.string(8), status: LedgerStatus(rawValue: r.string(9) ?? "") ?? .failed,
                    reason: r.string(10), contentID: r.int(11), generation: r.int(12) ?? 0)
    }

    /// The content already stored for these bytes, if any (rename and duplicate detection).
    public func content(sha256: String) throws -> Int64? {
        try db("find content") { try c.query("SELECT id FROM contents WHERE sha256=?", [.text(sha256)]).first?.int(0) }
    }


    /// Stores a freshly extracted file: its content and chunks (unless identical content exists),
    /// their vectors when given (one per chunk, in order), and its ledger row, replacing whatever
    /// the path held before — all in one transaction.
    /// - Throws: `IndexError.vectorCount` when vectors and chunks do not pair up,
    ///   `.vectorModel`/`.vectorDimension` when they differ from the vectors the index holds,
    ///   `.database` when SQLite fails. Nothing is stored then.
    public func put(_ facts: FileFacts, sha256: String, extractor: String, title: String?, chunks: [Chunk],
                    vectors embedded: ChunkVectors? = nil) throws {
        if let e = embedded, e.vectors.count != chunks.count {
            throw IndexError.vectorCount(path: facts.path, vectors: e.vectors.count, chunks: chunks.count)
        }
        try change("store \(facts.path)") { ops in
            let g = try changeGeneration()
            let contentID: Int64
            if let existing = try c.query("SELECT id FROM contents WHERE sha256=?", [.text(sha256)]).first?.int(0) {
                contentID = existing
                // Same bytes stored earlier without vectors (e.g. by a lexical pipeline): add them.
                if let embedded, try !hasVectors(content: existing) {
                    let ids = try c.query("SELECT id FROM chunks WHERE content_id=? ORDER BY ordinal", [.integer(existing)]).compactMap { $0.int(0) }
                    if ids.count == embedded.vectors.count { try insertVectors(ids: ids, embedded, ops: &ops) }
                }
            } else {
                try c.run("INSERT INTO contents(sha256, extractor, title, bytes, chunk_count) VALUES (?,?,?,?,?)",
                          [.text(sha256), .text(extractor), title.map { .text($0) } ?? .null, .integer(facts.size), .integer(Int64(chunks.count))])
                contentID = c.lastInsertRowID
                let ins = try c.prepare("""
                    INSERT INTO chunks(content_id, ordinal, text, heading, line_start, line_end, page, locator, hash)
                    VALUES (?,?,?,?,?,?,?,?,?)
                    """)
                var ids: [Int64] = []
                ids.reserveCapacity(chunks.count)
                for ch in chunks {
                    try ins.run([.integer(contentID), .integer(Int64(ch.ordinal)), .text(ch.text), .text(ch.headingPath),
                                 ch.span.lineStart.map { .integer(Int64($0)) } ?? .null,
                                 ch.span.lineEnd.map { .integer(Int64($0)) } ?? .null,
                                 ch.span.page.map { .integer(Int64($0)) } ?? .null,
                                 ch.span.locator.map { .text($0) } ?? .null,
                                 .text(String(SHA256.hex(ch.text).prefix(16)))])
                    ids.append(c.lastInsertRowID)
                }
                if let embedded { try insertVectors(ids: ids, embedded, ops: &ops) }
            }
            try upsertLedger(facts, sha256: sha256, extractor: extractor, status: .indexed, reason: nil,
                             contentID: contentID, generation: g, ops: &ops)
        }
    }

    /// Points `facts.path` at content already stored (a rename or a duplicate): no extraction.
    public func link(_ facts: FileFacts, sha256: String, contentID: Int64, extractor: String?) throws {
        try change("link \(facts.path)") { ops in
            let g = try changeGeneration()
            try upsertLedger(facts, sha256: sha256, extractor: extractor, status: .indexed, reason: nil,
                             contentID: contentID, generation: g, ops: &ops)
        }
    }

    /// Records new stat facts for a file whose bytes turned out unchanged (e.g. touched): no
    /// generation bump, since nothing a query sees has changed.
    public func touch(_ facts: FileFacts) throws {
        try db("update \(facts.path)") {
            try c.run("UPDATE documents SET size=?, mtime_ns=?, uid=?, gid=?, mode=?, updated_ns=? WHERE path=?",
                      [.integer(facts.size), .integer(facts.mtimeNs), .integer(Int64(facts.uid)), .integer(Int64(facts.gid)),
                       .integer(Int64(facts.mode)), .integer(Self.wallNs()), .text(facts.path)])
        }
    }

    /// Records a file that was skipped or failed, removing anything it had indexed before.
    public func markUnindexed(_ facts: FileFacts, status: LedgerStatus, reason: String, extractor: String?, sha256: String?) throws {
        try change("record \(facts.path)") { ops in
            let hadContent = try c.query("SELECT content_id FROM documents WHERE path=?", [.text(facts.path)]).first?.int(0) != nil
            let g = hadContent ? try changeGeneration() : try generation()
            try upsertLedger(facts, sha256: sha256, extractor: extractor, status: status, reason: reason,
                             contentID: nil, generation: g, ops: &ops)
        }
    }

    /// Removes a path from every table; its content goes too when no other path shares it.
    /// - Returns: true when the path was in the ledger.
    @discardableResult
    public func remove(path: String) throws -> Bool {
        try change("remove \(path)") { ops in
            guard let row = try c.query("SELECT content_id FROM documents WHERE path=?", [.text(path)]).first else { return false }
            if row.int(0) != nil { _ = try changeGeneration() }
            try c.run("DELETE FROM documents WHERE path=?", [.text(path)])
            if let old = row.int(0) { try collect(old, ops: &ops) }
            return true
        }
    }

    private func upsertLedger(_ f: FileFacts, sha256: String?, extractor: String?, status: LedgerStatus, reason: String?,
                              contentID: Int64?, generation: Int64, ops: inout [VectorOp]) throws {
        let old = try c.query("SELECT content_id FROM documents WHERE path=?", [.text(f.path)]).first?.int(0)
        try c.run("""
            INSERT INTO documents(path, root, size, mtime_ns, sha256, uid, gid, mode, extractor, status, reason, content_id, generation, updated_ns)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT(path) DO UPDATE SET root=excluded.root, size=excluded.size, mtime_ns=excluded.mtime_ns,
                sha256=excluded.sha256, uid=excluded.uid, gid=excluded.gid, mode=excluded.mode, extractor=excluded.extractor,
                status=excluded.status, reason=excluded.reason, content_id=excluded.content_id,
                generation=excluded.generation, updated_ns=excluded.updated_ns
            """, [.text(f.path), .text(f.root), .integer(f.size), .integer(f.mtimeNs), sha256.map { .text($0) } ?? .null,
                  .integer(Int64(f.uid)), .integer(Int64(f.gid)), .integer(Int64(f.mode)),
                  extractor.map { .text($0) } ?? .null, .text(status.rawValue), reason.map { .text($0) } ?? .null,
                  contentID.map { .integer($0) } ?? .null, .integer(generation), .integer(Self.wallNs())])
        if let old, old != contentID { try collect(old, ops: &ops) }
    }

    /// Deletes a content (and, by cascade, its chunks, their FTS rows and their vectors) once no
    /// path uses it; the vectors' removal is recorded for the in-memory index.
    private func collect(_ contentID: Int64, ops: inout [VectorOp]) throws {
        let users = try c.query("SELECT count(*) FROM documents WHERE content_id=?", [.integer(contentID)]).first?.int(0) ?? 0
        if users == 0 {
            for r in try c.query("SELECT v.chunk_id FROM chunk_vectors v JOIN chunks ch ON ch.id = v.chunk_id WHERE ch.content_id = ?",
                                 [.integer(contentID)]) {
                if let id = r.int(0) { ops.append(.remove(id)) }
            }
            try c.run("DELETE FROM chunks WHERE content_id=?", [.integer(contentID)])
            try c.run("DELETE FROM contents WHERE id=?", [.integer(contentID)])
        }
    }

    /// Appends an ingest report; returns its id.
    @discardableResult
    public func logIngest(root: String, startedNs: Int64, finishedNs: Int64, report: String) throws -> Int64 {
        try db("log ingest") {
            try c.run("INSERT INTO ingest_log(root, started_ns, finished_ns, generation, report) VALUES (?,?,?,?,?)",
                      [.text(root), .integer(startedNs), .integer(finishedNs), .integer(try generation()), .text(report)])
            return c.lastInsertRowID
        }
    }

    /// Appends a query-log row.
    public func logQuery(_ q: QueryLogEntry) throws {
        try db("log query") {
            try c.run("""
                INSERT INTO query_log(at_ns, question, route, accepted, confidence, generation, total_ms, tokens_in, tokens_out, cost, detail)
                VALUES (?,?,?,?,?,?,?,?,?,?,?)
                """, [.integer(q.atNs ?? Self.wallNs()), .text(q.question), .text(q.route), .integer(q.accepted ? 1 : 0), .real(q.confidence),
                      .integer(q.generation), .real(q.totalMs), .integer(Int64(q.tokensIn)), .integer(Int64(q.tokensOut)),
                      .real(q.cost), .text(q.detail)])
        }
    }

    /// SQLite, FTS5 and our own invariants; returns the problems found.
    func integrityProblems() throws -> [String] {
        try db("integrity check") {
            var problems: [String] = []
            for r in try c.query("PRAGMA integrity_check") where r.string(0) != "ok" {
                problems.append(r.string(0) ?? "?")
            }
            do {
                try c.execute("INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('integrity-check', 1)")
            } catch {
                problems.append("fts5: \(error)")
            }
            let orphanChunks = try c.scalar("SELECT count(*) FROM chunks WHERE content_id NOT IN (SELECT id FROM contents)")
            if case let .integer(n)? = orphanChunks, n > 0 { problems.append("\(n) chunks without content") }
            let unused = try c.scalar("SELECT count(*) FROM contents WHERE id NOT IN (SELECT content_id FROM documents WHERE content_id IS NOT NULL)")
            if case let .integer(n)? = unused, n > 0 { problems.append("\(n) contents no document uses") }
            let counts = try c.scalar("SELECT count(*) FROM contents c WHERE chunk_count != (SELECT count(*) FROM chunks WHERE content_id=c.id)")
            if case let .integer(n)? = counts, n > 0 { problems.append("\(n) contents whose chunk count is wrong") }
            let indexedWithout = try c.scalar("SELECT count(*) FROM documents WHERE status='indexed' AND content_id IS NULL")
            if case let .integer(n)? = indexedWithout, n > 0 { problems.append("\(n) indexed documents without content") }
            problems += try vectorProblems()
            return problems
        }
    }

    /// Wall-clock nanoseconds since the epoch (for log rows).
    static func wallNs() -> Int64 { WallClock.nanoseconds() }
}
