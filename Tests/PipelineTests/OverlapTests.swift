// Context-free stages run beside the stages next to them: one starts as soon as its inputs are
// there, on a helper thread, and the run's outputs and reports are what running it in line gives.
import Config
import JSON
import Pipeline
import Posix
import Testing

/// A rendezvous: `cf` says it started; `sibling` waits (up to a bound) to hear it.
final class Rendezvous: @unchecked Sendable {
    private let c = Condition()
    private var started = false
    func arrive() { c.locked { started = true; c.broadcast() } }
    /// Whether the other side arrived within `ms`.
    func await(ms: Int) -> Bool {
        c.locked {
            while !started { if !c.wait(ms: ms) { return started } }
            return true
        }
    }
}

struct ContextFreeClosure: ContextFreeStage {
    let body: @Sendable (StageInputs) throws -> StageOutputs
    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs { try body(inputs) }
}

@Suite struct OverlapTests {
    static let pipeline = """
    version = 1
    [[stage]]
    id = "s"
    kind = "start"
    [[stage]]
    id = "sibling"
    kind = "sibling"
    in = ["s.value"]
    [[stage]]
    id = "cf"
    kind = "contextfree"
    in = ["s.value"]
    [[stage]]
    id = "both"
    kind = "add"
    amount = 0
    in = ["sibling.value", "cf.value"]
    [[stage]]
    id = "a"
    kind = "answer"
    in = ["both.value"]
    accept = 0.5
    """

    /// Toy kinds plus `sibling` (waits to hear that `cf` started, adds 1 if it did, 0 if not)
    /// and the context-free `cf` (says it started, adds 0.25).
    func run(contextFree: Bool) throws -> RunResult {
        let r = Toy.registry()
        let meet = Rendezvous()
        r.register(StageKind(name: "sibling", summary: "waits for cf", pipelines: ["ask"], role: .transform,
                             inputs: [InputSpec("x", Toy.num)], outputs: [OutputSpec("value", Toy.num)], bind: { _, _ in
            Closure { inputs, _ in
                // In line, cf runs after this stage: the wait would end by its bound.
                StageOutputs("value", Toy.num, try inputs.one("x", Toy.num) + (meet.await(ms: 10_000) ? 1 : 0))
            }
        }))
        r.register(StageKind(name: "contextfree", summary: "context-free", pipelines: ["ask"], role: .transform,
                             inputs: [InputSpec("x", Toy.num)], outputs: [OutputSpec("value", Toy.num)], bind: { _, _ in
            let body: @Sendable (StageInputs) throws -> StageOutputs = { inputs in
                meet.arrive()
                return StageOutputs("value", Toy.num, try inputs.one("x", Toy.num) + 0.25)
            }
            if contextFree { return ContextFreeClosure(body: body) }
            meet.arrive()   // in line it can never be heard in time: let the sibling go on
            return Closure { inputs, _ in try body(inputs) }
        }))
        let plan = try PipelineLoader.plan(bytes: Array(Self.pipeline.utf8), path: "ask.toml", role: "ask", catalog: r.catalog)
        let p = try Binder.bind(plan, registry: r, resources: ToyResources())
        let ctx = ToyContext()
        ctx.n = 0.1
        return Executor.run(p, context: ctx)
    }

    @Test func aContextFreeStageRunsBesideItsSibling() throws {
        let r = try run(contextFree: true)
        #expect(r.reports.first { $0.id == "sibling" }?.status == .ran)
        // 0.1 + 1 (the sibling heard cf start while it ran) + 0.1 + 0.25
        #expect(abs((r.finalAnswer?.confidence ?? 0) - 1.45) < 1e-9, "\(r.finalAnswer?.confidence ?? -1)")
    }

    @Test func itsOutputsAndReportsAreThoseOfAnInLineRun() throws {
        let overlapped = try run(contextFree: true), inLine = try run(contextFree: false)
        #expect(overlapped.reports.map(\.id) == inLine.reports.map(\.id))
        #expect(overlapped.reports.map(\.status) == inLine.reports.map(\.status))
        #expect(overlapped.reports.map(\.id) == ["s", "sibling", "cf", "both", "a"])
        #expect(overlapped.outputs["cf"]?.value("value", Toy.num).map { abs($0 - 0.35) < 1e-12 } == true)
        #expect(overlapped.finalStage == inLine.finalStage)
    }
}
