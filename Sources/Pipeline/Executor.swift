// Runs a bound pipeline on demand: answering stages in declaration order (the cascade), each
// pulling in the stages its inputs need, memoised; then every sink. A failed stage leaves its
// outputs absent and the run goes on, so a broken later route never hides an earlier answer; a
// stage that stands aside (`PipelineError.skipped`: its model or key is not set up) is reported
// as skipped with its note.
// Every stage's outputs are checked against its declaration before anyone reads them.
// A context-free stage whose inputs are ready is started on a thread of its own when the stage
// that needs it has other inputs still to compute, so on an idle machine the two overlap; its
// report and outputs are the same as when it runs in line.
import JSON
import Posix

public struct StageReport: Sendable {
    public enum Status: String, Sendable { case ran, skipped, failed }
    public let id: String
    public let kind: String
    public let status: Status
    public let ms: Double
    /// For answering stages: the answer's confidence.
    public let confidence: Double?
    /// Why it was skipped or how it failed.
    public let note: String?
}

public struct RunResult: Sendable {
    /// Outputs by stage id.
    public let outputs: [String: StageOutputs]
    /// One report per stage that ran, failed or was skipped, in declaration order.
    public let reports: [StageReport]
    /// The answering stage whose answer is final, and its answer.
    public let finalStage: String?
    public let finalAnswer: (any ConfidenceCarrying)?
    /// Whether the final answer met its stage's `accept`.
    public let accepted: Bool
}

public enum Executor {
    /// Threads for context-free stages, kept warm across runs (a fresh thread per question
    /// recovered about a quarter of the overlap, a warm one nearly all); one per core on the
    /// machines we target.
    static let helpers = HelperThreads(limit: 2)

    /// Runs `p`. `seeds` are outputs already produced (the item a producing source yielded).
    public static func run(_ p: BoundPipeline, context: RunContext, seeds: [Int: StageOutputs] = [:]) -> RunResult {
        var run = Run(p: p, context: context)
        for (i, o) in seeds { run.outputs[i] = o; run.reports[i] = StageReport(id: p.plan.stages[i].id, kind: p.plan.stages[i].kind.name,
                                                                               status: .ran, ms: 0, confidence: nil, note: nil) }
        var final: (Int, any ConfidenceCarrying)?
        var accepted = false
        for (i, s) in p.plan.stages.enumerated() where s.kind.role == .answering {
            if accepted {
                run.skip(i, "an earlier stage's answer was accepted")
                continue
            }
            run.evaluate(i)
            guard let answer = run.outputs[i]?.answer else { continue }
            if answer.confidence >= (s.accept ?? 1) {
                final = (i, answer)
                accepted = true
            } else if answer.confidence > (final?.1.confidence ?? -1) {
                final = (i, answer)
            }
        }
        for (i, s) in p.plan.stages.enumerated() where s.kind.role == .sink { run.evaluate(i) }
        var outputs: [String: StageOutputs] = [:]
        for (i, o) in run.outputs { outputs[p.plan.stages[i].id] = o }
        let reports = p.plan.stages.indices.compactMap { run.reports[$0] }
        return RunResult(outputs: outputs, reports: reports, finalStage: final.map { p.plan.stages[$0.0].id },
                         finalAnswer: final?.1, accepted: accepted)
    }

    /// Runs only the stages `targets` and what they depend on (no cascade, no sinks): how the
    /// daemon gets the ask pipeline's ranked passages for a search.
    public static func run(_ p: BoundPipeline, context: RunContext, only targets: [Int]) -> RunResult {
        var run = Run(p: p, context: context)
        for i in targets where p.plan.stages.indices.contains(i) { run.evaluate(i) }
        var outputs: [String: StageOutputs] = [:]
        for (i, o) in run.outputs { outputs[p.plan.stages[i].id] = o }
        return RunResult(outputs: outputs, reports: p.plan.stages.indices.compactMap { run.reports[$0] }, finalStage: nil,
                         finalAnswer: nil, accepted: false)
    }

    /// Runs one stage on given inputs, outside a pipeline (a worker serving `stage.run`), with
    /// the same output check as in a pipeline.
    public static func runAlone(_ stage: any Stage, plan: StagePlan, inputs: StageInputs, context: RunContext) throws -> StageOutputs {
        let out = try stage.run(inputs, context)
        try check(out, plan)
        return out
    }

    /// Every output must be declared by the stage's kind, with the declared type.
    static func check(_ out: StageOutputs, _ plan: StagePlan) throws {
        for (name, e) in out.entries {
            guard let spec = plan.kind.outputs.first(where: { $0.name == name }) else {
                throw PipelineError.port(stage: plan.id, port: name, reason: "'\(plan.kind.name)' declares no output '\(name)'")
            }
            guard spec.type == e.type, spec.type.admits(e.value) else {
                throw PipelineError.port(stage: plan.id, port: name,
                                         reason: "output '\(name)' is declared '\(spec.type)' (\(spec.type.valueTypeName)) but carried \(type(of: e.value))")
            }
        }
    }
}

private struct Run {
    let p: BoundPipeline
    let context: RunContext
    var outputs: [Int: StageOutputs] = [:]
    var reports: [Int: StageReport] = [:]

    init(p: BoundPipeline, context: RunContext) {
        self.p = p
        self.context = context
    }

    mutating func skip(_ i: Int, _ why: String) {
        let s = p.plan.stages[i]
        reports[i] = StageReport(id: s.id, kind: s.kind.name, status: .skipped, ms: 0, confidence: nil, note: why)
    }

