// Direct database edits tests need to build broken or future-version index files.
import SQLite

public enum SQLiteHelper {
    public static func setUserVersion(_ path: String, _ version: Int) throws {
        try Connection(path: path).execute("PRAGMA user_version = \(version)")
    }

    public static func execute(_ path: String, _ sql: String) throws {
        try Connection(path: path).execute(sql)
    }
}
