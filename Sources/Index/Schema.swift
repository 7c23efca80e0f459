// The index schema, version 1 (PRAGMA user_version). docs/index-format.md describes every table;
// change both together and add a migration step for each new version.
import SQLite

enum Schema {
    static let version = 1

    static let v1 = """
    CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
    -- index_id ties the derived vector files to this database; vector_model and vector_dimension
    -- name the embeddings chunk_vectors holds ('' and 0 while it holds none).
    INSERT INTO meta VALUES ('generation', 0), ('format', 'nerve-index'),
        ('index_id', abs(random())), ('vector_model', ''), ('vector_dimension', 0);

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

    -- AUTOINCREMENT: a chunk id is never reused, so an id always names the same text and the
    -- same vector, and a derived vector file can be caught up by comparing id sets.
    CREATE TABLE chunks(
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
    CREATE INDEX chunks_content ON chunks(content_id, ordinal);

    -- The authoritative embedding of each chunk (little-endian float32, unit length), written in
    -- the same transaction as the chunk. A content has a vector for every chunk or for none.
    -- vectors.f32 / vectors.i8 / vectors.hnsw beside the database are derived from these rows.
    CREATE TABLE chunk_vectors(
        chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
        vector BLOB NOT NULL
    );

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

    /// Creates or upgrades the schema; refuses files from a newer version.
    static func migrate(_ c: Connection, path: String) throws {
        let found = try db("read schema version") { try c.userVersion }
        if found > version { throw IndexError.newerVersion(path: path, found: found, supported: version) }
        if found == version { return }
        try db("create schema v1") {
            try c.transaction {
                try c.execute(v1)
                try c.execute("PRAGMA user_version = \(version)")
            }
        }
    }
}
