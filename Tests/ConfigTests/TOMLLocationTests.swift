// Where keys and values are: line:column of keys, values, headers and array-of-tables elements,
// Unicode columns and CRLF line ends.
import Config
import Testing

@Suite struct TOMLLocationTests {
    static let pipeline = """
        # ask pipeline
        version = 1
        name = "ask"   # trailing comment

        [[stage]]
        id = "embed"
        kind = "embed.query"

        [[stage]]
        id = "search"
        in = ["embed.vector",  "query.text"]
        params.k = 8
        """

    @Test func keysAndValuesOfTopLevelEntries() throws {
        let root = try TOML.parse(Self.pipeline)
        #expect(root.location == loc(1, 1))
        #expect(root.keys == ["version", "name", "stage"])
        #expect(root.keyLocation("version") == loc(2, 1))
        #expect(root["version"]?.location == loc(2, 11))
        #expect(root.keyLocation("name") == loc(3, 1))
        #expect(root["name"]?.location == loc(3, 8))
        #expect(root.keyLocation("missing") == nil)
    }

    @Test func arrayOfTablesElementsPointAtTheirHeaders() throws {
        let root = try TOML.parse(Self.pipeline)
        let stage = try #require(root["stage"])
        #expect(stage.location == loc(5, 1))
        #expect(root.keyLocation("stage") == loc(5, 3))
        let stages = try #require(stage.array)
        #expect(stages.map(\.location) == [loc(5, 1), loc(9, 1)])

        let embed = try #require(stages[0].table)
        #expect(embed.location == loc(5, 1))
        #expect(embed.keys == ["id", "kind"])
        #expect(embed.keyLocation("kind") == loc(7, 1))
        #expect(embed["kind"]?.location == loc(7, 8))

        let search = try #require(stages[1].table)
        #expect(search.keyLocation("in") == loc(11, 1))
        let inputs = try #require(search["in"])
        #expect(inputs.location == loc(11, 6))
        #expect(inputs.array?.map(\.location) == [loc(11, 7), loc(11, 24)])
    }

    @Test func dottedKeysLocateEachSegment() throws {
        let root = try TOML.parse(Self.pipeline)
        let search = try #require(root["stage"]?.array?[1].table)
        let params = try #require(search["params"])
        #expect(search.keyLocation("params") == loc(12, 1))
        #expect(params.location == loc(12, 1))
        #expect(params.table?.keyLocation("k") == loc(12, 8))
        #expect(params.table?["k"]?.location == loc(12, 12))
    }

    @Test func headerTablesAndInlineTables() throws {
        let root = try TOML.parse("""
            [server.http]
            limits = { size = 10, depth.max = 3 }
            """)
        let server = try #require(root["server"]?.table)
        #expect(server.location == loc(1, 2)) // implicit: where `server` was named
        let http = try #require(server["http"]?.table)
        #expect(http.location == loc(1, 1))
        #expect(server.keyLocation("http") == loc(1, 9))
        let limits = try #require(http["limits"]?.table)
        #expect(limits.location == loc(2, 10))
        #expect(limits["size"]?.location == loc(2, 19))
        #expect(limits["depth"]?.table?.keyLocation("max") == loc(2, 29))
    }

    @Test func columnsCountUnicodeScalars() throws {
        // "ключ" is 4 scalars but 8 bytes; the emoji is 1 scalar, 4 bytes.
        let root = try TOML.parse("\"ключ\" = 1\n\"🙂\" = \"é\"\n")
        #expect(root["ключ"]?.location == loc(1, 10))
        #expect(root.keyLocation("🙂") == loc(2, 1))
        #expect(root["🙂"]?.location == loc(2, 7))
    }

    @Test func crlfLineEndsCountOnce() throws {
        let text = "a = 1\r\nb = \"x\"\r\n\r\n[t]\r\nc = \"\"\"\r\none\r\ntwo\"\"\"\r\nd = 2\r\n"
        let root = try TOML.parse(text)
        #expect(root.keyLocation("b") == loc(2, 1))
        #expect(root["b"]?.location == loc(2, 5))
        let t = try #require(root["t"]?.table)
        #expect(t.location == loc(4, 1))
        #expect(t["c"]?.string == "one\ntwo") // CRLF inside multi-line strings is stored as LF
        #expect(t.keyLocation("d") == loc(8, 1))
        #expect(parseError("a = 1\r\nb = \r\n")?.description.hasPrefix("2:5: expected a value") == true)
    }

    @Test func byteOrderMarkIsNotAColumn() throws {
        let root = try TOML.parse(bytes: [0xEF, 0xBB, 0xBF] + Array("a = 1".utf8))
        #expect(root.keyLocation("a") == loc(1, 1))
        #expect(root["a"]?.location == loc(1, 5))
    }
}
