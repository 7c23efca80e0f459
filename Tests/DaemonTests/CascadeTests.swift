// The cascade through the daemon: retrieval not confident → the frontier stage answers (cited,
// costed, logged); the frontier failing → the retrieval answer comes back flagged, never an error;
// `stats` sums up routes, escalations and money.
import JSON
import Posix
import Testing
import TestSupport

@Suite struct CascadeTests {
    func pipelines(endpoint: String) throws -> String {
        try Paths.pipelineFolder(ask: """
        \(Paths.lexicalExtractStages)
        [[stage]]
        id = "frontier"
        kind = "answer.frontier"
        in = ["question.text", "bm25.hits", "extract.answer"]
        provider = "openai"
        endpoint = "\(endpoint)"
        model = "fake-gpt"
        price_in = 2.0
        price_out = 10.0
        attempts = 1
        timeout_ms = 3000
        accept = 0.5

        """)
    }

    @Test func lowConfidenceEscalatesToTheFrontierAndFailuresFallBack() throws {
        let server = try FakeModelServer([.openAI("Permits cost nine dollars [1].", tokensIn: 500, tokensOut: 12)], fallback: .status(500))
        let dir = try pipelines(endpoint: server.baseURL)
        defer { FileSystem.removeTree(dir) }
        let h = try DaemonHarness(.live, pipelines: dir)
        _ = try h.call("ingest", ["path": .string(try h.makeFolder(["p.md": "# Parking\n\nParking permits cost nine dollars a month."]))])

        let log = NotificationLog()
        let a = try h.call("ask", ["question": "What do parking permits cost?"], notifications: log)
        #expect(a["route"] == "frontier")
        #expect(a["accepted"] == true)
        #expect(a["answer"] == "Permits cost nine dollars [1].")
        #expect(a["citations"]?[0]?["path"]?.stringValue?.hasSuffix("/p.md") == true)
        #expect(abs((a["cost"]?.doubleValue ?? 0) - (500 * 2 + 12 * 10) / 1e6) < 1e-9)
        let frontierStage = a["stages"]?.arrayValue?.first { $0["id"] == "frontier" }
        #expect(frontierStage?["tokens_in"] == 500 && frontierStage?["model"] == "fake-gpt")
        #expect(log.all.contains { $0.method == "answer.token" && $0.params["stage"] == "frontier" })
        let prompt = server.requests.first?.body["messages"]?[1]?["content"]?.stringValue ?? ""
        #expect(prompt.contains("[1] (p.md — Parking)"), "passages are numbered and attributed")
        #expect(prompt.contains("Earlier attempts"), "what the local stages found is passed along")

        let b = try h.call("ask", ["question": "What do parking permits cost?"])
        #expect(b["route"] == "extract", "the frontier failed, so the best lower-route answer stands")
        #expect(b["accepted"] == false)
        #expect(b["answer"]?.stringValue?.contains("nine dollars") == true)
        let failed = b["stages"]?.arrayValue?.first { $0["id"] == "frontier" }
        #expect(failed?["status"] == "failed")
        #expect(failed?["note"]?.stringValue?.contains("HTTP 500") == true)

        let s = try h.call("stats")
        #expect(s["questions"] == 2)
        #expect(s["routes"]?["frontier"] == 1 && s["routes"]?["extract"] == 1)
        #expect(s["escalation_rate"] == 1.0)
        #expect(abs((s["all_frontier_cost"]?.doubleValue ?? 0) - 2 * (500 * 2 + 12 * 10) / 1e6) < 1e-9)
    }
}
