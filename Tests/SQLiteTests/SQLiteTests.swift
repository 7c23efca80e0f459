// The SQLite wrapper: typed values in and out, transactions that roll back on error, and errors
// that carry the result code and the SQL.
import SQLite
import Testing
import TestSupport
import Posix

@Suite struct SQLiteTests {
    func withDB(_ body: (Connection) throws -> Void) throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        try body(try Connection(path: dir + "/t.db"))
    }

    @Test func valuesRoundTrip() throws {
        try withDB { c in
            try c.execute("CREATE TABLE t(a, b, c, d, e)")
            try c.run("INSERT INTO t VALUES (?,?,?,?,?)", [.integer(42), .real(0.5), .text("héllo"), .blob([0, 1, 255]), .null])
            let r = try #require(try c.query("SELECT * FROM t").first)
            #expect(r.int(0) == 42)
            #expect(r.double(1) == 0.5)
            #expect(r.string(2) == "héllo")
            #expect(r.blob(3) == [0, 1, 255])
            #expect(r.values[4] == .null)
        }
    }

    @Test func transactionRollsBackWhenTheBodyThrows() throws {
        struct Boom: Error {}
        try withDB { c in
            try c.execute("CREATE TABLE t(x)")
            #expect(throws: Boom.self) {
                try c.transaction {
                    try c.run("INSERT INTO t VALUES (1)")
                    throw Boom()
                }
            }
            #expect(try c.scalar("SELECT count(*) FROM t") == .integer(0))
        }
    }

    @Test func constraintErrorsCarryCodesAndSQL() throws {
        try withDB { c in
            try c.execute("CREATE TABLE t(x UNIQUE)")
            try c.run("INSERT INTO t VALUES (1)")
            do {
                try c.run("INSERT INTO t VALUES (1)")
                Issue.record("duplicate accepted")
            } catch let e as SQLiteError {
                #expect(e.isConstraint)
                guard case let .failure(code, ext, message, sql) = e else { Issue.record("\(e)"); return }
                #expect(code == 19)
                #expect(ext == 2067)
                #expect(message.contains("UNIQUE"))
                #expect(sql == "INSERT INTO t VALUES (1)")
            }
        }
    }

    @Test func hasFTS5() throws {
        try withDB { c in
            let has = try c.hasCompileOption("ENABLE_FTS5")
            #expect(has)
        }
    }
}
