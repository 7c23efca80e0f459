// The on-disk index as a whole: one SQLite database in WAL mode under the index directory, a pool
// of reader connections (one per concurrent query) and a single writer for ingest.
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

    /// Opens the index in `directory`, creating directory and schema when `create` is true.
    /// - Throws: `IndexError.missing`, `.newerVersion`, `.noFTS5`, `.database`.
    public init(directory: String, create: Bool = true) throws {
        self.directory = directory
        self.databasePath = directory + "/nerve.sqlite"
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
        return try body(IndexReader(connection: c))
    }

    /// Runs `body` with the single writer; other writers wait.
    public func write<T>(_ body: (IndexWriter) throws -> T) throws -> T {
        try writerLock.withLock {
            let c: Connection
            if let w = writerConnection { c = w } else {
                c = try db("open writer") { try Connection(path: databasePath) }
                try db("configure writer") { try c.execute("PRAGMA foreign_keys=ON;") }
                writerConnection = c
            }
            return try body(IndexWriter(connection: c))
        }
    }

    /// Appends a query-log row on its own connection, so answering never waits for an ingest
    /// holding the writer (SQLite's busy timeout covers the brief transaction overlap).
    public func logQuery(_ entry: QueryLogEntry) throws {
        try logLock.withLock {
            let c: Connection
            if let l = logConnection { c = l } else {
                c = try db("open log writer") { try Connection(path: databasePath) }
                logConnection = c
            }
            try IndexWriter(connection: c).logQuery(entry)
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
