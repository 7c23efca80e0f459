// A prepared statement and the rows it yields. Finalised in deinit so no statement outlives use.
import CSQLite

/// SQLite's destructor sentinel telling it to copy bound memory; the macro is not imported.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

public final class Statement {
    let handle: OpaquePointer
    unowned let connection: Connection
    public let sql: String

    init(connection: Connection, sql: String) throws {
        self.connection = connection
        self.sql = sql
        var st: OpaquePointer?
        let rc = sqlite3_prepare_v2(connection.handle, sql, -1, &st, nil)
        guard rc == SQLITE_OK, let st else { throw connection.error(rc, sql: sql) }
        handle = st
    }

    deinit { sqlite3_finalize(handle) }

    /// Resets the statement and binds `values` to parameters 1...n.
    /// The corresponding C functions are `sqlite3_reset` and `sqlite3_bind_*`.
    public func bind(_ values: [SQLValue]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (i, v) in values.enumerated() {
            let idx = Int32(i + 1)
            let rc: Int32
            switch v {
            case .null: rc = sqlite3_bind_null(handle, idx)
            case let .integer(n): rc = sqlite3_bind_int64(handle, idx, n)
            case let .real(d): rc = sqlite3_bind_double(handle, idx, d)
            case let .text(s): rc = sqlite3_bind_text(handle, idx, s, -1, transient)
            case let .blob(b):
                rc = b.withUnsafeBytes { sqlite3_bind_blob(handle, idx, $0.baseAddress, Int32($0.count), transient) }
            }
            if rc != SQLITE_OK { throw connection.error(rc, sql: sql) }
        }
    }

    /// Binds raw bytes (e.g. a vector) without copying them into an array first.
    public func bindBlob(_ index: Int, _ bytes: UnsafeRawBufferPointer) throws {
        let rc = sqlite3_bind_blob(handle, Int32(index), bytes.baseAddress, Int32(bytes.count), transient)
        if rc != SQLITE_OK { throw connection.error(rc, sql: sql) }
    }

    /// Steps once: a row, or nil when done.
    /// The corresponding C function is `sqlite3_step`.
    public func step() throws -> Row? {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_DONE { return nil }
        guard rc == SQLITE_ROW else { throw connection.error(rc, sql: sql) }
        let n = sqlite3_column_count(handle)
        var values: [SQLValue] = []
        values.reserveCapacity(Int(n))
        for i in 0..<n {
            switch sqlite3_column_type(handle, i) {
            case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(handle, i)))
            case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(handle, i)))
            case SQLITE_TEXT:
                let p = sqlite3_column_text(handle, i)
                let len = Int(sqlite3_column_bytes(handle, i))
                values.append(.text(p.map { String(decoding: UnsafeBufferPointer(start: $0, count: len), as: UTF8.self) } ?? ""))
            case SQLITE_BLOB:
                let p = sqlite3_column_blob(handle, i)
                let len = Int(sqlite3_column_bytes(handle, i))
                values.append(.blob(p.map { Array(UnsafeRawBufferPointer(start: $0, count: len)) } ?? []))
            default: values.append(.null)
            }
        }
        return Row(values: values)
    }

    /// Binds, runs to completion and returns all rows.
    public func all(_ values: [SQLValue] = []) throws -> [Row] {
        try bind(values)
        var rows: [Row] = []
        while let r = try step() { rows.append(r) }
        return rows
    }

    /// Binds and runs a statement that returns no rows.
    public func run(_ values: [SQLValue] = []) throws {
        try bind(values)
        while try step() != nil {}
    }
}

/// One result row; typed accessors return nil for NULL or a different type.
public struct Row: Sendable {
    public let values: [SQLValue]

    public func int(_ i: Int) -> Int64? {
        guard i < values.count else { return nil }
        switch values[i] {
        case let .integer(n): return n
        case let .real(d): return Int64(exactly: d.rounded()) ?? nil
        default: return nil
        }
    }

    public func double(_ i: Int) -> Double? {
        guard i < values.count else { return nil }
        switch values[i] {
        case let .real(d): return d
        case let .integer(n): return Double(n)
        default: return nil
        }
    }

    public func string(_ i: Int) -> String? {
        guard i < values.count, case let .text(s) = values[i] else { return nil }
        return s
    }

    public func blob(_ i: Int) -> [UInt8]? {
        guard i < values.count, case let .blob(b) = values[i] else { return nil }
        return b
    }
}

/// Column access on the current row without copying the row into values first: for scans over
/// thousands of rows (the ledger of a large folder). Valid only inside `Statement.each`.
public struct RowCursor {
    let handle: OpaquePointer

    public func int(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }
    public func double(_ i: Int32) -> Double { sqlite3_column_double(handle, i) }
    public func isNull(_ i: Int32) -> Bool { sqlite3_column_type(handle, i) == SQLITE_NULL }
    public func string(_ i: Int32) -> String? {
        guard let p = sqlite3_column_text(handle, i) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, i))), as: UTF8.self)
    }
}

extension Statement {
    /// Binds `values`, then calls `body` for each row.
    /// The corresponding C functions are `sqlite3_step` and `sqlite3_column_*`.
    public func each(_ values: [SQLValue] = [], _ body: (RowCursor) throws -> Void) throws {
        try bind(values)
        while true {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw connection.error(rc, sql: sql) }
            try body(RowCursor(handle: handle))
        }
    }
}
