// The index schema, version 2 (PRAGMA user_version): v1 as first shipped, then one migration step
// per version. docs/index-format.md describes every table; change both together.
import SQLite

enum Schema {
    static let version = 2

    static let v1 = """
    CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
    INSERT INTO meta VALUES ('generation', 0), ('format', 'nerve-index');

    -- One row per distinct extracted content (file bytes identified by SHA-256). Several paths
    -- with identical bytes share one content, so its chunks are stored once.
    CREATE TABLE contents(
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        extractor TEXT NOT NULL,
        title TEXT,
        bytes INTEGER NOT NULL,
        chunk_count INTEGER NOT NULL
    );

    -- The ledger: one row per file path seen under an ingested root.
    CREATE TABLE documents(
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        root TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        sha256 TEXT,
        uid INTEGER NOT NULL,
        gid INTEGER NOT NULL,
        mode INTEGER NOT NULL,
        extractor TEXT,
        status TEXT NOT NULL CHECK (status IN ('indexed', 'skipped', 'failed')),
        reason TEXT,
        content_id INTEGER REFERENCES contents(id),
        generation INTEGER NOT NULL,
        updated_ns INTEGER NOT NULL
    );
    CREATE INDEX documents_root ON documents(root);
    CREATE INDEX documents_content ON documents(content_id);
    CREATE INDEX documents_sha ON documents(sha256);

    CREATE TABLE chunks(
        id INTEGER PRIMARY KEY,
        content_id INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        text TEXT NOT NULL,
        heading TEXT NOT NULL DEFAULT '',
        line_start INTEGER,
        line_end INTEGER,
        page INTEGER,
        locator TEXT,
        hash TEXT NOT NULL
    );
    CREATE INDEX chunks_content ON chunks(content_id, ordinal);

    -- Full-text index over chunk text and heading path. External content: the text lives once,
    -- in chunks; triggers keep the FTS index in step inside the same transaction.
    CREATE VIRTUAL TABLE chunks_fts USING fts5(
        text, heading, content='chunks', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    );
    -- Term statistics (documents per stemmed term) for IDF weights in answer extraction.
    CREATE VIRTUAL TABLE chunks_vocab USING fts5vocab('chunks_fts', 'row');
    CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
        INSERT INTO chunks_fts(rowid, text, heading) VALUES (new.id, new.text, new.heading);
    END;
    CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
        INSERT INTO chunks_fts(chunks_fts, rowid, text, heading) VALUES ('delete', old.id, old.text, old.heading);
    END;

    -- One row per ingest run: what it changed and the full report as JSON.
    CREATE TABLE ingest_log(
        id INTEGER PRIMARY KEY,
        root TEXT NOT NULL,
        started_ns INTEGER NOT NULL,
        finished_ns INTEGER,
        generation INTEGER NOT NULL,
        report TEXT
    );

    -- One row per answered question: route, confidences, timings, tokens and cost.
    CREATE TABLE query_log(
        id INTEGER PRIMARY KEY,
        at_ns INTEGER NOT NULL,
        question TEXT NOT NULL,
        route TEXT NOT NULL,
        accepted INTEGER NOT NULL,
        confidence REAL NOT NULL,
        generation INTEGER NOT NULL,
        total_ms REAL NOT NULL,
        tokens_in INTEGER NOT NULL DEFAULT 0,
        tokens_out INTEGER NOT NULL DEFAULT 0,
        cost REAL NOT NULL DEFAULT 0,
        detail TEXT
    );
    CREATE INDEX query_log_time ON query_log(at_ns);
    """

    /// v1 → v2: chunk vectors. `chunks` is rebuilt with AUTOINCREMENT (same ids, so the FTS rows
    /// stay valid): a chunk id is then never reused, so an id names one text and one vector
    /// forever, and the derived vector files can be caught up by comparing id sets. `index_id`
    /// ties those files to this database; `vector_model`/`vector_dimension` name the embeddings
    /// `chunk_vectors` holds ('' and 0 while it holds none).
    static let v2 = """
    INSERT INTO meta VALUES ('index_id', abs(random())), ('vector_model', ''), ('vector_dimension', 0);

    CREATE TABLE chunks_v2(
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        content_id INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        text TEXT NOT NULL,
        heading TEXT NOT NULL DEFAULT '',
        line_start INTEGER,
        line_end INTEGER,
        page INTEGER,
        locator TEXT,
        hash TEXT NOT NULL
    );
    INSERT INTO chunks_v2 SELECT id, content_id, ordinal, text, heading, line_start, line_end, page, locator, hash FROM chunks;
    -- Dropping drops chunks' index and triggers first, so no FTS row is touched.
    DROP TABLE chunks;
    ALTER TABLE chunks_v2 RENAME TO chunks;
    CREATE INDEX chunks_content ON chunks(content_id, ordinal);
    CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
        INSERT INTO chunks_fts(rowid, text, heading) VALUES (new.id, new.text, new.heading);
    END;
    CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
        INSERT INTO chunks_fts(chunks_fts, rowid, text, heading) VALUES ('delete', old.id, old.text, old.heading);
    END;

    -- The authoritative embedding of each chunk (little-endian float32, unit length), written in
    -- the same transaction as the chunk. A content has a vector for every chunk or for none.
    -- vectors.f32 / vectors.i8 / vectors.hnsw beside the database are derived from these rows.
    CREATE TABLE chunk_vectors(
        chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
        vector BLOB NOT NULL
    );
    """

    /// The step that takes a database from version `k` to `k + 1`, at `steps[k]`.
    static let steps = [v1, v2]

    /// Creates or upgrades the schema, one transaction per step; refuses files from a newer version.
    /// - Throws: `IndexError.newerVersion`, `.database`.
    static func migrate(_ c: Connection, path: String, to target: Int = version) throws {
        let found = try db("read schema version") { try c.userVersion }
        if found > version { throw IndexError.newerVersion(path: path, found: found, supported: version) }
        for k in found..<target {
            try db("migrate schema to v\(k + 1)") {
                try c.transaction {
                    try c.execute(steps[k])
                    try c.execute("PRAGMA user_version = \(k + 1)")
                }
            }
        }
    }
}
