// The Index module's one error type: missing or incompatible index files, failed integrity, and
// database errors carried with what we were doing when they happened.
import SQLite

public enum IndexError: Error, CustomStringConvertible, Sendable {
    /// No index at this directory (and we were asked not to create one).
    case missing(directory: String)
    /// The index was written by a newer nerved.
    case newerVersion(path: String, found: Int, supported: Int)
    /// The linked SQLite has no FTS5.
    case noFTS5(sqliteVersion: String)
    /// A database operation failed.
    case database(operation: String, SQLiteError)
    /// The integrity check found problems.
    case integrity(problems: [String])
    /// A document path that the ledger does not know.
    case unknownPath(String)

    public var description: String {
        switch self {
        case let .missing(dir): return "no index at \(dir); run `nerve ingest DIR` to build one"
        case let .newerVersion(path, found, supported):
            return "\(path) is index version \(found); this build supports up to \(supported). Upgrade nerved or rebuild the index."
        case let .noFTS5(v): return "SQLite \(v) was built without FTS5, which the index needs"
        case let .database(op, e):
            if isDiskFull { return "\(op): the disk is full or a file size limit was reached (\(e)); nothing half-written is kept" }
            return "\(op): \(e)"
        case let .integrity(problems): return "index integrity check failed: " + problems.joined(separator: "; ")
        case let .unknownPath(p): return "\(p) is not in the index"
        }
    }

    /// True when the underlying failure is a full disk or a file-size limit.
    public var isDiskFull: Bool {
        // SQLITE_FULL, or SQLITE_IOERR_WRITE (778) as EFBIG from RLIMIT_FSIZE surfaces.
        if case let .database(_, e) = self, case let .failure(code, ext, _, _) = e { return code == 13 || ext == 778 }
        return false
    }
}

/// Runs `body`, wrapping SQLite failures with the operation's name.
@inline(__always)
func db<T>(_ operation: String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as SQLiteError {
        throw IndexError.database(operation: operation, e)
    }
}
