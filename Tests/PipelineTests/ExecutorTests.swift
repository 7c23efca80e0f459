// The executor: the cascade stops at the first accepted answer, escalates below `accept`, skips
// what nobody needs, and survives failing stages with the best answer so far.
import Config
import Pipeline
import Testing

@Suite struct ExecutorTests {
    func run(_ text: String, n: Double) throws -> (RunResult, ToyContext) {
        let p = try Toy.link(text)
        let ctx = ToyContext()
        ctx.n = n
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
        let p = try Toy.plan(cascade + "\n[[stage]]\nid = \"idle\"\nkind = \"add\"\nin = [\"s.value\"]\n")
        #expect(p.warnings.map(\.message) == ["the outputs of stage 'idle' are never used"])
    }

    /// A stage whose value does not match its declared output fails, with a message naming both,
    /// and the stage reading it is skipped: a wrong type never flows on as an empty value.
    @Test func outputsAreCheckedAgainstTheDeclaration() throws {
        let text = """
        version = 1
        [[stage]]
        id = "s"
        kind = "start"
        [[stage]]
        id = "lie"
        kind = "liar"
        in = ["s.value"]
        [[stage]]
        id = "a"
        kind = "answer"
        in = ["lie.value"]
        accept = 0.1
        """
        let (r, _) = try run(text, n: 0.5)
        let lie = r.reports.first { $0.id == "lie" }
        #expect(lie?.status == .failed)
        #expect(lie?.note?.contains("declared 'number'") == true, "\(lie?.note ?? "")")
        #expect(r.reports.first { $0.id == "a" }?.status == .skipped)
        #expect(r.finalStage == nil)
    }

    /// Reading an input by a name or type the kind did not declare is an error, not a nil.
    @Test func undeclaredInputsAreErrors() throws {
        let inputs = try StageInputs(stage: "t", specs: [InputSpec("x", Toy.num)], sourced: ["x": [("s.value", 1.5)]])
        #expect(try inputs.one("x", Toy.num) == 1.5)
        #expect(throws: PipelineError.self) { try inputs.one("y", Toy.num) }
        #expect(throws: PipelineError.self) { try inputs.one("x", Toy.text) }
        #expect(throws: PipelineError.self) {
            try StageInputs(stage: "t", specs: [InputSpec("x", Toy.num)], sourced: ["x": [("s.value", "text")]])
        }
    }

    /// Linking reaches no resource: kinds' bind closures run only in Binder.bind.
    @Test func planningBindsNothing() throws {
        final class Counter: @unchecked Sendable { var binds = 0 }
        let counter = Counter()
        let r = Registry<ToyResources>()
        r.register(StageKind(name: "start", summary: "s", pipelines: ["ask"], role: .source, outputs: [OutputSpec("value", Toy.num)],
                             bind: { _, _ in counter.binds += 1; return Closure { _, _ in StageOutputs() } }))
        r.register(StageKind(name: "answer", summary: "a", pipelines: ["ask"], role: .answering, inputs: [InputSpec("x", Toy.num)],
                             outputs: [OutputSpec("answer", Toy.answer)],
                             bind: { _, _ in counter.binds += 1; return Closure { _, _ in StageOutputs() } }))
        let plan = try PipelineLoader.plan(bytes: Array("[[stage]]\nid = \"s\"\nkind = \"start\"\n[[stage]]\nid = \"a\"\nkind = \"answer\"\nin = [\"s.value\"]\naccept = 0.5\n".utf8),
                                           path: "ask.toml", role: "ask", catalog: r.catalog)
        #expect(counter.binds == 0)
        _ = try Binder.bind(plan, registry: r, resources: ToyResources())
        #expect(counter.binds == 2)
    }
}
