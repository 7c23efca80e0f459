// The on-disk index as a whole: one SQLite database in WAL mode under the index directory, a pool
// of reader connections (one per concurrent query), a single writer for ingest, and the vector
// index derived from the database's vectors (files beside it, caught up at open).
import Posix
import SQLite

public final class IndexStore: @unchecked Sendable {
    public let directory: String
    public let databasePath: String
    private let pool = PthreadMutex()
    private var idle: [Connection] = []
    private let writerLock = PthreadMutex()
    private var writerConnection: Connection?
    private let logLock = PthreadMutex()
    private var logConnection: Connection?
    let vectors: VectorIndex

    /// Opens the index in `directory`, creating directory and schema when `create` is true, and
    /// loads the vector files, catching them up with the database (corrupt or missing files are
    /// rebuilt from it; see `vectorNotes`).
    /// - Throws: `IndexError.missing`, `.newerVersion`, `.noFTS5`, `.database`.
    public init(directory: String, create: Bool = true) throws {
        self.directory = directory
        let databasePath = directory + "/nerve.sqlite"
        self.databasePath = databasePath
        if !FileSystem.exists(databasePath) {
            guard create else { throw IndexError.missing(directory: directory) }
            do { try FileSystem.makeDirectories(directory) } catch {
                throw IndexError.database(operation: "create \(directory)",
                                          .failure(code: 14, extendedCode: 14, message: "\(error)", sql: nil))
            }
        }
        let c = try db("open \(databasePath)") { try Connection(path: databasePath) }
        guard try db("probe FTS5", { try c.hasCompileOption("ENABLE_FTS5") }) else {
            throw IndexError.noFTS5(sqliteVersion: Connection.libraryVersion)
        }
        try db("configure") {
            try c.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
        }
        try Schema.migrate(c, path: databasePath)
        writerConnection = c
        let indexID = try db("read index id") { try c.query("SELECT value FROM meta WHERE key='index_id'").first?.int(0) ?? 0 }
        vectors = try VectorIndex(directory: directory, connection: c, indexID: UInt64(bitPattern: indexID))
    }

    /// Creates an empty index database at an older schema version (migration tests and tools);
    /// the next `IndexStore(directory:)` upgrades it.
    /// - Throws: `IndexError.database`.
    public static func createDatabase(directory: String, schemaVersion: Int) throws {
        do { try FileSystem.makeDirectories(directory) } catch {
            throw IndexError.database(operation: "create \(directory)", .failure(code: 14, extendedCode: 14, message: "\(error)", sql: nil))
        }
        let path = directory + "/nerve.sqlite"
        let c = try db("open \(path)") { try Connection(path: path) }
        try db("configure") { try c.execute("PRAGMA journal_mode=WAL;") }
        try Schema.migrate(c, path: path, to: Swift.min(Swift.max(schemaVersion, 0), Schema.version))
    }

    /// What opening found about the vector files (rebuilt, caught up), for the daemon's log.
    public var vectorNotes: [String] { vectors.notes }

    /// Vectors searchable now, and whether an HNSW graph serves them.
    public var vectorStatus: (count: Int, graph: Bool, unsaved: Int) {
        let c = vectors.collection
        return (c?.count ?? 0, c?.hasGraph ?? false, vectors.unsavedChanges)
    }

    /// The HNSW parameters and the size below which searches scan exactly, as last configured.
    public var vectorConfiguration: (parameters: HNSWParameters, graphThreshold: Int) { vectors.configuration }

    /// Sets the HNSW parameters and the size below which searches scan exactly; a graph built
    /// with other parameters is rebuilt in the background.
    public func configureVectors(parameters: HNSWParameters, graphThreshold: Int) {
        vectors.configure(parameters: parameters, graphThreshold: graphThreshold)
    }

    /// Writes the vector files when at least `minChanges` vector changes are unsaved (0: any).
    /// Holds the writer, so the files match a committed state. The files are a cache: losing
    /// them (or a crash before this) costs a catch-up from the database at the next open.
    /// - Throws: `IndexError.vectorFile`, `.database`.
    public func saveVectors(minChanges: Int = 0) throws {
        try writerLock.withLock {
            guard vectors.unsavedChanges >= Swift.max(minChanges, 1), let c = writerConnection else { return }
            let g = try IndexWriter(connection: c, vectors: vectors).generation()
            try vectors.save(connection: c, generation: g)
        }
    }

    /// Runs `body` with a reader connection from the pool (created on demand).
    public func read<T>(_ body: (IndexReader) throws -> T) throws -> T {
        let c: Connection
        if let reused = pool.withLock({ idle.popLast() }) {
            c = reused
        } else {
            c = try db("open reader") { try Connection(path: databasePath) }
            try db("configure reader") { try c.execute("PRAGMA foreign_keys=ON; PRAGMA query_only=ON;") }
        }
        defer { pool.withLock { if idle.count < 32 { idle.append(c) } } }
        return try body(IndexReader(connection: c, vectors: vectors))
    }

    /// Runs `body` inside one read transaction: every query it makes sees the same committed state
    /// (SQLite's WAL snapshot, taken at the first read), however many commits happen meanwhile.
    public func snapshot<T>(_ body: (IndexReader) throws -> T) throws -> T {
        try read { r in
            try db("begin snapshot") { try r.c.execute("BEGIN") }
            defer { try? r.c.execute("COMMIT") }
            _ = try r.generation() // the first read fixes the snapshot
            return try body(r)
        }
    }

    /// Runs `body` with the single writer; other writers wait.
    public func write<T>(_ body: (IndexWriter) throws -> T) throws -> T {
        try writerLock.withLock {
            let c: Connection
            if let w = writerConnection { c = w } else {
                c = try db("open writer") { try Connection(path: databasePath) }
                try db("configure writer") { try c.execute("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;") }
                writerConnection = c
            }
            return try body(IndexWriter(connection: c, vectors: vectors))
        }
    }

    /// Appends a query-log row on its own connection, so answering never waits for an ingest
    /// holding the writer (SQLite's busy timeout covers the brief transaction overlap).
    public func logQuery(_ entry: QueryLogEntry) throws {
        try logLock.withLock {
            let c: Connection
            if let l = logConnection { c = l } else {
                c = try db("open log writer") { try Connection(path: databasePath) }
                // synchronous is per connection: without this every logged question waited for
                // an fdatasync of the WAL (0.4–0.6 ms here). In WAL mode NORMAL still never
                // corrupts the index; a power loss can lose the last log rows, not a crash.
                try db("configure log writer") { try c.execute("PRAGMA synchronous=NORMAL;") }
                logConnection = c
            }
            try IndexWriter(connection: c, vectors: vectors).logQuery(entry)
        }
    }

    /// Runs SQLite's integrity check, FTS5's integrity check, and our own invariants.
    /// - Returns: the list of problems (empty when healthy).
    public func integrityProblems() throws -> [String] {
        try write { w in try w.integrityProblems() }
    }

    /// Throws `IndexError.integrity` if `integrityProblems()` finds anything.
    public func checkIntegrity() throws {
        let problems = try integrityProblems()
        if !problems.isEmpty { throw IndexError.integrity(problems: problems) }
    }
}
