// The `search` method: the ask pipeline's fused ranking without an answer — ranks from 1, the same
// citation objects as answers, at most `top` passages, only under `path` when given, the
// generation searched — and bad requests get their stable codes.
import JSON
import Posix
import Testing
import TestSupport
import Wire

@Suite struct SearchTests {
    @Test(arguments: DaemonHarness.Mode.allCases)
    func rankedPassagesWithCitations(_ mode: DaemonHarness.Mode) throws {
        let h = try DaemonHarness(mode)
        let root = try h.makeFolder([
            "travel/flights.md": "# Flights\n\nBook economy class for flights under six hours.\n\nBusiness class needs approval.",
            "travel/hotels.md": "# Hotels\n\nHotels are booked through the travel desk, economy rates first.",
            "leave.md": "# Leave\n\nEmployees get twelve weeks of paid parental leave.",
        ])
        let ingest = try h.call("ingest", ["path": .string(root)])
        let r = try h.call("search", ["query": "economy class flights", "top": 2])
        #expect(r["query"] == "economy class flights")
        #expect(r["generation"] == ingest["generation"])
        let passages = r["passages"]?.arrayValue ?? []
        #expect(passages.count == 2)
        #expect(passages.map { $0["rank"]?.intValue } == [1, 2])
        #expect(passages[0]["citation"]?["path"] == .string(root + "/travel/flights.md"))
        #expect(passages[0]["text"]?.stringValue?.contains("economy class") == true)
        #expect(passages[0]["citation"]?["chunk"]?.stringValue?.count == 16)
        #expect((passages[0]["score"]?.doubleValue ?? 0) >= (passages[1]["score"]?.doubleValue ?? 1))

        let under = try h.call("search", ["query": "economy leave weeks", "top": 10, "path": .string(root + "/travel")])
        let paths = (under["passages"]?.arrayValue ?? []).compactMap { $0["citation"]?["path"]?.stringValue }
        #expect(!paths.isEmpty && paths.allSatisfy { $0.hasPrefix(root + "/travel/") }, "\(paths)")

        #expect(h.errorCode("search", ["query": "x", "path": "relative/folder"]) == .EPARAMS)
        #expect(h.errorCode("search", ["query": "x", "top": 0]) == .EPARAMS)
        #expect(h.errorCode("search", ["query": "x", "top": 101]) == .EPARAMS)
        #expect(h.errorCode("search", ["query": "   "]) == .EPARAMS)
        #expect(h.errorCode("search", ["query": "x", "bogus": 1]) == .EPARAMS)
        #expect(h.errorCode("search", [:]) == .EPARAMS)
    }

    @Test func anEmptyIndexIsENOINDEX() throws {
        let h = try DaemonHarness(.inProcess)
        #expect(h.errorCode("search", ["query": "anything"]) == .ENOINDEX)
    }
}
