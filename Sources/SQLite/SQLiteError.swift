// The SQLite module's one error type: built from sqlite3_errmsg at the failing call, carrying the
// result codes and the SQL, so callers can match on codes and users can read the message.
public enum SQLiteError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A call into SQLite failed. `code` is the primary result code, `extendedCode` the extended one.
    case failure(code: Int32, extendedCode: Int32, message: String, sql: String?)
    /// The database file was written by a newer schema than this build understands.
    case newerSchema(path: String, found: Int, supported: Int)
    /// A required compile-time feature (e.g. FTS5) is missing from the linked SQLite.
    case missingFeature(String)
    /// A column held a value of an unexpected type.
    case columnType(sql: String, column: Int, expected: String)

    public var description: String {
        switch self {
        case let .failure(code, ext, message, sql):
            let where_ = sql.map { " in \"\($0.prefix(120))\"" } ?? ""
            return "sqlite error \(code)/\(ext): \(message)\(where_)"
        case let .newerSchema(path, found, supported):
            return "\(path) is schema version \(found); this build supports up to \(supported). Use a newer nerved or re-create the index."
        case let .missingFeature(name):
            return "the linked SQLite lacks \(name); install a build with it (Debian's libsqlite3 has it)"
        case let .columnType(sql, column, expected):
            return "column \(column) of \"\(sql.prefix(80))\" is not \(expected)"
        }
    }

    /// The primary result code (SQLITE_BUSY = 5, SQLITE_CONSTRAINT = 19, SQLITE_FULL = 13...).
    public var code: Int32? {
        if case let .failure(code, _, _, _) = self { return code }
        return nil
    }

    public var isBusy: Bool { code == 5 || code == 6 }
    public var isDiskFull: Bool { code == 13 }
    public var isConstraint: Bool { code == 19 }
}
