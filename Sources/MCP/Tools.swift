// The tools `nerve mcp` offers — ask, search, status — with their JSON Schemas. The input
// schemas mirror what nerved accepts (docs/protocol.md); the output schemas describe exactly the
// `structuredContent` the tools return, which clients validate.
import JSON

struct ToolSpec: Sendable {
    let name: String
    let title: String
    let description: String
    let input: JSON
    let output: JSON

    /// The entry `tools/list` returns.
    var definition: JSON {
        .object(JSONObject([
            ("name", .string(name)), ("title", .string(title)), ("description", .string(description)),
            ("inputSchema", input), ("outputSchema", output),
            // Nothing here changes the documents or the index.
            ("annotations", ["readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false]),
        ]))
    }
}

enum Tools {
    /// `search`'s `top` bounds and default, as nerved defines them.
    static let topRange = 1...100
    static let defaultTop = 10

    static let all: [ToolSpec] = [ask, search, status]
    static var names: [String] { all.map(\.name) }
    static func named(_ name: String) -> ToolSpec? { all.first { $0.name == name } }

    static func object(_ properties: [(String, JSON)], required: [String], closed: Bool) -> JSON {
        var o = JSONObject([("type", "object"), ("properties", .object(JSONObject(properties)))])
        if !required.isEmpty { o["required"] = .array(required.map(JSON.string)) }
        if closed { o["additionalProperties"] = false }
        return .object(o)
    }

    static func string(_ description: String) -> JSON { ["type": "string", "description": .string(description)] }
    static func integer(_ description: String) -> JSON { ["type": "integer", "description": .string(description)] }
    static func number(_ description: String) -> JSON { ["type": "number", "description": .string(description)] }
    static func array(_ items: JSON, _ description: String) -> JSON {
        ["type": "array", "items": items, "description": .string(description)]
    }

    /// The citation object nerved puts in ask and search replies. Open (more fields may come).
    static let citation = object([
        ("path", string("absolute path of the cited file")),
        ("title", string("document title, when it has one")),
        ("line_start", integer("first cited line (1-based), for text files")),
        ("line_end", integer("last cited line")),
        ("page", integer("cited page, for PDFs")),
        ("locator", string("where in the file otherwise: sheet, slide, archive member")),
        ("heading", string("the section heading the passage sits under")),
        ("chunk", string("hash of the cited chunk")),
    ], required: ["path", "chunk"], closed: false)

    static let ask = ToolSpec(
        name: "ask", title: "Ask the documents",
        description: """
        Answer a question from the user's indexed documents. Returns the answer with its citations \
        (file paths and line or page spans), the route that answered (a retrieval stage or a model) \
        and its confidence. When no stage is confident, `accepted` is false, `note` says so and \
        `passages` holds the best evidence instead: treat the answer as a guess then.
        """,
        input: object([
            ("question", ["type": "string", "minLength": 1,
                          "description": "the question, in natural language (nerved takes up to 4,096 characters unless configured otherwise)"]),
        ], required: ["question"], closed: true),
        output: object([
            ("answer", string("the answer text")),
            ("route", string("id of the pipeline stage whose answer this is")),
            ("confidence", number("that stage's confidence, 0 to 1")),
            ("accepted", ["type": "boolean", "description": "true when the confidence met the stage's accept threshold"]),
            ("generation", integer("index generation the answer was computed from")),
            ("citations", array(citation, "where the answer comes from")),
            ("note", string("present when not accepted: says so plainly")),
            ("passages", array(object([("text", string("passage text")), ("score", number("retrieval score")),
                                       ("citation", citation)], required: ["text", "score", "citation"], closed: false),
                               "present when not accepted: the best passages")),
        ], required: ["answer", "route", "confidence", "accepted", "generation", "citations"], closed: false))

    static let search = ToolSpec(
        name: "search", title: "Search the documents",
        description: """
        Find the passages of the user's indexed documents that best match a query (keywords or a \
        question; lexical and semantic retrieval fused), best first, each with its citation. \
        `path` keeps only passages from files under that absolute folder or file path.
        """,
        input: object([
            ("query", ["type": "string", "minLength": 1, "description": "what to look for"]),
            ("top", ["type": "integer", "minimum": .int(Int64(topRange.lowerBound)), "maximum": .int(Int64(topRange.upperBound)),
                     "default": .int(Int64(defaultTop)), "description": "how many passages to return"]),
            ("path", ["type": "string", "description": "absolute path prefix: only passages from files under it"]),
        ], required: ["query"], closed: true),
        output: object([
            ("query", string("the query searched for")),
            ("generation", integer("index generation searched")),
            ("passages", array(object([
                ("rank", integer("1 for the best passage")),
                ("text", string("passage text")),
                ("score", number("retrieval score (higher is better)")),
                ("citation", citation),
            ], required: ["rank", "text", "score", "citation"], closed: false), "the passages, best first")),
        ], required: ["query", "generation", "passages"], closed: false))

    static let status = ToolSpec(
        name: "status", title: "Index status",
        description: "What the document index holds (documents, chunks, index generation) and the daemon's state.",
        input: object([], required: [], closed: true),
        output: object([
            ("documents", integer("files currently indexed")),
            ("generation", integer("index generation")),
            ("chunks", integer("passages indexed")),
            ("version", string("nerved's version")),
        ], required: ["documents", "generation"], closed: false))
}