    /// The value of `src`'s output `out`, running `src` first if needed.
    mutating func pull(_ src: Int, _ out: String, as type: PortType) -> PortValue? {
        evaluate(src)
        guard let e = outputs[src]?.entries[out] else { return nil }
        return PortValue(type: type, value: e.value, source: p.plan.stages[src].id + "." + out)
    }

    mutating func evaluate(_ i: Int) {
        if reports[i] != nil { return }
        if let running = started.removeValue(forKey: i) {
            record(i, running.wait())
            return
        }
        let s = p.plan.stages[i]
        active.append(i)
        defer { active.removeLast() }
        startContextFree(under: i)
        var values: [String: [PortValue]] = [:]
        for spec in s.kind.inputs {
            let refs = s.wiring[spec.name] ?? []
            var got: [PortValue] = []
            for (src, out) in refs {
                if let v = pull(src, out, as: spec.type) { got.append(v) }
                // The first alternative that produced a value, or failed, decides.
                if spec.arity == .first, !got.isEmpty || reports[src]?.status == .failed { break }
            }
            if spec.arity == .first, let failed = refs.first(where: { reports[$0.stage]?.status == .failed }), got.isEmpty {
                let f = reports[failed.stage]
                skip(i, "input '\(spec.name)': '\(f?.id ?? "?")' failed: \(f?.note ?? "")")
                return
            }
            if got.isEmpty && !spec.optional && !refs.isEmpty {
                let sources = refs.map { p.plan.stages[$0.stage].id + "." + $0.output }.joined(separator: ", ")
                skip(i, "no value for input '\(spec.name)' (from \(sources))")
                return
            }
            values[spec.name] = got
        }
        record(i, Self.execute(p.stages[i], s, StageInputs(stage: s.id, specs: s.kind.inputs, values: values), context))
    }

    /// Runs one stage on its inputs: its checked outputs, or the error, and how long it took.
    static func execute(_ stage: any Stage, _ s: StagePlan, _ inputs: StageInputs, _ context: RunContext)
        -> (Result<StageOutputs, Error>, Double) {
        let start = ContinuousClock.now
        let result = Result { () throws -> StageOutputs in
            let out = try stage.run(inputs, context)
            try Executor.check(out, s)
            return out
        }
        return (result, (ContinuousClock.now - start).milliseconds)
    }

    mutating func record(_ i: Int, _ ran: (Result<StageOutputs, Error>, Double)) {
        let s = p.plan.stages[i], ms = ran.1
        switch ran.0 {
        case .success(let out):
            outputs[i] = out
            reports[i] = StageReport(id: s.id, kind: s.kind.name, status: .ran, ms: ms, confidence: out.answer?.confidence, note: nil)
        case .failure(PipelineError.skipped(_, let reason)):
            reports[i] = StageReport(id: s.id, kind: s.kind.name, status: .skipped, ms: ms, confidence: nil, note: reason)
        case .failure(let error):
            reports[i] = StageReport(id: s.id, kind: s.kind.name, status: .failed, ms: ms, confidence: nil, note: "\(error)")
        }
        // A stage done may be the last input a context-free stage was waiting for.
        for a in active { startContextFree(under: a) }
    }

    // MARK: Context-free stages on their own thread

    /// Stage indices started on a thread of their own, not yet recorded.
    var started: [Int: Running] = [:]
    /// The stages being evaluated, outermost first (each is computing its inputs).
    var active: [Int] = []

    /// The stages whose outputs stage `i`'s inputs name.
    func sources(_ i: Int) -> Set<Int> {
        Set(p.plan.stages[i].wiring.values.flatMap { $0.map(\.stage) })
    }

    /// While `i` computes its inputs one after another: when two or more of them still have
    /// work to do, starts every context-free stage among what `i` depends on whose own inputs
    /// are all computed.
    mutating func startContextFree(under i: Int) {
        guard sources(i).filter({ reports[$0] == nil }).count >= 2 else { return }
        var seen: Set<Int> = [], stack = Array(sources(i))
        while let j = stack.popLast() {
            guard seen.insert(j).inserted, reports[j] == nil, started[j] == nil else { continue }
            let pending = sources(j).filter { reports[$0] == nil }
            if pending.isEmpty, let stage = p.stages[j] as? any ContextFreeStage {
                start(j, stage)
            } else {
                stack.append(contentsOf: pending)
            }
        }
    }

    /// Starts `j` (whose sources all ran) on a thread of its own; in line if no thread can be had.
    mutating func start(_ j: Int, _ stage: any ContextFreeStage) {
        let s = p.plan.stages[j]
        var values: [String: [PortValue]] = [:]
        for spec in s.kind.inputs {
            let got = (s.wiring[spec.name] ?? []).compactMap { ref -> PortValue? in
                guard let e = outputs[ref.stage]?.entries[ref.output] else { return nil }
                return PortValue(type: spec.type, value: e.value, source: p.plan.stages[ref.stage].id + "." + ref.output)
            }
            // Anything unusual (a missing or a `.first` input) is left to the in-line path.
            if got.isEmpty || spec.arity == .first { return }
            values[spec.name] = got
        }
        let inputs = StageInputs(stage: s.id, specs: s.kind.inputs, values: values), context = context
        let running = Running()
        if Executor.helpers.offer({ running.finish(Run.execute(stage, s, inputs, context)) }) { started[j] = running }
    }
}

/// The result of a stage running on another thread, waited for once.
private final class Running: @unchecked Sendable {
    private let done = Condition()
    private var result: (Result<StageOutputs, Error>, Double)?

    func finish(_ r: (Result<StageOutputs, Error>, Double)) {
        done.locked { result = r; done.broadcast() }
    }

    func wait() -> (Result<StageOutputs, Error>, Double) {
        done.locked {
            while true {
                if let result { return result }
                done.wait()
            }
        }
    }
}
