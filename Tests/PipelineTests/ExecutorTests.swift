// The executor: the cascade stops at the first accepted answer, escalates below `accept`, skips
// what nobody needs, and survives failing stages with the best answer so far.
import Config
import Pipeline
import Testing

@Suite struct ExecutorTests {
    func run(_ text: String, n: Double) throws -> (RunResult, ToyContext) {
        let p = try Toy.link(text)
        let ctx = ToyContext()
        ctx.values["n"] = n
        return (Executor.run(p, context: ctx), ctx)
    }

    let cascade = """
    version = 1
    [[stage]]
    id = "s"
    kind = "start"
    [[stage]]
    id = "first"
    kind = "answer"
    in = ["s.value"]
    accept = 0.5
    [[stage]]
    id = "bump"
    kind = "add"
    amount = 0.3
    in = ["s.value"]
    [[stage]]
    id = "second"
    kind = "answer"
    in = ["bump.value", "first.answer"]
    accept = 0.6
    """

    @Test func acceptedAnswerStopsTheCascade() throws {
        let (r, _) = try run(cascade, n: 0.7)
        #expect(r.finalStage == "first")
        #expect(r.accepted)
        #expect(r.reports.map(\.status) == [.ran, .ran, .skipped])
        #expect(r.reports.map(\.id) == ["s", "first", "second"], "bump never ran: nobody needed it")
    }

    @Test func lowConfidenceEscalates() throws {
        let (r, _) = try run(cascade, n: 0.4)
        #expect(r.finalStage == "second")
        #expect(r.accepted)
        #expect(abs((r.finalAnswer?.confidence ?? 0) - 0.7) < 1e-9)
    }

    @Test func noStageConfidentGivesTheBestFlagged() throws {
        let (r, _) = try run(cascade, n: 0.1)
        #expect(!r.accepted)
        #expect(r.finalStage == "second")
        #expect(r.reports.first { $0.id == "second" }?.confidence.map { abs($0 - 0.4) < 1e-9 } == true)
    }

    @Test func failingLaterRouteKeepsTheEarlierAnswer() throws {
        let text = """
        version = 1
        [[stage]]
        id = "s"
        kind = "start"
        [[stage]]
        id = "first"
        kind = "answer"
        in = ["s.value"]
        accept = 0.9
        [[stage]]
        id = "broken"
        kind = "fail"
        in = ["s.value"]
        [[stage]]
        id = "second"
        kind = "answer"
        in = ["broken.value"]
        accept = 0.1
        """
        let (r, _) = try run(text, n: 0.3)
        #expect(r.finalStage == "first")
        #expect(!r.accepted)
        #expect(r.reports.first { $0.id == "broken" }?.status == .failed)
        #expect(r.reports.first { $0.id == "broken" }?.note == "toy failure")
        #expect(r.reports.first { $0.id == "second" }?.status == .skipped)
    }

    @Test func warningsForUnusedStages() throws {
        let p = try Toy.link(cascade + "\n[[stage]]\nid = \"idle\"\nkind = \"add\"\nin = [\"s.value\"]\n")
        #expect(p.warnings.map(\.message) == ["the outputs of stage 'idle' are never used"])
    }
}
