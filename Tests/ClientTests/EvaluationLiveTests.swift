// `nerve eval` against a live daemon: retrieval not confident, a (fake) frontier model answers;
// the records carry each stage's citations and the frontier's prices come from `status`; the
// built `nerve eval` prints the report, its JSON and the per-question details (as `nerve
// calibrate --details` writes them).
import Client
import JSON
import Posix
import Testing
import TestSupport

@Suite(.serialized) struct EvaluationLiveTests {
    static func pipelines(endpoint: String) throws -> String {
        try Paths.pipelineFolder(ask: """
        \(Paths.lexicalExtractStages)
        [[stage]]
        id = "frontier"
        kind = "answer.frontier"
        in = ["question.text", "bm25.hits", "extract.answer"]
        endpoint = "\(endpoint)"
        model = "fake-gpt"
        price_in = 2.0
        price_out = 10.0
        attempts = 1
        timeout_ms = 3000
        accept = 0.5

        """)
    }

    /// A daemon whose frontier always answers citing passage 1, a folder ingested, a question file.
    static func setUp() throws -> (DaemonHarness, FakeModelServer, pipelines: String, docs: String, questions: String) {
        let server = try FakeModelServer([], fallback: .openAI("Permits cost nine dollars a month [1].", tokensIn: 500, tokensOut: 12))
        let dir = try pipelines(endpoint: server.baseURL)
        let h = try DaemonHarness(.live, pipelines: dir)
        let docs = try FileSystem.realPath(try h.makeFolder([
            "parking.md": "# Parking\n\nParking permits cost nine dollars a month at the garage.",
            "leave.md": "# Leave\n\nEmployees accrue six hours of annual leave per pay period.",
        ]))
        _ = try h.call("ingest", ["path": .string(docs)])
        let questions = h.dir + "/questions.jsonl"
        try FileSystem.writeAtomically(questions, Array("""
        {"id": "p-1", "question": "What do parking permits cost?", "answers": ["nine dollars"], "files": ["parking.md"], "unanswerable": false}
        {"id": "p-2", "question": "What do parking permits cost per month?", "answers": ["nine dollars"], "files": ["leave.md"], "unanswerable": false}

        """.utf8))
        return (h, server, dir, docs, questions)
    }

    @Test func statusNamesTheFrontierStageAndItsPrices() throws {
        let (h, server, dir, _, _) = try Self.setUp()
        defer { FileSystem.removeTree(dir); server.stop() }
        let f = try #require(try Evaluation.frontier(socket: h.socket))
        // 6 passages × 300 + 150 tokens in at $2/M, 150 out at $10/M.
        #expect(f == FrontierPrice(stage: "frontier", model: "fake-gpt", priceIn: 2, priceOut: 10, typicalCost: (1950 * 2 + 150 * 10) / 1e6))
        let plain = try DaemonHarness(.live)
        // The shipped cascade declares its frontier stage (switched off until a key is set): its
        // declared prices are what eval compares against, key or not.
        let shipped = try #require(try Evaluation.frontier(socket: plain.socket))
        #expect(shipped.stage == "frontier" && shipped.model == "gpt-4o-mini" && shipped.priceIn == 0.15 && shipped.priceOut == 0.6)
        #expect(shipped.typicalCost > 0)
    }

    @Test func recordsJudgeEveryStageWithItsOwnCitations() throws {
        let (h, server, dir, docs, questions) = try Self.setUp()
        defer { FileSystem.removeTree(dir); server.stop() }
        let qs = try EvalQuestion.load(questions, dataRoot: docs)
        var seen: [Int] = []
        let records = try Evaluation.run(qs, socket: h.socket) { done, _ in seen.append(done) }
        #expect(seen == [1, 2])
        let r = try #require(records.first)
        #expect(r.route == "frontier" && r.accepted)
        #expect(r.pipeline == ["extract", "frontier"] && r.stages.map(\.stage) == ["extract", "frontier"])
        let extract = r.stages[0], frontier = r.stages[1]
        #expect(extract.citations.first == docs + "/parking.md", "the extract stage's own citation: \(extract.citations)")
        #expect(!extract.features.isEmpty && extract.kind == "answer.extract")
        #expect(frontier.citations == [docs + "/parking.md"] && frontier.verdict.right)
        #expect(abs(frontier.cost - (500 * 2 + 12 * 10) / 1e6) < 1e-12)
        #expect(r.verdict.right && r.correct)
        // The second question's file is leave.md: right text, wrong file.
        #expect(records[1].accepted && records[1].verdict == Verdict(rightText: true, rightFile: false))

        let report = EvalReport(records, frontier: try Evaluation.frontier(socket: h.socket))
        #expect(report.endToEnd.acceptedRight == 1 && report.endToEnd.rightText == 2 && report.endToEnd.rightFile == 1)
        #expect(report.routes.map(\.stage) == ["extract", "frontier"] && report.routes[1].final == 2)
        #expect(abs((report.cost.allFrontier ?? 0) - 2 * (1950 * 2 + 150 * 10) / 1e6) < 1e-12)
        #expect(abs(report.cost.spent - 2 * (500 * 2 + 12 * 10) / 1e6) < 1e-12)
    }

    @Test func theCommandPrintsTheReportItsJSONAndDetails() throws {
        let (h, server, dir, docs, questions) = try Self.setUp()
        defer { FileSystem.removeTree(dir); server.stop() }
        let details = h.dir + "/details.jsonl"
        let text = try Binaries.run("nerve", ["--socket", h.socket, "eval", questions, "--data-root", docs, "--details", details])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("2 questions — 2 answerable, 0 unanswerable"))
        #expect(text.stdout.contains("answerable answered right (text and file): 1/2 = 50.00%  [right text 2, right file 1]"))
        #expect(text.stdout.contains("Route frontier (answer.frontier): ran on 2, final route of 2"))
        let lines = try String(decoding: FileSystem.read(details), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        let first = try JSON.parse(String(lines[0]))
        #expect(first["id"] == "p-1" && first["right"] == true && first["files"]?[0]?.stringValue == docs + "/parking.md")
        #expect(first["stages"]?.arrayValue?.count == 2)

        let json = try Binaries.run("nerve", ["--socket", h.socket, "--json", "eval", questions, "--data-root", docs, "--limit", "1"])
        let j = try JSON.parse(json.stdout)
        #expect(j["questions"] == 1 && j["end_to_end"]?["accepted_right"] == 1)
        #expect(j["cost"]?["frontier"]?["model"] == "fake-gpt")

        // calibrate writes the same lines for what it asked (before fitting: two questions are
        // too few for some fits, and the answers are worth reading anyway).
        let asked = h.dir + "/asked.jsonl"
        _ = try Binaries.run("nerve", ["--socket", h.socket, "calibrate", questions, "--data-root", docs, "--details", asked,
                                       "--only", "extract", "--out", h.dir + "/calibration"])
        let askedLines = try String(decoding: FileSystem.read(asked), as: UTF8.self).split(separator: "\n")
        #expect(askedLines.count == 2)
        let firstAsked = try JSON.parse(String(askedLines[0]))
        #expect(firstAsked["id"] == "p-1" && firstAsked["answer"]?.stringValue?.contains("nine dollars") == true)

        let bad = try Binaries.run("nerve", ["--socket", h.socket, "eval", questions])
        #expect(bad.status == 1 && bad.stderr.contains(questions + ":1: file 'parking.md'"), "\(bad.stderr)")
        let badLimit = try Binaries.run("nerve", ["--socket", h.socket, "eval", questions, "--data-root", docs, "--limit", "x"])
        #expect(badLimit.status == 2)
    }
}
