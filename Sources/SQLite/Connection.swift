// One SQLite connection: open, execute, prepare, transactions. Not thread-safe by itself; the
// owner gives each thread its own connection (WAL lets readers run beside the one writer).
import CSQLite

/// Values we bind and read; SQLite's five storage classes.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

public final class Connection: @unchecked Sendable {
    let handle: OpaquePointer
    public let path: String

    public enum Mode: Sendable { case readWrite, readOnly }

    /// Opens (creating when read-write) the database at `path`, with a busy timeout so short
    /// write locks wait instead of failing.
    /// - Throws: `SQLiteError.failure`.
    /// The corresponding C function is `sqlite3_open_v2`.
    public init(path: String, mode: Mode = .readWrite, busyTimeoutMs: Int32 = 5000) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = (mode == .readWrite ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) : SQLITE_OPEN_READONLY)
            | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError.failure(code: rc, extendedCode: rc, message: message, sql: nil)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMs)
    }

    deinit { sqlite3_close_v2(handle) }

    func error(_ rc: Int32, sql: String?) -> SQLiteError {
        .failure(code: rc & 0xff, extendedCode: sqlite3_extended_errcode(handle),
                 message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Runs one or more statements that return no rows.
    /// The corresponding C function is `sqlite3_exec`.
    public func execute(_ sql: String) throws {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc, sql: sql) }
    }

    /// Prepares a statement for repeated use.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(connection: self, sql: sql)
    }

    /// Runs `sql` with `bindings` and returns every row.
    public func query(_ sql: String, _ bindings: [SQLValue] = []) throws -> [Row] {
        let st = try prepare(sql)
        try st.bind(bindings)
        var rows: [Row] = []
        while let row = try st.step() { rows.append(row) }
        return rows
    }

    /// Runs a statement that returns no rows; returns the number of rows changed.
    @discardableResult
    public func run(_ sql: String, _ bindings: [SQLValue] = []) throws -> Int {
        let st = try prepare(sql)
        try st.bind(bindings)
        _ = try st.step()
        return changes
    }

    /// The first column of the first row, or nil.
    public func scalar(_ sql: String, _ bindings: [SQLValue] = []) throws -> SQLValue? {
        try query(sql, bindings).first?.values.first
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    /// `immediate` takes the write lock at the start, so a writer never fails half-way with BUSY.
    /// Inside an open transaction it becomes a savepoint: `body`'s changes still apply or vanish
    /// as a whole, and become visible when the outer transaction commits.
    public func transaction<T>(immediate: Bool = true, _ body: () throws -> T) throws -> T {
        if !isAutocommit {
            try execute("SAVEPOINT nested")
            do {
                let result = try body()
                try execute("RELEASE nested")
                return result
            } catch {
                try? execute("ROLLBACK TO nested")
                try? execute("RELEASE nested")
                throw error
            }
        }
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// False while a transaction is open.
    /// The corresponding C function is `sqlite3_get_autocommit`.
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// `PRAGMA user_version`, our schema version.
    public var userVersion: Int {
        get throws {
            if case let .integer(v)? = try scalar("PRAGMA user_version") { return Int(v) }
            return 0
        }
    }

    /// Whether this SQLite was compiled with `option` (e.g. "ENABLE_FTS5").
    public func hasCompileOption(_ option: String) throws -> Bool {
        try query("PRAGMA compile_options").contains { $0.string(0) == option }
    }

    /// The version of the linked library, e.g. "3.40.1".
    public static var libraryVersion: String { String(cString: sqlite3_libversion()) }
}
